import { resolve } from "node:path";
import type { Logger } from "pino";
import { createClock, type Clock } from "./clock.js";
import { loadConfig } from "./config/load-config.js";
import type { Config } from "./config/schema.js";
import { createMetrics, type Metrics } from "./metrics.js";
import { createPushQueue, type PushQueue, type PushQueueOptions } from "./push/push-queue.js";
import { connectRedis, waitReady, type RedisClient } from "./redis/connect.js";
import { startEmbeddedRedis, type EmbeddedRedis } from "./redis/embedded.js";
import { createKeys, type Keys } from "./redis/keys.js";
import type { Roster } from "./roster.js";
import { deriveSchedules } from "./schedule/derive-schedules.js";
import type { JobDeps } from "./schedule/job-deps.js";
import { createScheduler, type Scheduler } from "./schedule/scheduler.js";
import { createExemptionStore, type ExemptionStore } from "./store/exemption-store.js";
import { createReportStore, type ReportStore } from "./store/report-store.js";
import { createTaskPeriods } from "./tasks/create-task-periods.js";

/** What `npm start` and the CLI read from the environment (see README). */
export interface ServiceEnv {
  PINGAN_CONFIG?: string;
  PORT?: string;
  REDIS_URL?: string;
  WECOM_API_BASE?: string;
  PINGAN_NOW?: string;
  PINGAN_SPEED?: string;
  PINGAN_DATA_DIR?: string;
  [name: string]: string | undefined;
}

export const DEFAULT_WECOM_API_BASE = "https://qyapi.weixin.qq.com";

/** Everything the web process, the workers and the CLI share: config, Redis, stores, queues. */
export interface Runtime {
  config: Config;
  roster: Roster;
  clock: Clock;
  redisUrl: string;
  /** Fails fast when Redis is down (web requests). */
  redis: RedisClient;
  /** Waits for Redis (BullMQ, jobs). */
  workerRedis: RedisClient;
  keys: Keys;
  periods: Awaited<ReturnType<typeof createTaskPeriods>>;
  metrics: Metrics;
  store: ReportStore;
  exemptions: ExemptionStore;
  /** Workers' side of the push pipeline (waits for Redis). */
  pushQueue: PushQueue;
  /** The web process's side: enqueue only, failing fast so a callback never hangs on Redis. */
  webPushQueue: PushQueue;
  scheduler: Scheduler;
  /** What scheduled jobs and `pingan run` use. */
  jobDeps: JobDeps;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  env: ServiceEnv;
  log: Logger;
  say?: (line: string) => void;
  /** Overrides PINGAN_NOW/PINGAN_SPEED (the demo drives its own clock). */
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
  /** Overrides of the push pipeline's retry and rate limit (tests). */
  pushTuning?: Pick<PushQueueOptions, "retry" | "rateLimit">;
}

/** Loads the config and opens Redis (the embedded one unless REDIS_URL is set). */
export async function openRuntime({
  env,
  log,
  say = () => {},
  clock: givenClock,
  fetch = globalThis.fetch,
  pushTuning,
}: RuntimeOptions): Promise<Runtime> {
  const { config, roster } = await loadConfig({ path: env.PINGAN_CONFIG ?? "config/pingan.yaml", env });
  const clock =
    givenClock ??
    createClock({
      ...(env.PINGAN_NOW && { start: parseNow(env.PINGAN_NOW) }),
      ...(env.PINGAN_SPEED && { speed: Number(env.PINGAN_SPEED) }),
    });
  let embedded: EmbeddedRedis | undefined;
  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    embedded = await startEmbeddedRedis({ dataDir: resolve(env.PINGAN_DATA_DIR ?? "data", "redis"), say });
    redisUrl = embedded.url;
    say(`已启动内置 Redis：${redisUrl}（数据目录 ${embedded.dataDir}，AOF 每次写入落盘）`);
  }
  const redis = connectRedis(redisUrl, { role: "web", log });
  const workerRedis = connectRedis(redisUrl, { role: "worker", log });
  await Promise.all([waitReady(redis), waitReady(workerRedis)]);
  const keys = createKeys();
  const periods = await createTaskPeriods(config);
  const metrics = createMetrics();
  const store = createReportStore({ redis: workerRedis, keys });
  const exemptions = createExemptionStore({ redis: workerRedis, keys });
  const pushOptions = {
    keys,
    groups: config.groups,
    apiBase: env.WECOM_API_BASE ?? DEFAULT_WECOM_API_BASE,
    fetch,
    log,
    metrics: metrics.push,
    ...pushTuning,
  };
  const pushQueue = createPushQueue({ connection: workerRedis, ...pushOptions });
  const webPushQueue = createPushQueue({ connection: redis, ...pushOptions });
  const scheduler = createScheduler({ connection: workerRedis, entries: deriveSchedules(config), log });
  const jobDeps: JobDeps = { config, roster, store, exemptions, periods, push: pushQueue, redis: workerRedis, keys, log };
  return {
    config,
    roster,
    clock,
    redisUrl,
    redis,
    workerRedis,
    keys,
    periods,
    metrics,
    store,
    exemptions,
    pushQueue,
    webPushQueue,
    scheduler,
    jobDeps,
    async close() {
      await pushQueue.close();
      await webPushQueue.close();
      await scheduler.close();
      redis.disconnect();
      workerRedis.disconnect();
      await embedded?.stop();
    },
  };
}

function parseNow(text: string): Date {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new Error(`PINGAN_NOW 不是有效的时间：${text}（例如 2026-11-23T08:30:00+08:00）`);
  return at;
}

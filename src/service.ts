import type { Server } from "node:http";
import { resolve } from "node:path";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { createApp } from "./app.js";
import { createClock, type Clock } from "./clock.js";
import { loadConfig } from "./config/load-config.js";
import { connectRedis, waitReady } from "./redis/connect.js";
import { startEmbeddedRedis, type EmbeddedRedis } from "./redis/embedded.js";
import { createKeys } from "./redis/keys.js";
import { createPushQueue } from "./push/push-queue.js";
import { createTaskPeriods } from "./tasks/create-task-periods.js";

/** What `npm start` reads from the environment (see README). */
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

export interface Service {
  url: string;
  redisUrl: string;
  clock: Clock;
  stop(): Promise<void>;
}

/** Starts the web service: config, Redis (embedded unless REDIS_URL), the Koa app. */
export async function startService({
  env,
  log,
  say = () => {},
  clock: givenClock,
  fetch = globalThis.fetch,
}: {
  env: ServiceEnv;
  log: Logger;
  say?: (line: string) => void;
  /** Overrides PINGAN_NOW/PINGAN_SPEED (the demo drives its own clock). */
  clock?: Clock;
  fetch?: typeof globalThis.fetch;
}): Promise<Service> {
  const { config, roster } = await loadConfig({ path: env.PINGAN_CONFIG ?? "config/pingan.yaml", env });
  const clock = givenClock ?? createClock({
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
  const redis: Redis = connectRedis(redisUrl, { role: "web", log });
  const workerRedis: Redis = connectRedis(redisUrl, { role: "worker", log });
  await Promise.all([waitReady(redis), waitReady(workerRedis)]);
  const keys = createKeys();
  const periods = await createTaskPeriods(config);
  const pushQueue = createPushQueue({
    connection: workerRedis,
    keys,
    groups: config.groups,
    apiBase: env.WECOM_API_BASE ?? DEFAULT_WECOM_API_BASE,
    fetch,
    log,
  });
  pushQueue.startWorker();
  const app = createApp({ config, roster, redis, keys, clock, periods, push: pushQueue, log });
  const server: Server = await new Promise((done) => {
    const s = app.listen(Number(env.PORT ?? 8080), "0.0.0.0", () => done(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : Number(env.PORT ?? 8080);
  log.info({ port, schools: roster.schools.length }, "service listening");
  return {
    url: `http://127.0.0.1:${port}`,
    redisUrl,
    clock,
    async stop() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      await closed;
      await pushQueue.close();
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

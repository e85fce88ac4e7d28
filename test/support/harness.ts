import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import pino from "pino";
import { createManualClock } from "../../src/clock/clock.js";
import type { Config } from "../../src/config/schema.js";
import type { PushQueue } from "../../src/push/push-queue.js";
import { connectRedis, waitReady, type RedisClient } from "../../src/store/connect-redis.js";
import type { Roster } from "../../src/config/roster.js";
import type { JobDeps } from "../../jobs/job-deps.js";
import type { ScheduleKind } from "../../src/schedule/derive-schedules.js";
import type { Scheduler } from "../../src/schedule/scheduler.js";
import { readSettings } from "../../src/main/settings.js";
import { startSystem, type SystemOptions } from "../../src/main/system.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { createWecomSimulator, type WecomSimulator } from "../../src/wecom/simulator/wecom-simulator.js";
import { startFakeLongConnection, type FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { writeWebsocketConfig } from "../../src/dev/websocket-config.js";
import type { ReportStore } from "../../src/store/reports.js";
import { createKeys } from "../../src/store/keys.js";
import { SINCE_EVER } from "../../src/store/roster-days.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { startTestRedis, type TestRedis } from "./redis.js";
import { TEST_AES_KEY, TEST_BOT, TEST_ENV, TEST_TOKEN } from "./test-env.js";
import { waitFor } from "./wait-for.js";
import { askOverLongConnection } from "./ask-long-connection.js";
import { startRedisFaultProxy, type RedisFaultProxy } from "./redis-fault-proxy.js";
import { writeConfigVariant } from "./config-variant.js";

/** How WeCom reaches the service: the callback URL, or the long connection the service dials. */
export type Transport = "callback" | "websocket";

/** The transport of harnesses that do not name one: PINGAN_TEST_TRANSPORT (vitest's websocket project sets it), else callback. */
export const DEFAULT_TRANSPORT: Transport = process.env.PINGAN_TEST_TRANSPORT === "websocket" ? "websocket" : "callback";

/** The group chat `say` speaks in, on either transport. */
export const HARNESS_CHATID = "wr_demo_group";

/**
 * How long queued work (a fired job, the pushes it makes, the first subscription) may take before the
 * harness calls it stuck: on a busy 2-core machine a job waits its turn for minutes without being wrong.
 */
const QUEUE_BOUND_MS = 240_000;

export interface Harness {
  transport: Transport;
  /** WeCom's callback side (callback transport). */
  sim: WecomSimulator;
  /** WeCom's long-connection server (websocket transport). */
  longConnection?: FakeLongConnection;
  clock: ReturnType<typeof createManualClock>;
  redis: TestRedis;
  /** With `redisFaults`: the proxy the service reaches Redis through, which refuses the commands a test names. */
  redisFaults?: RedisFaultProxy;
  /** A connection of the test's own, for assertions and flushing. */
  client: RedisClient;
  store: ReportStore;
  config: Config;
  /** The config file the service reads (a `variant`'s while the harness runs): for a CLI run beside it. */
  configPath: string;
  roster: Roster;
  url: string;
  /** WeCom's group-robot webhook, faked: every delivered push is in `webhook.messages`. */
  webhook: FakeWebhook;
  pushQueue: PushQueue;
  scheduler: Scheduler;
  jobDeps: JobDeps;
  /** The keys in Redis besides the transport's and the pushes' own bookkeeping (the long connection's keys, leases, rate windows). */
  dataKeys(): Promise<string[]>;
  /**
   * Waits for the pushes an earlier test left, then empties Redis of everything but the long
   * connection's keys (its lease, fence, status): a test starts from no data, with no delivery
   * still writing its status, while the running service keeps its connection. A FLUSHDB took the
   * lease from under the holder, which let the connection go and subscribed again, seconds on a
   * busy machine, past a message's wait.
   */
  clearData(): Promise<void>;
  /** Resolves when the push queue has nothing waiting, delayed or active. */
  drainPushes(): Promise<void>;
  /** Puts a scheduled job on the real schedule queue as if its scheduler fired at `at`, and waits for it. */
  fire(kind: ScheduleKind, at: string | Date): Promise<unknown>;
  /** Sends `text` as `from` in the principals' group, over the harness's transport, and returns the reply's markdown. */
  say(from: string, text: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The whole service as WeCom sees it (`startSystem`: web and workers), on the example config
 * unless told otherwise, a private real Redis, a real port, the WeCom simulator in front and a
 * fake group-robot webhook behind. Only the clock is fake; real-time schedulers are left off
 * so that the test decides when jobs fire.
 */
export async function startHarness({
  now,
  config = "config/pingan.example.yaml",
  variant: variantOf,
  rate,
  findFont,
  redis: reused,
  fresh = false,
  transport = DEFAULT_TRANSPORT,
  viaBot,
  viaBotFallback = false,
  connectionTuning,
  botRate,
  redisFaults: withRedisFaults = false,
  schedules = false,
  webhookKeys = {},
}: {
  now: string;
  /** More group robots the fake webhook knows (key → group name), for a config of more groups than the example's. */
  webhookKeys?: Record<string, string>;
  transport?: Transport;
  /** Websocket only: groups pushed to through the bot (group id → chatid) instead of their robot. */
  viaBot?: Record<string, string>;
  /** Websocket only: those groups keep their robot's webhook_key as the second way out. */
  viaBotFallback?: boolean;
  /** Websocket only: a conversation's replies and pushes a minute, for the fake and for us alike (unlimited by default). */
  botRate?: number;
  /** Websocket only: the lease's and the client's timings. */
  connectionTuning?: SystemOptions["connectionTuning"];
  config?: string;
  /**
   * The example config changed (writeConfigVariant: each `[from, to]` of `edits` replaced once, the
   * roster's copy changed by `roster`), in place of `config`; written here and removed at `close`.
   */
  variant?: { edits: ReadonlyArray<readonly [string, string]>; roster?: (csv: string) => string };
  /** The workers' lookup of the week chart's font (a test gives one that finds none). */
  findFont?: SystemOptions["findFont"];
  /** A group robot's rate limit other than WeCom's 20 a minute, for the fake and for us alike. */
  rate?: { perWindow: number; windowMs: number };
  /** The service reaches Redis through a proxy that can make Redis refuse chosen commands (`redisFaults`). */
  redisFaults?: boolean;
  /** The Redis of an earlier harness, closed since: the service restarted on its data. `close` leaves it running. */
  redis?: TestRedis;
  /**
   * A first start on an empty Redis: the service records `now`'s day as its first (nothing is owed
   * before it). Otherwise it has run since long before `now`, as most tests assume.
   */
  fresh?: boolean;
  /** The real-time schedulers synced at start, as the service does, for tests of the schedule queue itself. */
  schedules?: boolean;
}): Promise<Harness> {
  const variant = variantOf && writeConfigVariant(variantOf.edits, variantOf.roster ? { roster: variantOf.roster } : {});
  const configPath = variant?.path ?? config;
  const redis = reused ?? (await startTestRedis());
  const redisFaults = withRedisFaults ? await startRedisFaultProxy(redis.url) : undefined;
  const clock = createManualClock(new Date(now));
  const webhook = await startFakeWebhook({
    keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群", ...webhookKeys },
    ...(rate && { limit: rate.perWindow, windowMs: rate.windowMs }),
  });
  // The scenarios send far more than a conversation's 30 replies a minute; the limit has tests of its own.
  const botLimit = { perWindow: botRate ?? 100_000, windowMs: 60_000 };
  const longConnection = transport === "websocket" ? await startFakeLongConnection({ ...TEST_BOT, perChatPerMinute: botLimit.perWindow }) : undefined;
  const configDir = longConnection && mkdtempSync(join(tmpdir(), "pingan-ws-config-"));
  const settings = readSettings({
    ...TEST_ENV,
    PINGAN_CONFIG: configDir ? writeWebsocketConfig(configDir, viaBot, configPath, { keepWebhookKeys: viaBotFallback }) : configPath,
    REDIS_URL: redisFaults?.url ?? redis.url,
    WECOM_API_BASE: webhook.url,
    PORT: "0",
    HOST: "127.0.0.1",
    ...(longConnection && { WECOM_WS_URL: longConnection.url }),
  });
  if (!reused && !fresh) {
    // As a service that has run for years on this roster: every school numbered, the first day long ago.
    const seed = redis.client();
    const keys = createKeys();
    await loadSchoolPlaces(seed, keys, (await settings.config.load()).roster.schools);
    await seed.set(keys.liveSince(), SINCE_EVER);
    seed.disconnect();
  }
  const service = await startSystem(settings, {
    log: pino({ level: "silent" }),
    clock,
    schedules,
    pushTuning: { retry: { attempts: 5, delayMs: 50 }, ...(rate && { rateLimit: rate }), ...(longConnection && { botRateLimit: botLimit }) },
    ...(longConnection && connectionTuning && { connectionTuning }),
    ...(findFont && { findFont }),
  });
  const rt = service;
  // The recount at start rewrites the counts in the background: a test that clears Redis must not race it.
  await service.recounted();
  const client = connectRedis(redis.url, { role: "web" });
  await waitReady(client);
  if (longConnection) await longConnection.waitFor(() => longConnection.subscriptions().some((sub) => sub.closedAt === undefined), QUEUE_BOUND_MS);
  const sim = createWecomSimulator({ baseUrl: service.url!, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY, botName: rt.config.bot.name });
  const drainPushes = async () => {
    await waitFor(
      "the push queue to drain",
      async () => {
        const counts = await rt.pushQueue.queue.getJobCounts("waiting", "delayed", "active", "prioritized", "waiting-children");
        return Object.values(counts).every((n) => n === 0);
      },
      { timeoutMs: QUEUE_BOUND_MS },
    );
  };
  return {
    transport,
    sim,
    ...(longConnection && { longConnection }),
    clock,
    redis,
    ...(redisFaults && { redisFaults }),
    client,
    store: rt.store,
    config: rt.config,
    configPath,
    roster: rt.roster,
    url: service.url!,
    webhook,
    pushQueue: rt.pushQueue,
    scheduler: rt.scheduler,
    jobDeps: rt.jobDeps,
    drainPushes,
    async dataKeys() {
      // A lease (the long connection's, a mailbox's still delivering an earlier test's alert) is no record.
      return (await client.keys("*")).filter((key) => !isConnectionKey(key) && !key.endsWith(":window") && !key.endsWith(":lease"));
    },
    async clearData() {
      await drainPushes();
      const cleared = (await client.keys("*")).filter((key) => !isConnectionKey(key));
      if (cleared.length > 0) await client.del(...cleared);
    },
    async fire(kind, at) {
      const prevMillis = new Date(at).getTime();
      const job = await rt.scheduler.queue.add(kind, { kind, scheduleId: `test-${kind}` }, { prevMillis, jobId: `test-${kind}-${prevMillis}-${Math.random()}` });
      await waitFor("the scheduled job to finish", async () => ["completed", "failed"].includes(await job.getState()), { timeoutMs: QUEUE_BOUND_MS });
      const done = await rt.scheduler.queue.getJob(job.id!);
      if (done?.failedReason) throw new Error(`scheduled job failed: ${done.failedReason}`);
      await drainPushes();
      return done?.returnvalue;
    },
    async say(from, text) {
      if (longConnection) {
        const { reply } = await askOverLongConnection(longConnection, { userid: from, text, chatid: HARNESS_CHATID, msgid: `harness-${randomUUID()}` });
        const markdown = (reply.body as { stream?: { content?: string } }).stream?.content;
        if (markdown === undefined) throw new Error(`no stream reply: ${JSON.stringify(reply.body)}`);
        return markdown;
      }
      const reply = await sim.say({ from, text });
      if (reply.status !== 200 || reply.markdown === undefined) throw new Error(`no reply (${reply.status}): ${reply.raw}`);
      return reply.markdown;
    },
    async close() {
      client.disconnect();
      await service.stop();
      await longConnection?.close();
      if (configDir) rmSync(configDir, { recursive: true, force: true });
      variant?.remove();
      await webhook.stop();
      await redisFaults?.close();
      if (!reused) await redis.stop();
    },
  };
}

/** The long connection's own keys (connectionKeys: `{lc}`, `{lc:<bot>}`) and the spread of bots over processes (`{lc-spread}`). */
function isConnectionKey(key: string): boolean {
  return /:\{lc[:}-]/u.test(key);
}

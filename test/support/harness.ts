import type { Server } from "node:http";
import type { Redis } from "ioredis";
import pino from "pino";
import { createApp } from "../../src/app.js";
import { createManualClock } from "../../src/clock.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { Config } from "../../src/config/schema.js";
import { connectRedis, waitReady } from "../../src/redis/connect.js";
import { createKeys } from "../../src/redis/keys.js";
import type { Roster } from "../../src/roster.js";
import { createPushQueue, type PushQueue } from "../../src/push/push-queue.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/simulator/fake-webhook.js";
import { createWecomSimulator, type WecomSimulator } from "../../src/simulator/wecom-simulator.js";
import { createReportStore, type ReportStore } from "../../src/store/report-store.js";
import { createTaskPeriods } from "../../src/tasks/create-task-periods.js";
import { startTestRedis, type TestRedis } from "./redis.js";

/** The example EncodingAESKey from WeCom's documentation: a known, valid 43-character key. */
export const TEST_AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
export const TEST_TOKEN = "pingan-test-token";

export const TEST_ENV = {
  WECOM_TOKEN: TEST_TOKEN,
  WECOM_ENCODING_AES_KEY: TEST_AES_KEY,
  WEBHOOK_KEY_PRINCIPALS: "test-key-principals",
  WEBHOOK_KEY_LEADERS: "test-key-leaders",
};

export interface Harness {
  sim: WecomSimulator;
  clock: ReturnType<typeof createManualClock>;
  redis: TestRedis;
  client: Redis;
  store: ReportStore;
  config: Config;
  roster: Roster;
  url: string;
  /** WeCom's group-robot webhook, faked: every delivered push is in `webhook.messages`. */
  webhook: FakeWebhook;
  pushQueue: PushQueue;
  /** Resolves when the push queue has nothing waiting, delayed or active. */
  drainPushes(): Promise<void>;
  /** Sends `text` as `from` in the principals' group and returns the reply's markdown. */
  say(from: string, text: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The service as WeCom sees it: the example config and roster, a private real Redis, the Koa
 * app listening on a real port, and the WeCom simulator in front. Only the clock is fake.
 */
export async function startHarness({ now }: { now: string }): Promise<Harness> {
  const redis = await startTestRedis();
  const { config, roster } = await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV });
  const clock = createManualClock(new Date(now));
  const client = connectRedis(redis.url, { role: "web" });
  await waitReady(client);
  const keys = createKeys();
  const log = pino({ level: "silent" });
  const periods = await createTaskPeriods(config);
  const webhook = await startFakeWebhook({
    keys: Object.fromEntries(Object.values(config.groups).map((g) => [g.webhook_key, g.name])),
  });
  const workerConnection = connectRedis(redis.url, { role: "worker" });
  const pushQueue = createPushQueue({
    connection: workerConnection,
    keys,
    groups: config.groups,
    apiBase: webhook.url,
    fetch: globalThis.fetch,
    log,
    retry: { attempts: 5, delayMs: 50 },
  });
  pushQueue.startWorker();
  const app = createApp({ config, roster, redis: client, keys, clock, periods, push: pushQueue, log });
  const server: Server = await new Promise((done) => {
    const s = app.listen(0, "127.0.0.1", () => done(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const sim = createWecomSimulator({ baseUrl: url, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY, botName: config.bot.name });
  return {
    sim,
    clock,
    redis,
    client,
    store: createReportStore({ redis: client, keys }),
    config,
    roster,
    url,
    webhook,
    pushQueue,
    async drainPushes() {
      for (let i = 0; i < 400; i += 1) {
        const counts = await pushQueue.queue.getJobCounts("waiting", "delayed", "active", "prioritized", "waiting-children");
        if (Object.values(counts).every((n) => n === 0)) return;
        await new Promise((done) => setTimeout(done, 25));
      }
      throw new Error("push queue did not drain in 10 s");
    },
    async say(from, text) {
      const reply = await sim.say({ from, text });
      if (reply.status !== 200 || reply.markdown === undefined) throw new Error(`no reply (${reply.status}): ${reply.raw}`);
      return reply.markdown;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await pushQueue.close();
      workerConnection.disconnect();
      client.disconnect();
      await webhook.stop();
      await redis.stop();
    },
  };
}

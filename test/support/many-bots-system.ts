import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { readSettings } from "../../src/main/settings.js";
import { startSystem, type System, type SystemOptions } from "../../src/main/system.js";
import { createKeys } from "../../src/store/keys.js";
import { SINCE_EVER } from "../../src/store/roster-days.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { createManualClock } from "../../src/clock/clock.js";
import { startFakeLongConnection, type FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { writeManyBotsConfig } from "./many-bots-config.js";
import { startTestRedis, type TestRedis } from "./redis.js";
import { TEST_ENV } from "./test-env.js";

export interface ManyBotsSystem {
  redis: TestRedis;
  /** The fake WeCom server of east's long connection (the deployment's URL) and of west's (its own). */
  east: FakeLongConnection;
  west: FakeLongConnection;
  webhook: FakeWebhook;
  /** Where the config (pingan.yaml) is written. */
  dir: string;
  system: System;
  /** Stops all it started. */
  stop(): Promise<void>;
}

/**
 * The four-bot deployment (writeManyBotsConfig) in this process on a manual clock at `now`, with
 * the bots' secrets `env` (manyBotsEnv), the schools loaded and live; returns once both long
 * connections are subscribed.
 */
export async function startManyBotsSystem(env: Record<string, string>, { name, now, pushTuning }: { name: string; now: Date; pushTuning: SystemOptions["pushTuning"] }): Promise<ManyBotsSystem> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };
  try {
    const redis = await startTestRedis();
    stops.push(() => redis.stop());
    const dir = mkdtempSync(join(tmpdir(), `pingan-${name}-`));
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    const webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" } });
    stops.push(() => webhook.stop());
    const east = await startFakeLongConnection({ botId: env.EAST_BOT_ID!, secret: env.EAST_BOT_SECRET! });
    stops.push(() => east.close());
    const west = await startFakeLongConnection({ botId: env.WEST_BOT_ID!, secret: env.WEST_BOT_SECRET! });
    stops.push(() => west.close());
    const settings = readSettings({
      ...TEST_ENV,
      ...env,
      PINGAN_CONFIG: writeManyBotsConfig(dir, west.url),
      REDIS_URL: redis.url,
      WECOM_API_BASE: webhook.url,
      WECOM_WS_URL: east.url,
      PORT: "0",
      HOST: "127.0.0.1",
    });
    const keys = createKeys();
    const seed = redis.client();
    await loadSchoolPlaces(seed, keys, (await settings.config.load()).roster.schools);
    await seed.set(keys.liveSince(), SINCE_EVER);
    const system = await startSystem(settings, { log: pino({ level: "silent" }), clock: createManualClock(now), schedules: false, ...(pushTuning && { pushTuning }) });
    stops.push(() => system.stop());
    await east.waitFor(() => east.subscriptions().some((sub) => sub.closedAt === undefined), 30_000);
    await west.waitFor(() => west.subscriptions().some((sub) => sub.closedAt === undefined), 30_000);
    return { redis, east, west, webhook, dir, system, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

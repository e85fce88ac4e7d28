import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readSettings } from "../../src/main/settings.js";
import { startSystem, type System } from "../../src/main/system.js";
import { createKeys } from "../../src/store/keys.js";
import { SINCE_EVER } from "../../src/store/roster-days.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { createManualClock } from "../../src/time/clock.js";
import { startFakeLongConnection, type FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { manyBotsEnv, writeManyBotsConfig } from "../support/many-bots-config.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { TEST_ENV } from "../support/test-env.js";

const env = manyBotsEnv();
const keys = createKeys();

let redis: TestRedis;
let east: FakeLongConnection;
let west: FakeLongConnection;
let webhook: FakeWebhook;
let dir: string;
let system: System;

/** One reply a conversation per ten minutes: a second reply by the same bot to the same user would wait for it. */
const ONE_PER_WINDOW = { perWindow: 1, windowMs: 600_000 };

beforeAll(async () => {
  redis = await startTestRedis();
  east = await startFakeLongConnection({ botId: env.EAST_BOT_ID!, secret: env.EAST_BOT_SECRET! });
  west = await startFakeLongConnection({ botId: env.WEST_BOT_ID!, secret: env.WEST_BOT_SECRET! });
  webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" } });
  dir = mkdtempSync(join(tmpdir(), "pingan-bot-windows-"));
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
  const seed = redis.client();
  await loadSchoolPlaces(seed, keys, (await settings.config.load()).roster.schools);
  await seed.set(keys.liveSince(), SINCE_EVER);
  system = await startSystem(settings, {
    log: pino({ level: "silent" }),
    clock: createManualClock(new Date("2026-11-24T08:30:00+08:00")),
    schedules: false,
    pushTuning: { retry: { attempts: 5, delayMs: 50 }, botRateLimit: ONE_PER_WINDOW },
  });
  await east.waitFor(() => east.subscriptions().some((sub) => sub.closedAt === undefined), 30_000);
  await west.waitFor(() => west.subscriptions().some((sub) => sub.closedAt === undefined), 30_000);
});

afterAll(async () => {
  await system?.stop();
  await east?.close();
  await west?.close();
  await webhook?.stop();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * WeCom counts each bot's messages in a conversation apart: one user's direct chats with two
 * bots are two conversations. With one reply allowed a window, east's reply to him fills east's
 * window with him and leaves west's alone, so west answers him at once rather than ten minutes on.
 */
it("keys the conversation window by bot: a user's chat with one bot does not hold up another bot's reply to him", async () => {
  const direct = { userid: "chen_jing", text: "帮助" };
  const onEast = await askOverLongConnection(east, { ...direct, msgid: "east-direct" }, { timeoutMs: 20_000 });
  expect(JSON.stringify(onEast.reply.body)).toContain("东县平安助手");
  const onWest = await askOverLongConnection(west, { ...direct, msgid: "west-direct" }, { timeoutMs: 20_000 });
  expect(JSON.stringify(onWest.reply.body)).toContain("西县平安助手");
});

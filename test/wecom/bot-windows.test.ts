import { afterAll, beforeAll, expect, it } from "vitest";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { manyBotsEnv } from "../support/many-bots-config.js";
import { startManyBotsSystem, type ManyBotsSystem } from "../support/many-bots-system.js";
import type { FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";

const env = manyBotsEnv();

let east: FakeLongConnection;
let west: FakeLongConnection;
let deployment: ManyBotsSystem;

/** One reply a conversation per ten minutes: a second reply by the same bot to the same user would wait for it. */
const ONE_PER_WINDOW = { perWindow: 1, windowMs: 600_000 };

beforeAll(async () => {
  ({ east, west } = deployment = await startManyBotsSystem(env, { name: "bot-windows", now: new Date("2026-11-24T08:30:00+08:00"), pushTuning: { retry: { attempts: 5, delayMs: 50 }, botRateLimit: ONE_PER_WINDOW } }));
});

afterAll(async () => {
  await deployment?.stop();
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

import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { createManualClock } from "../../src/clock/clock.js";
import { createChatDirectory, NOTE_EVERY_MS } from "../../src/wecom/chat-directory.js";
import { createChatNoting } from "../../src/wecom/long-connection-receiver.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

const keys = createKeys();
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/**
 * Noting a chat was a Redis write before every reply on the long connection. The receiver
 * writes a chat down the first time it sees it and then once every NOTE_EVERY_MS of the
 * process's own time; the directory dates each write by the injected clock.
 */
it("is due when first seen and again once its interval is over, and again after a write failed", () => {
  let elapsed = 0;
  const noting = createChatNoting({ elapsed: () => elapsed });
  expect(noting.due("wr_a")).toBe(true);
  elapsed += NOTE_EVERY_MS - 1;
  expect(noting.due("wr_a")).toBe(false);
  expect(noting.due("wr_b")).toBe(true);
  elapsed += 1;
  expect(noting.due("wr_a")).toBe(true);
  expect(noting.due("wr_a")).toBe(false);
  noting.failed("wr_a");
  expect(noting.due("wr_a")).toBe(true);
});

it("writes a chat down at the injected clock's time and lists the most recent first", async () => {
  const clock = createManualClock(new Date("2026-11-24T01:00:00Z"));
  const chats = createChatDirectory({ redis: redis.client(), keys, clock });
  await chats.note("wr_a", "zhang_wei");
  clock.advance(NOTE_EVERY_MS - 1);
  await chats.note("wr_b", "li_na", "north");
  expect(await chats.list()).toStrictEqual([
    { chatid: "wr_b", lastSpeaker: "li_na", at: "2026-11-24T01:09:59.999Z", bot: "north" },
    { chatid: "wr_a", lastSpeaker: "zhang_wei", at: "2026-11-24T01:00:00.000Z" },
  ]);
  clock.advance(1);
  await chats.note("wr_a", "li_na");
  expect((await chats.list())[0]).toStrictEqual({ chatid: "wr_a", lastSpeaker: "li_na", at: "2026-11-24T01:10:00.000Z" });
});

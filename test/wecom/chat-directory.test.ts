import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { createManualClock } from "../../src/time/clock.js";
import { createChatDirectory, NOTE_EVERY_MS } from "../../src/wecom/chat-directory.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

const keys = createKeys();
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/**
 * Noting a chat was a Redis write before every reply on the long connection. A chat is written
 * down the first time a process sees it and then once every NOTE_EVERY_MS of the process's own
 * time, dated by the injected clock.
 */
it("writes a chat down when first seen and again once its interval is over, at the injected clock's time", async () => {
  const clock = createManualClock(new Date("2026-11-24T01:00:00Z"));
  let elapsed = 0;
  /** The process's time and the clock move together here. */
  const advance = (ms: number) => {
    elapsed += ms;
    clock.advance(ms);
  };
  const client = redis.client();
  // As Redis counts them.
  const writes = async () => Number(/cmdstat_hset:calls=(\d+)/.exec(await client.info("commandstats"))?.[1] ?? 0);
  const chats = createChatDirectory({ redis: client, keys, clock, elapsed: () => elapsed });
  await chats.note("wr_a", "zhang_wei");
  advance(NOTE_EVERY_MS - 1);
  await chats.note("wr_a", "li_na");
  await chats.note("wr_b", "li_na");
  expect(await writes()).toBe(2);
  expect(await chats.list()).toStrictEqual([
    { chatid: "wr_b", lastSpeaker: "li_na", at: "2026-11-24T01:09:59.999Z" },
    { chatid: "wr_a", lastSpeaker: "zhang_wei", at: "2026-11-24T01:00:00.000Z" },
  ]);
  advance(1);
  await chats.note("wr_a", "li_na");
  expect(await writes()).toBe(3);
  expect((await chats.list())[0]).toStrictEqual({ chatid: "wr_a", lastSpeaker: "li_na", at: "2026-11-24T01:10:00.000Z" });
});

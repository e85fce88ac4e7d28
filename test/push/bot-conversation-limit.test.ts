import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";

const LEADERS_CHAT = "wr_leaders";
const PER_MINUTE = 5;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T09:00:00+08:00", transport: "websocket", viaBot: { leaders: LEADERS_CHAT }, botRate: PER_MINUTE });
});
afterAll(() => h.close());

/**
 * A conversation takes 30 messages a minute from the bot, replies and pushes together (here 5,
 * for the fake and for us): pushes count the replies already given there and wait for their
 * turn in order instead of being refused with 45009.
 */
it("shares a conversation's window between the bot's replies and its pushes, and is never refused", async () => {
  const fake = h.longConnection!;
  for (const [i, text] of ["未报", "汇总"].entries()) {
    await askOverLongConnection(fake, { userid: "wang_zhiyuan", text, chatid: LEADERS_CHAT, msgid: `limit-ask-${i}` });
  }
  for (let i = 0; i < 5; i += 1) {
    await h.pushQueue.enqueue({ idempotencyKey: `limit-push-${i}`, group: "leaders", message: { msgtype: "markdown", lines: [{ text: `推送 ${i}` }] } });
  }
  const pushed = () => fake.sent().filter((frame) => frame.ack?.errcode === 0);
  await waitFor("the window's three free places to be used", () => pushed().length === PER_MINUTE - 2);
  await new Promise((done) => setTimeout(done, 1_500));
  expect(pushed().map((frame) => (frame.body as { markdown: { content: string } }).markdown.content)).toEqual(["推送 0", "推送 1", "推送 2"]);
  expect(fake.received().filter((frame) => frame.ack?.errcode === 45009)).toEqual([]);
  const waiting = await h.pushQueue.queue.getJobCounts("delayed");
  expect(waiting.delayed).toBe(2);
});

/**
 * A place in the window counts from when its message reached WeCom: a reply's place is settled
 * once WeCom acks it. Unsettled, each counted until 15 s after it was reserved (the longest a
 * request may take), and a busy conversation got about 24 replies a minute instead of 30.
 */
it("counts a reply's place from when WeCom took it, not from the latest it could have", async () => {
  const redisNow = async () => {
    const [seconds, micros] = await h.client.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  };
  const before = await redisNow();
  await askOverLongConnection(h.longConnection!, { userid: "zhang_wei", text: "帮助", msgid: "limit-settle-1" });
  const places = async () => {
    const scores = await h.client.zrange(createKeys().pushWindow("bot:zhang_wei"), "0", "-1", "WITHSCORES");
    return scores.filter((_, i) => i % 2 === 1).map(Number);
  };
  // Unsettled, the place stays at its reservation + 15 s for good.
  await waitFor("the reply's place settled", async () => {
    const scores = await places();
    return scores.length === 1 && scores[0]! < before + 15_000;
  });
  expect((await places())[0]).toBeLessThanOrEqual(await redisNow());
});

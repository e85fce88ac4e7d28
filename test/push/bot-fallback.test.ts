import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { FAKE_ERRCODES } from "../../src/wecom/simulator/fake-long-connection.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";
import { TEST_ENV } from "../support/test-env.js";
import { createRateLimiter } from "../../src/push/rate-window.js";
import { createKeys } from "../../src/store/keys.js";
import { formatPushJobId } from "../../src/push/enqueue.js";

const LEADERS_CHAT = "wr_leaders";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T09:00:00+08:00", transport: "websocket", viaBot: { leaders: LEADERS_CHAT }, viaBotFallback: true });
  // The bot may push only where a user has spoken to it.
  await askOverLongConnection(h.longConnection!, { userid: "wang_zhiyuan", text: "未报", chatid: LEADERS_CHAT, msgid: "fallback-ask-0" });
});
afterAll(() => h.close());
beforeEach(() => h.longConnection!.setPushRules({}));

const contentOf = (body: unknown) => (body as { markdown?: { content: string } }).markdown?.content ?? "";
const byBot = (text: string) => h.longConnection!.sent().filter((frame) => contentOf(frame.body).includes(text));
const byWebhook = (text: string) => h.webhook.messages.filter((m) => m.group === "局领导群" && m.content.includes(text));
/** The log's entry of the message that said `text`, found by the digest of what was delivered. */
const entryAbout = async (text: string) => {
  const delivered = byWebhook(text)[0]?.content ?? contentOf(byBot(text)[0]?.body);
  const digest = createHash("sha256").update(delivered).digest("hex").slice(0, 12);
  // What went out: an alert ends with its incident's number, added as it goes.
  return (await h.pushQueue.deliveries.list({ group: "leaders" })).find((entry) => entry.sentDigest === digest);
};

/**
 * The leaders' group is reached through the bot and names its robot too. Past the day's cap
 * of proactive pushes the long connection refuses the alert: the same alert goes by the
 * webhook, once, and the delivery log says so; the alert before it went by the bot alone.
 */
it("sends by the webhook, once, an alert the long connection refused past its daily cap", async () => {
  h.longConnection!.setPushRules({ perDay: 1 });
  expect(await h.say("zhang_wei", "异常 食堂燃气报警器鸣响")).toContain("已登记");
  await waitFor("the first alert by the bot", () => byBot("燃气报警器").some((frame) => frame.ack?.errcode === 0));
  await waitFor("logged as sent by the bot", async () => (await entryAbout("燃气报警器"))?.way === "bot");

  expect(await h.say("liu_yang", "异常 体育器材室门框松动")).toContain("已登记");
  await waitFor("the second alert by the webhook", () => byWebhook("器材室").length === 1);
  await h.drainPushes();
  expect(byBot("器材室").map((frame) => frame.ack?.errcode)).toEqual([FAKE_ERRCODES.dailyCapReached]);
  expect(byWebhook("燃气报警器")).toEqual([]);
  expect(byWebhook("器材室")).toHaveLength(1);
  await waitFor("logged", async () => (await entryAbout("器材室"))?.outcome === "sent");
  expect(await entryAbout("器材室")).toMatchObject({ outcome: "sent", way: "bot→webhook", attempts: 1 });
});

/** No user has spoken in the group lately: WeCom refuses proactive pushes there, and the webhook takes them. */
it("sends by the webhook what a quiet conversation refuses", async () => {
  h.longConnection!.setPushRules({ quietAfterMs: 0 });
  await h.pushQueue.enqueue({ idempotencyKey: "tally:fallback-quiet", group: "leaders", message: { msgtype: "markdown", lines: [{ text: "今日平安日报：已报 3 所" }] } });
  await waitFor("the tally by the webhook", () => byWebhook("今日平安日报").length === 1);
  expect(byBot("今日平安日报").map((frame) => frame.ack?.errcode)).toEqual([FAKE_ERRCODES.conversationQuiet]);
  await waitFor("logged", async () => (await h.pushQueue.deliveries.read("tally:fallback-quiet#0"))?.outcome === "sent");
  expect((await h.pushQueue.deliveries.read("tally:fallback-quiet#0"))!.way).toBe("bot→webhook");
});

/** A push over the long connection may not @-mention anyone: a push that mentions goes by the webhook straight away. */
it("sends a push that @-mentions by the webhook, with its mentions, and never by the bot", async () => {
  await h.pushQueue.enqueue({ idempotencyKey: "remind:fallback-mention", group: "leaders", message: { msgtype: "text", lines: [{ text: "请值班领导确认", mentions: ["wang_zhiyuan"] }] } });
  await waitFor("the mention by the webhook", () => h.webhook.messages.some((m) => m.content.includes("请值班领导确认")));
  expect(h.webhook.messages.find((m) => m.content.includes("请值班领导确认"))!.mentioned_list).toEqual(["wang_zhiyuan"]);
  expect(h.longConnection!.sent().filter((frame) => JSON.stringify(frame.body).includes("请值班领导确认"))).toEqual([]);
  await waitFor("logged", async () => (await h.pushQueue.deliveries.read("remind:fallback-mention#0"))?.way === "bot→webhook");
});

/** The webhook is the robot's: a send by the second way out takes a slot of its 20 a minute, and waits while the window is full. */
it("sends by the webhook only within the robot's own rate window", async () => {
  const robot = createRateLimiter({ redis: h.client, keys: createKeys() });
  // Whatever the tests before sent, the window is made full.
  const taken: string[] = [];
  while ((await robot.reserve(TEST_ENV.WEBHOOK_KEY_LEADERS, `taken-${taken.length}`)) === 0) taken.push(`taken-${taken.length}`);
  expect(taken.length).toBeLessThanOrEqual(20);
  await h.pushQueue.enqueue({ idempotencyKey: "remind:fallback-window", group: "leaders", message: { msgtype: "text", lines: [{ text: "窗口已满时的催办", mentions: ["wang_zhiyuan"] }] } });
  const job = () => h.pushQueue.queue.getJob(formatPushJobId("remind:fallback-window", 0));
  await waitFor("the push to wait for the window", async () => (await (await job())?.getState()) === "delayed" && (await job())!.attemptsMade === 0);
  expect(h.webhook.messages.filter((m) => m.content.includes("窗口已满时的催办"))).toEqual([]);
  for (const slot of taken) await robot.release(TEST_ENV.WEBHOOK_KEY_LEADERS, slot);
  // It would look again when the window's first slot ran out (a minute on): now that they are freed, at once.
  await (await job())!.promote();
  await waitFor("the push by the webhook once the window frees", () => h.webhook.messages.some((m) => m.content.includes("窗口已满时的催办")), { timeoutMs: 30_000 });
  await h.drainPushes();
  expect(h.webhook.messages.filter((m) => m.content.includes("窗口已满时的催办"))).toHaveLength(1);
  expect((await h.pushQueue.deliveries.read("remind:fallback-window#0"))!.way).toBe("bot→webhook");
});

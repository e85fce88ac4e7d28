import { afterAll, beforeAll, expect, it } from "vitest";
import { FAKE_ERRCODES, type FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { HARNESS_CHATID, startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";

const LEADERS_CHAT = "wr_leaders";

let h: Harness;
let fake: FakeLongConnection;
beforeAll(async () => {
  h = await startHarness({
    now: "2026-11-24T09:00:00+08:00",
    transport: "websocket",
    viaBot: { leaders: LEADERS_CHAT },
    connectionTuning: { owedReplies: { attempts: 3, firstRetryMs: 100 } },
  });
  fake = h.longConnection!;
});
afterAll(() => h.close());

const givenUp = async () => {
  const text = await (await fetch(`${h.url}/metrics`)).text();
  return Number(/^pingan_long_connection_replies_given_up_total\{why="attempts"\} (\d+)$/m.exec(text)?.[1] ?? 0);
};

/**
 * WeCom refuses every message in the principals' group (45009: the conversation's quota spent
 * elsewhere). The reply it refused is owed and tried again, but never ahead of the pushes to
 * other groups, and it is given up after its tries, counted on /metrics.
 */
it("keeps a reply WeCom keeps refusing out of the way of the pushes, and gives it up after its tries", async () => {
  // aibot_send_msg reaches only a chat where a user has spoken to the bot.
  await askOverLongConnection(fake, { userid: "wang_zhiyuan", text: "未报", chatid: LEADERS_CHAT, msgid: "owed-leader-first" });
  fake.refuseIn(HARNESS_CHATID, FAKE_ERRCODES.rateLimited);
  const reqId = fake.sendText({ userid: "zhang_wei", text: "平安", chatid: HARNESS_CHATID, msgid: "owed-refused" });
  await waitFor("the reply refused and owed", () => fake.responses(reqId).length >= 1);

  await h.pushQueue.enqueue({ idempotencyKey: "owed-not-in-the-way", group: "leaders", message: { msgtype: "markdown", lines: [{ text: "不被欠着的回复挡住" }] } });
  const pushed = () => fake.sent().some((frame) => frame.ack?.errcode === 0 && JSON.stringify(frame.body).includes("不被欠着的回复挡住"));
  await waitFor("the push to the leaders", pushed, { timeoutMs: 30_000 });

  await waitFor("the owed reply given up", async () => (await givenUp()) === 1, { timeoutMs: 30_000 });
  expect(fake.responses(reqId).map((frame) => frame.ack?.errcode)).toEqual([45009, 45009, 45009]);
  fake.refuseIn(HARNESS_CHATID, undefined);
  // Given up means never sent again: a later push in the same group goes out, the reply does not.
  await h.pushQueue.enqueue({ idempotencyKey: "owed-after", group: "leaders", message: { msgtype: "markdown", lines: [{ text: "之后的推送" }] } });
  await waitFor("the later push", () => fake.sent().some((frame) => JSON.stringify(frame.body).includes("之后的推送")), { timeoutMs: 30_000 });
  expect(fake.responses(reqId)).toHaveLength(3);
});

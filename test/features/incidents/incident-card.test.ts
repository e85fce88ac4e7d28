import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_ERRCODES, type FakeLongConnection, type FakeReceivedFrame } from "../../../src/wecom/simulator/fake-long-connection.js";
import { askOverLongConnection } from "../../support/ask-long-connection.js";
import { HARNESS_CHATID, startHarness, type Harness } from "../../support/harness.js";

/**
 * 收到 in one tap over WeCom's long connection: the leaders' group is pushed to by the smart bot
 * (`via: bot`), so an incident's alert is followed by a card with one button, 收到, and a
 * leader's tap records the same acknowledgement as a typed `收到 #1`, the card updated for him
 * alone. 2026-11-24 is a Tuesday in term.
 */
const LEADERS_CHAT = "wr_leaders";

interface SentCard {
  card_type: string;
  task_id: string;
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  button_list: { text: string; key: string; style: number }[];
}

let h: Harness;
let fake: FakeLongConnection;
let taps = 0;

beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T08:40:00+08:00", transport: "websocket", viaBot: { leaders: LEADERS_CHAT } });
  fake = h.longConnection!;
  // aibot_send_msg reaches only a chat where a user has spoken to the bot.
  await askOverLongConnection(fake, { userid: "wang_zhiyuan", text: "汇总", chatid: LEADERS_CHAT, msgid: "first-words" });
});
afterAll(() => h.close());

const pushedToLeaders = () => fake.sent().filter((f) => (f.body as { chatid?: string }).chatid === LEADERS_CHAT);

/** Taps `key` on `card` as `userid` in the leaders' group; resolves with the card that replaces it for him. */
async function tap(userid: string, card: SentCard, key: string): Promise<SentCard> {
  const reqId = fake.sendEvent({
    userid,
    chatid: LEADERS_CHAT,
    eventtype: "template_card_event",
    cardEvent: { card_type: card.card_type, event_key: key, task_id: card.task_id },
    msgid: `incident-tap-${(taps += 1)}`,
  });
  await fake.waitFor(() => fake.responses(reqId).length > 0, 5_000);
  const [update] = fake.responses(reqId) as [FakeReceivedFrame];
  expect(update.cmd).toBe("aibot_respond_update_msg");
  expect(update.ack).toEqual({ errcode: 0, errmsg: "ok" });
  const body = update.body as { userids: string[]; template_card: SentCard };
  expect(body.userids).toEqual([userid]);
  expect(body.template_card.task_id).toBe(card.task_id);
  return body.template_card;
}

const ackSteps = async () => [...(await h.say("wang_zhiyuan", "历史 城关一小")).matchAll(/事件 #1 收到/gu)].length;

describe("an incident's alert to a leaders' group the bot pushes to", () => {
  let card: SentCard;

  it("is the alert text with its number, and the 收到 card naming the incident", async () => {
    await askOverLongConnection(fake, { userid: "zhang_wei", text: "异常 一名学生课间摔伤，已送医", chatid: HARNESS_CHATID, msgid: "incident-card-open" });
    await fake.waitFor(() => pushedToLeaders().filter((f) => f.ack?.errcode === 0).length >= 2, 10_000);
    await h.drainPushes();
    const pushed = pushedToLeaders();
    // The card follows the alert it belongs to, once the alert was delivered.
    expect(pushed.map((f) => (f.body as { msgtype: string }).msgtype)).toEqual(["markdown", "template_card"]);
    const alert = pushed.find((f) => (f.body as { msgtype: string }).msgtype === "markdown")!.body as { markdown: { content: string } };
    expect(alert.markdown.content).toContain("事件 **#1**");
    card = (pushed.find((f) => (f.body as { msgtype: string }).msgtype === "template_card")!.body as { template_card: SentCard }).template_card;
    expect(card).toMatchObject({ card_type: "button_interaction", main_title: { title: "事件 #1：城关一小 异常", desc: "报告于 11月24日 08:40" }, sub_title_text: "一名学生课间摔伤，已送医" });
    expect(card.button_list.map((b) => b.text)).toEqual(["收到"]);
  });

  it("records a leader's tap as 收到 #1 does, once per leader, and tells the second who was first", async () => {
    const key = card.button_list[0]!.key;
    h.clock.set(new Date("2026-11-24T08:45:00+08:00"));
    const first = await tap("wang_zhiyuan", card, key);
    expect(first.main_title.title).toBe("已收到事件 #1");
    expect(first.sub_title_text).toBe("✅ 已记录：您已收到事件 #1（城关一小）。");
    expect(first.button_list.map((b) => b.text)).toEqual(["已收到"]);
    expect(await tap("wang_zhiyuan", card, key)).toMatchObject({ main_title: { title: "已收到事件 #1" } });
    h.clock.set(new Date("2026-11-24T08:47:00+08:00"));
    const second = await tap("chen_xiaohong", card, key);
    expect(second.sub_title_text).toContain("王志远 已于 08:45 先收到");
    expect(await h.say("chen_xiaohong", "汇总")).toContain("王志远已收到");
    expect(await ackSteps()).toBe(2);
  });

  it("answers a forged key, an unknown incident and a tapper who is no leader with a Chinese card, and records nothing", async () => {
    const before = await ackSteps();
    const garbage = await tap("wang_zhiyuan", card, '{"t":"incident","n":"1"}');
    expect(garbage).toMatchObject({ main_title: { title: "没有记录" }, sub_title_text: "看不懂这个按钮，没有记录。请回复「收到 #事件编号」。" });
    const unknown = await tap("wang_zhiyuan", card, '{"t":"incident","n":99}');
    expect(unknown.sub_title_text).toContain("没有事件 #99");
    const principal = await tap("zhang_wei", card, card.button_list[0]!.key);
    expect(principal.sub_title_text).toBe("只有局领导可以点「收到」，本次没有记录。");
    expect(await ackSteps()).toBe(before);
  });
});

/** WeCom refuses the alert for good (a conversation gone quiet, not the daily cap's retry): no card goes out for it. */
it("sends no 收到 card for an alert that failed for good", async () => {
  fake.setPushRules({ quietAfterMs: 0 });
  const before = pushedToLeaders().length;
  await askOverLongConnection(fake, { userid: "liu_yang", text: "异常 体育器材室门框松动", chatid: HARNESS_CHATID, msgid: "incident-card-refused" });
  await fake.waitFor(() => pushedToLeaders().length > before && pushedToLeaders().every((f) => f.ack !== undefined), 10_000);
  await h.drainPushes();
  fake.setPushRules({});
  const after = pushedToLeaders().slice(before);
  expect(after.map((f) => [(f.body as { msgtype: string }).msgtype, f.ack?.errcode])).toEqual([["markdown", FAKE_ERRCODES.conversationQuiet]]);
  const entries = await h.pushQueue.deliveries.list({ group: "leaders" });
  expect(entries.filter((e) => e.id.startsWith("incident:2:card")), JSON.stringify(entries.map((e) => e.id))).toEqual([]);
  expect(entries.filter((e) => e.kind === "alert" && e.outcome === "failed")).toHaveLength(1);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeLongConnection, FakeReceivedFrame } from "../../../src/wecom/simulator/fake-long-connection.js";
import { askOverLongConnection } from "../../support/ask-long-connection.js";
import { startHarness, type Harness } from "../../support/harness.js";

/**
 * The one-tap report end to end over WeCom's long connection: the principals' group is pushed
 * to by the smart bot (`via: bot`), so the 09:00 reminder ends with the check-in card, and taps
 * on it come back as template_card_event callbacks that the service answers with a card update
 * (aibot_respond_update_msg) for the tapper alone. 2026-11-24 is a Tuesday in term.
 */
const PRINCIPALS_CHAT = "wr_principals";
const DAY = "2026-11-24";

interface SentCard {
  card_type: string;
  task_id: string;
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  button_list: { text: string; key: string; style: number }[];
}

let h: Harness;
let fake: FakeLongConnection;
let reminderCard: SentCard;
let tapCount = 0;

beforeAll(async () => {
  h = await startHarness({ now: `${DAY}T08:50:00+08:00`, transport: "websocket", viaBot: { principals: PRINCIPALS_CHAT } });
  fake = h.longConnection!;
  // aibot_send_msg reaches only a chat where a user has spoken to the bot.
  await askOverLongConnection(fake, { userid: "zhang_wei", text: "平安", chatid: PRINCIPALS_CHAT, msgid: "first-words" });
});
afterAll(() => h.close());

const audit = async () => (await h.store.log("safety", DAY)).length;

/** Taps a button of `card` as `userid` in the principals' group; resolves with WeCom's ack of the update and how long it took. */
async function tap(userid: string, card: SentCard, text: string, msgid = `tap-${(tapCount += 1)}`) {
  const button = card.button_list.find((b) => b.text === text);
  if (!button) throw new Error(`no button ${text} on ${JSON.stringify(card)}`);
  const sentAt = Date.now();
  const reqId = fake.sendEvent({
    userid,
    chatid: PRINCIPALS_CHAT,
    eventtype: "template_card_event",
    cardEvent: { card_type: card.card_type, event_key: button.key, task_id: card.task_id },
    msgid,
  });
  await fake.waitFor(() => fake.responses(reqId).length > 0, 5_000);
  const [update] = fake.responses(reqId) as [FakeReceivedFrame];
  expect(update.cmd).toBe("aibot_respond_update_msg");
  // The fake refuses an update outside WeCom's 5 s window; errcode 0 means it came in time.
  expect(update.ack).toEqual({ errcode: 0, errmsg: "ok" });
  expect(update.at - sentAt).toBeLessThan(5_000);
  const body = update.body as { response_type: string; userids: string[]; template_card: SentCard };
  expect(body.response_type).toBe("update_template_card");
  expect(body.userids).toEqual([userid]);
  expect(body.template_card.task_id).toBe(card.task_id);
  return body.template_card;
}

describe("the safety reminder to a group the bot pushes to", () => {
  it("is the reminder text with its mentions, then the check-in card", async () => {
    await h.fire("slots", new Date(`${DAY}T09:00:00+08:00`));
    const pushed = fake.sent().filter((f) => (f.body as { chatid?: string }).chatid === PRINCIPALS_CHAT);
    expect(pushed.every((f) => f.ack?.errcode === 0)).toBe(true);
    const kinds = pushed.map((f) => (f.body as { msgtype: string }).msgtype);
    expect(kinds.at(-1)).toBe("template_card");
    const text = pushed.find((f) => (f.body as { msgtype: string }).msgtype === "markdown")!.body as { markdown: { content: string } };
    expect(text.markdown.content).toContain("【催报】平安日报 11月24日（周二）");
    expect(text.markdown.content).toContain("<@hu_bin>");
    reminderCard = (pushed.at(-1)!.body as { template_card: SentCard }).template_card;
    expect(reminderCard).toMatchObject({ card_type: "button_interaction", main_title: { title: "平安日报 11月24日（周二）" } });
    expect(reminderCard.button_list.map((b) => b.text)).toEqual(["今日平安 ✅", "有异常，去填写"]);
    expect(reminderCard.task_id).toMatch(/^[0-9A-Za-z_\-@]{1,128}$/);
  });
});

describe("a tap on the reminder card", () => {
  it("records 平安 for the tapper's school, once, and updates the card for him within 5 s", async () => {
    const updated = await tap("hu_bin", reminderCard, "今日平安 ✅", "hu-bin-tap");
    expect(updated.main_title.title).toBe("✅ 今日平安已登记");
    expect(updated.sub_title_text).toContain("已登记：平安县东湖镇中心小学 11月24日（周二） 平安日报");
    expect(await h.store.get("safety", DAY, "DB001")).toMatchObject({ by: "hu_bin", late: false, raw: "（点击卡片）今日平安 ✅" });
    expect(await audit()).toBe(2);
  });

  it("records once when the same tap comes again, or he taps again", async () => {
    const repeated = await tap("hu_bin", reminderCard, "今日平安 ✅", "hu-bin-tap");
    expect(repeated.main_title.title).toBe("✅ 今日平安已登记");
    const again = await tap("hu_bin", reminderCard, "今日平安 ✅");
    expect(again.main_title.title).toBe("东湖小学 今天已经上报过了");
    expect(await audit()).toBe(2);
  });

  it("records nothing for someone who is not a reporter, and says why", async () => {
    const stranger = await tap("visitor_01", reminderCard, "今日平安 ✅");
    expect(stranger.main_title.title).toBe("没有登记");
    expect(stranger.sub_title_text).toContain("还不在平安助手的名单中");
    const leader = await tap("wang_zhiyuan", reminderCard, "今日平安 ✅");
    expect(leader.sub_title_text).toContain("这个按钮是学校上报人用的，没有登记");
    expect(await audit()).toBe(2);
  });

  it("gives a reporter of several schools a choice, and records the one he taps", async () => {
    const choice = await tap("zhou_jie", reminderCard, "今日平安 ✅");
    expect(choice.button_list.map((b) => b.text)).toEqual(["枫林小学", "岭头小学"]);
    expect(await audit()).toBe(2);
    const done = await tap("zhou_jie", choice, "枫林小学");
    expect(done.sub_title_text).toContain("已登记：平安县枫林乡中心小学");
    expect(await h.store.get("safety", DAY, "XB004")).toMatchObject({ by: "zhou_jie" });
    expect(await h.store.get("safety", DAY, "XB005")).toBeUndefined();
    expect(await audit()).toBe(3);
  });

  it("shows what to type for 有异常 and records nothing", async () => {
    const updated = await tap("luo_gang", reminderCard, "有异常，去填写");
    expect(updated.sub_title_text).toContain("请在群里发送：@平安助手 异常 具体情况");
    expect(await h.store.get("safety", DAY, "XB001")).toBeUndefined();
  });

  it("rides under 帮助 over the long connection too, and a tap on that card records like one on the reminder's", async () => {
    const { reply } = await askOverLongConnection(fake, { userid: "tang_lin", text: "帮助", chatid: PRINCIPALS_CHAT, msgid: "tang-lin-help" });
    const body = reply.body as { msgtype: string; stream: { content: string }; template_card: SentCard };
    expect(body.msgtype).toBe("stream_with_template_card");
    expect(body.stream.content).toContain("平安");
    expect(body.template_card.task_id).not.toBe(reminderCard.task_id);
    await tap("tang_lin", body.template_card, "今日平安 ✅");
    expect(await h.store.get("safety", DAY, "BB002")).toMatchObject({ by: "tang_lin" });
  });

  it("leaves the schools that tapped out of the next reminder", async () => {
    await h.fire("slots", new Date(`${DAY}T09:45:00+08:00`));
    const last = fake.sent().filter((f) => (f.body as { msgtype: string }).msgtype === "markdown").at(-1)!.body as { markdown: { content: string } };
    expect(last.markdown.content).toContain("平安县石门镇中心小学（罗刚）");
    expect(last.markdown.content).not.toContain("平安县东湖镇中心小学");
    expect(last.markdown.content).not.toContain("平安县枫林乡中心小学");
    expect(last.markdown.content).not.toContain("平安县北山镇中学");
  });
});

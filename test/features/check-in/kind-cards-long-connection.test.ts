import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeLongConnection, FakeReceivedFrame } from "../../../src/wecom/simulator/fake-long-connection.js";
import { askOverLongConnection } from "../../support/ask-long-connection.js";
import { startHarness, type Harness } from "../../support/harness.js";
import { takeMessages } from "../../commands/leader-seed.js";

/**
 * Cards that collect a declared kind's answer, end to end over WeCom's long connection: the
 * principals' group is pushed to by the smart bot (`via: bot`), the leaders' group by its robot.
 * The example config's 晨午检 (a count with its total from the roster), 安全工作例会 (yes/no, weekly)
 * and 汛期日报 (a status, its season moved to November) are switched on, and 食堂晨检, a kind no code
 * names, adds a choice (a dropdown); 防溺水 is out of its season. Monday 2026-11-23 and Tuesday 2026-11-24 are school days.
 */
const CHAT = "wr_principals";
const CANTEEN = `  canteen:
    name: 食堂晨检
    period: day
    days: school
    deadline: "11:00"
    reminders: ["10:40"]
    tally: "11:30"
    words: [食堂晨检, 食堂]
    summary: 报今日食堂晨检结果
    fields:
      result: { type: choice, label: 结果, required: true, options: [合格, 整改, 停餐] }
    rules:
      - { field: result, equals: 整改, alert: 食堂需整改 }
    examples: ["食堂 合格", "食堂 整改"]

`;

interface SentCard {
  card_type: string;
  task_id: string;
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  button_selection?: { question_key: string; title: string; option_list: { id: string; text: string }[] };
  button_list: { text: string; key: string; style: number }[];
}

let h: Harness;
let fake: FakeLongConnection;
let yesterdaysCard: SentCard;
let todaysCard: SentCard;
let tapCount = 0;
let askCount = 0;

beforeAll(async () => {
  const edits = [
    ["    name: 晨午检\n    enabled: false\n", "    name: 晨午检\n"],
    ["    name: 安全工作例会\n    enabled: false\n", "    name: 安全工作例会\n"],
    ["    name: 汛期日报\n    enabled: false\n", "    name: 汛期日报\n"],
    ["  # 汛期日报：", `${CANTEEN}  # 汛期日报：`],
    // 汛期日报's season moved to November, so that its 16:00 reminder goes out on the test's days.
    ['    season:\n      start: "05-01"\n      end: "09-30"', '    season:\n      start: "11-01"\n      end: "11-30"'],
  ] as const;
  h = await startHarness({ now: "2026-11-23T08:00:00+08:00", variant: { edits }, transport: "websocket", viaBot: { principals: CHAT } });
  fake = h.longConnection!;
});
afterAll(() => h.close());

/** Says `text` as `userid` in the principals' group at `at`; the reply's markdown and the card below it, if any. */
async function ask(at: string, userid: string, text: string): Promise<{ content: string; card?: SentCard }> {
  h.clock.set(new Date(at));
  const { reply } = await askOverLongConnection(fake, { userid, text, chatid: CHAT, msgid: `ask-${(askCount += 1)}` });
  const body = reply.body as { stream: { content: string }; template_card?: SentCard };
  return { content: body.stream.content, ...(body.template_card && { card: body.template_card }) };
}

/** Taps `key` on `card` as `userid`, with the dropdown's `option` chosen; the card WeCom shows him after. */
async function tapKey(userid: string, card: Pick<SentCard, "card_type" | "task_id">, key: string, option?: string): Promise<SentCard> {
  const selected = option === undefined ? undefined : { selected_item: [{ question_key: "result", option_ids: { option_id: [option] } }] };
  const reqId = fake.sendEvent({
    userid,
    chatid: CHAT,
    eventtype: "template_card_event",
    cardEvent: { card_type: card.card_type, event_key: key, task_id: card.task_id, ...(selected && { selected_items: selected }) },
    msgid: `tap-${(tapCount += 1)}`,
  });
  await fake.waitFor(() => fake.responses(reqId).length > 0, 15_000);
  const [update] = fake.responses(reqId) as [FakeReceivedFrame];
  // The fake refuses an update outside WeCom's 5 s window or of a shape WeCom refuses.
  expect(update.ack).toEqual({ errcode: 0, errmsg: "ok" });
  const body = update.body as { userids: string[]; template_card: SentCard };
  expect(body.userids).toEqual([userid]);
  return body.template_card;
}

function tap(userid: string, card: SentCard, text: string, option?: string): Promise<SentCard> {
  const button = card.button_list.find((b) => b.text === text);
  if (!button) throw new Error(`no button ${text} on ${JSON.stringify(card)}`);
  return tapKey(userid, card, button.key, option);
}

/** The last card pushed to the principals' group. */
function lastPushedCard(): SentCard {
  const cards = fake.sent().filter((f) => (f.body as { msgtype: string; chatid: string }).msgtype === "template_card");
  return (cards.at(-1)!.body as { template_card: SentCard }).template_card;
}

describe("晨午检, a count kind", () => {
  it("ends its reminder with a card whose one button is 与上次相同 (a group card names no school's figures)", async () => {
    await ask("2026-11-23T08:30:00+08:00", "liu_yang", "晨检 实到1400");
    await ask("2026-11-23T08:31:00+08:00", "zhang_wei", "晨检 实到2120");
    await h.fire("slots", "2026-11-23T09:30:00+08:00");
    yesterdaysCard = lastPushedCard();
    expect(yesterdaysCard.main_title.title).toBe("晨午检 11月23日（周一）");
    expect(yesterdaysCard.button_list.map((b) => b.text)).toEqual(["与上次相同"]);
    // The robot's groups get text only: no card ever goes through a webhook.
    expect(h.webhook.messages.every((m) => !JSON.stringify(m).includes("template_card"))).toBe(true);
  });

  it("answers a bare 晨检 with 与上次相同（2120/2136）, and its tap records what typing 2120/2136 records", async () => {
    const { content, card } = await ask("2026-11-24T08:20:00+08:00", "zhang_wei", "晨检");
    expect(content).toContain("请写明实到");
    expect(card!.button_list.map((b) => b.text)).toEqual(["与上次相同（2120/2136）"]);
    const updated = await tap("zhang_wei", card!, "与上次相同（2120/2136）");
    expect(updated.main_title.title).toBe("✅ 晨午检已登记");
    expect(updated.sub_title_text).toContain("已登记：平安县城关第一小学 11月24日（周二） 晨午检");
    expect(updated.sub_title_text).toContain("实到 2120 / 应到 2136");
    const tapped = await h.store.get("checkup", "2026-11-24", "CG001");
    expect(tapped).toMatchObject({ by: "zhang_wei", raw: "（点击卡片）晨午检 2120/2136" });

    // The card under his message shows in the group, but it records only for his school.
    const notHis = await tap("wang_fang", card!, "与上次相同（2120/2136）");
    expect(notHis.sub_title_text).toContain("您不是 平安县城关第一小学 的上报人");
    expect(await h.store.get("checkup", "2026-11-24", "CG002")).toBeUndefined();

    const typed = await ask("2026-11-24T08:21:00+08:00", "wang_fang", "晨检 2120/2136");
    expect(typed.content).toContain("实到 2120 / 应到 2136");
    expect((await h.store.get("checkup", "2026-11-24", "CG002"))!.value).toEqual(tapped!.value);
  });

  it("asks a reporter who taps 与上次相同 on the reminder to confirm his school's figures, then records them", async () => {
    await h.fire("slots", "2026-11-24T09:30:00+08:00");
    todaysCard = lastPushedCard();
    expect(todaysCard.task_id).not.toBe(yesterdaysCard.task_id);
    const confirm = await tap("liu_yang", todaysCard, "与上次相同");
    expect(confirm.main_title.title).toBe("与上次相同？");
    expect(confirm.sub_title_text).toContain("上次（11月23日（周一））报的是 1400/1420");
    expect(await h.store.get("checkup", "2026-11-24", "CG003")).toBeUndefined();
    const done = await tap("liu_yang", confirm, "与上次相同（1400/1420）");
    expect(done.sub_title_text).toContain("实到 1400 / 应到 1420");
    expect(await h.store.get("checkup", "2026-11-24", "CG003")).toMatchObject({ by: "liu_yang", value: { present: 1400, expected: 1420 } });
  });

  it("records nothing for a school with no earlier report, and says what to type", async () => {
    const none = await tap("hu_bin", todaysCard, "与上次相同");
    expect(none.main_title.title).toBe("没有登记");
    expect(none.sub_title_text).toContain("没有找到本校上次的上报");
    // The example to type, fitted to 东湖小学 (846 pupils), as 帮助 shows it.
    expect(none.sub_title_text).toContain("@平安助手 晨检 应到846 实到831");
    expect(await h.store.get("checkup", "2026-11-24", "DB001")).toBeUndefined();
  });

  it("records nothing for yesterday's card, and says it is yesterday's", async () => {
    const stale = await tap("chen_jing", yesterdaysCard, "与上次相同");
    expect(stale.main_title.title).toBe("没有登记");
    expect(stale.sub_title_text).toContain("这张卡片是 11月23日（周一） 的，已经过期");
    // The card he now sees carries today's button.
    expect(JSON.parse(stale.button_list[0]!.key)).toMatchObject({ p: "2026-11-24" });
    expect(await h.store.get("checkup", "2026-11-24", "CG004")).toBeUndefined();
  });

  it("records nothing for a forged key, another school's key, a leader or a stranger", async () => {
    const before = (await h.store.log("checkup", "2026-11-24")).length;
    const forged = await tapKey("chen_jing", todaysCard, JSON.stringify({ t: "report:checkup", p: "2026-11-24", a: "everything" }));
    expect(forged.sub_title_text).toContain("看不懂这个按钮，没有登记");
    const figures = JSON.stringify({ t: "report:checkup", p: "2026-11-24", a: "same", v: { present: 9, sick: 1 } });
    expect((await tapKey("chen_jing", todaysCard, figures)).sub_title_text).toContain("看不懂这个按钮");
    // A figure no school has would be written 1e+21 and read as 21.
    const huge = JSON.stringify({ t: "report:checkup", p: "2026-11-24", a: "same", v: { present: 1e21, expected: 1e21 } });
    expect((await tapKey("chen_jing", todaysCard, huge)).sub_title_text).toContain("看不懂这个按钮");
    const other = JSON.stringify({ t: "report:checkup", p: "2026-11-24", a: "same", s: "CG008", v: { present: 1, expected: 2 } });
    const notMine = await tapKey("chen_jing", todaysCard, other);
    expect(notMine.sub_title_text).toContain("您不是 平安县第二中学 的上报人");
    const leader = await tap("wang_zhiyuan", todaysCard, "与上次相同");
    expect(leader.sub_title_text).toContain("这个按钮是学校上报人用的，没有登记");
    expect(leader.sub_title_text).toContain("代报 学校 晨午检");
    const stranger = await tap("visitor_01", todaysCard, "与上次相同");
    expect(stranger.sub_title_text).toContain("还不在平安助手的名单中");
    expect((await h.store.log("checkup", "2026-11-24")).length).toBe(before);
  });
});

describe("安全工作例会, a yes/no kind", () => {
  it("answers a bare 例会 with 召开了 / 未召开; 未召开 records false and alerts the leaders as the typed words do", async () => {
    await takeMessages(h, "局领导群");
    const { card } = await ask("2026-11-24T10:00:00+08:00", "wang_fang", "例会");
    expect(card!.button_list.map((b) => b.text)).toEqual(["召开了", "未召开"]);
    // How to type more: the kind's example, its meeting's date the day the card is sent (the field takes days come only).
    expect(JSON.stringify(card)).toContain("例如 @平安助手 例会 已召开 11月24日 主题:冬季防火 参会35人");
    const updated = await tap("wang_fang", card!, "未召开");
    expect(updated.sub_title_text).toContain("安全工作例会");
    expect(await h.store.get("meeting", "2026-W48", "CG002")).toMatchObject({ value: { held: false }, raw: "（点击卡片）安全工作例会 未召开" });
    const alerts = await takeMessages(h, "局领导群");
    expect(alerts.map((m) => m.content).join("\n")).toContain("例会未召开");
  });

  it("takes a tap on 召开了 as a correction, as a typed one would be", async () => {
    const { card } = await ask("2026-11-24T10:05:00+08:00", "wang_fang", "例会");
    const corrected = await tap("wang_fang", card!, "召开了");
    expect(corrected.sub_title_text).toContain("已替换");
    expect(await h.store.get("meeting", "2026-W48", "CG002")).toMatchObject({ value: { held: true } });
  });
});

describe("食堂晨检, a choice as a dropdown", () => {
  it("offers the options in a dropdown, and records the one chosen with 提交, alert included", async () => {
    await takeMessages(h, "局领导群");
    const { card } = await ask("2026-11-24T10:10:00+08:00", "liu_yang", "食堂");
    expect(card!.button_selection).toEqual({
      question_key: "result",
      title: "结果",
      option_list: [
        { id: "0", text: "合格" },
        { id: "1", text: "整改" },
        { id: "2", text: "停餐" },
      ],
    });
    const nothing = await tap("liu_yang", card!, "提交");
    expect(nothing.sub_title_text).toContain("请写明结果");
    expect(await h.store.get("canteen", "2026-11-24", "CG003")).toBeUndefined();
    const done = await tap("liu_yang", card!, "提交", "1");
    expect(done.main_title.title).toBe("✅ 食堂晨检已登记");
    expect(await h.store.get("canteen", "2026-11-24", "CG003")).toMatchObject({ value: { result: "整改" } });
    expect((await takeMessages(h, "局领导群")).map((m) => m.content).join("\n")).toContain("食堂需整改");
  });
});

describe("汛期日报, a status kind", () => {
  it("ends its reminder with 今日平安 ✅, whose tap records 平安 as typing it does; 有异常 records nothing and says what to type", async () => {
    await h.fire("slots", "2026-11-24T16:00:00+08:00");
    const card = lastPushedCard();
    expect(card.main_title.title).toBe("汛期日报 11月24日（周二）");
    expect(card.button_list.map((b) => b.text)).toEqual(["今日平安 ✅", "有异常，去填写"]);
    const done = await tap("chen_jing", card, "今日平安 ✅");
    expect(done.main_title.title).toBe("✅ 汛期日报已登记");
    expect(await h.store.get("flood", "2026-11-24", "CG004")).toMatchObject({ value: { status: "normal" }, raw: "（点击卡片）汛期日报 平安" });
    const typed = await ask("2026-11-24T16:05:00+08:00", "yang_lei", "汛期 平安");
    expect(typed.content).toContain("已登记");
    expect((await h.store.get("flood", "2026-11-24", "CG005"))!.value).toEqual((await h.store.get("flood", "2026-11-24", "CG004"))!.value);
    const abnormal = await tap("huang_qiang", card, "有异常，去填写");
    expect(abnormal.sub_title_text).toContain("请在群里发送：@平安助手 汛期日报 异常 具体情况");
    expect(await h.store.get("flood", "2026-11-24", "CG006")).toBeUndefined();
  });
});

describe("防溺水 out of its season", () => {
  it("refuses a tap in Chinese and records nothing", async () => {
    const key = JSON.stringify({ t: "report:drowning", p: "2026-11-24", a: "same", v: { reached: 1, total: 2 } });
    const refused = await tapKey("liu_yang", todaysCard, key);
    expect(refused.main_title.title).toBe("没有登记");
    expect(refused.sub_title_text).toBe("现在不在防溺水提醒的季节内，无需上报。");
    expect(await h.store.get("drowning", "2026-11-24", "CG003")).toBeUndefined();
  });
});

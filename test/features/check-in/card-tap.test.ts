import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../../support/harness.js";
import { waitFor } from "../../support/wait-for.js";
import type { SimulatedCard } from "../../../src/wecom/simulator/wecom-simulator.js";

/** 2026-11-24 is a Tuesday in the autumn term; the safety report is due at 10:00. */
const TUESDAY_0900 = "2026-11-24T09:00:00+08:00";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: TUESDAY_0900, transport: "callback" });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.clearData();
  h.clock.set(new Date(TUESDAY_0900));
});

const safety = (school: string, day = "2026-11-24") => h.store.get("safety", day, school);
const auditCount = async (day = "2026-11-24") => (await h.store.log("safety", day)).length;

/** The card under a reporter's 帮助, as WeCom shows it in the group. */
async function helpCard(from: string): Promise<SimulatedCard> {
  const reply = await h.sim.say({ from, text: "帮助" });
  expect(reply.reply?.msgtype).toBe("stream_with_template_card");
  return reply.card!;
}

function button(card: SimulatedCard, text: string) {
  const found = card.button_list?.find((b) => b.text.includes(text));
  if (!found) throw new Error(`no button ${text} on ${JSON.stringify(card)}`);
  return found;
}

async function tap(from: string, card: SimulatedCard, text: string, msgid?: string) {
  const reply = await h.sim.tap({ from, taskId: card.task_id, key: button(card, text).key, ...(msgid && { msgid }) });
  expect(reply.status).toBe(200);
  expect(reply.reply?.response_type).toBe("update_template_card");
  expect(reply.updateFor).toEqual([from]);
  expect(reply.card?.task_id).toBe(card.task_id);
  return reply.card!;
}

describe("the check-in card in callback mode", () => {
  it("rides under a reporter's 帮助 and 状态, with the help and the status still in the stream", async () => {
    const help = await h.sim.say({ from: "hu_bin", text: "帮助" });
    expect(help.markdown).toContain("平安");
    expect(help.card).toMatchObject({ card_type: "button_interaction", main_title: { title: "平安日报 11月24日（周二）" } });
    expect(help.card?.button_list?.map((b) => b.text)).toEqual(["今日平安 ✅", "有异常，去填写"]);
    const status = await h.sim.say({ from: "hu_bin", text: "状态" });
    expect(status.reply?.msgtype).toBe("stream_with_template_card");
    expect(status.markdown).toContain("未报");
    expect(status.card?.task_id).not.toBe(help.card?.task_id);
  });

  it("is not under a leader's 帮助, nor under a reporter's other replies", async () => {
    const leader = await h.sim.say({ from: "wang_zhiyuan", text: "帮助" });
    expect(leader.reply?.msgtype).toBe("stream");
    expect((await h.sim.say({ from: "hu_bin", text: "学习 50/52" })).reply?.msgtype).toBe("stream");
  });

  it("gives a repeated 帮助 callback the same card again", async () => {
    const first = await h.sim.say({ from: "hu_bin", text: "帮助", msgid: "help-1" });
    const again = await h.sim.say({ from: "hu_bin", text: "帮助", msgid: "help-1" });
    expect(again.markdown).toBe(first.markdown);
    expect(again.card).toEqual(first.card);
  });
});

describe("a tap on 今日平安", () => {
  it("records 平安 for the tapper's school, as typed, and updates the card for him alone", async () => {
    const card = await helpCard("hu_bin");
    const updated = await tap("hu_bin", card, "今日平安");
    expect(updated.main_title?.title).toBe("✅ 今日平安已登记");
    expect(updated.sub_title_text).toContain("已登记：平安县东湖镇中心小学 11月24日（周二） 平安日报");
    expect(updated.sub_title_text).not.toContain("**");
    expect(await safety("DB001")).toMatchObject({ by: "hu_bin", late: false, raw: "（点击卡片）今日平安 ✅", value: { status: "normal" } });
    // The leaders read it like a typed report: 汇总 counts the school as reported.
    expect(await h.say("wang_zhiyuan", "未报 平安")).not.toContain("东湖小学 胡斌");
    await waitFor("the tap in 东湖小学's 历史", async () =>
      (await h.say("wang_zhiyuan", "历史 东湖小学")).includes("09:00 胡斌 上报 平安日报 11月24日（周二）：无异常"),
    );
  });

  it("records once however often it is tapped or WeCom repeats the callback", async () => {
    const card = await helpCard("hu_bin");
    const first = await tap("hu_bin", card, "今日平安", "tap-1");
    expect(await tap("hu_bin", card, "今日平安", "tap-1")).toEqual(first);
    const second = await tap("hu_bin", card, "今日平安");
    expect(second.main_title?.title).toBe("东湖小学 今天已经上报过了");
    expect(second.sub_title_text).toContain("由 胡斌 上报：无异常。这次点击没有再登记");
    expect(await auditCount()).toBe(1);
  });

  it("records once when a double tap delivers two taps at the same moment", async () => {
    const card = await helpCard("hu_bin");
    const both = await Promise.all([tap("hu_bin", card, "今日平安"), tap("hu_bin", card, "今日平安")]);
    expect(both.map((c) => c.main_title?.title).sort()).toEqual(["✅ 今日平安已登记", "东湖小学 今天已经上报过了"]);
    expect(await auditCount()).toBe(1);
  });

  it("records once when two reporters of one school tap at the same moment", async () => {
    const [zhang, li] = await Promise.all([helpCard("zhang_wei"), helpCard("li_na")]);
    const both = await Promise.all([tap("zhang_wei", zhang, "今日平安"), tap("li_na", li, "今日平安")]);
    expect(both.map((c) => c.main_title?.title).sort()).toEqual(["✅ 今日平安已登记", "城关一小 今天已经上报过了"]);
    expect(await auditCount()).toBe(1);
  });

  it("keeps the late rule: after the deadline the tap is recorded late and says so", async () => {
    const card = await helpCard("hu_bin");
    h.clock.set(new Date("2026-11-24T10:01:00+08:00"));
    const updated = await tap("hu_bin", card, "今日平安");
    expect(updated.sub_title_text).toContain("迟报");
    expect((await safety("DB001"))?.late).toBe(true);
  });

  it("asks a reporter of several schools which one, a button each, and records the one he taps", async () => {
    const card = await helpCard("zhou_jie");
    const choice = await tap("zhou_jie", card, "今日平安");
    expect(choice.main_title?.title).toBe("您负责多所学校，报哪一所？");
    expect(choice.button_list?.map((b) => b.text)).toEqual(["枫林小学", "岭头小学"]);
    expect(await auditCount()).toBe(0);
    const done = await tap("zhou_jie", choice, "岭头小学");
    expect(done.main_title?.title).toBe("✅ 今日平安已登记");
    expect(done.sub_title_text).toContain("已登记：平安县枫林乡岭头小学");
    expect(await safety("XB005")).toMatchObject({ by: "zhou_jie" });
    expect(await safety("XB004")).toBeUndefined();
    const next = await tap("zhou_jie", card, "今日平安");
    expect(next.button_list?.map((b) => b.text)).toEqual(["枫林小学"]);
    expect(next.sub_title_text).toContain("已报：岭头小学");
  });

  it("records nothing for someone who is not a reporter, and says why", async () => {
    const card = await helpCard("hu_bin");
    const stranger = await tap("nobody_here", card, "今日平安");
    expect(stranger.main_title?.title).toBe("没有登记");
    expect(stranger.sub_title_text).toContain("还不在平安助手的名单中");
    const leader = await tap("wang_zhiyuan", card, "今日平安");
    expect(leader.sub_title_text).toContain("这个按钮是学校上报人用的，没有登记");
    expect(await auditCount()).toBe(0);
  });

  it("records nothing for a forged key, another reporter's school, or yesterday's card", async () => {
    const card = await helpCard("zhou_jie");
    const forged = await h.sim.tap({ from: "zhou_jie", taskId: card.task_id, key: '{"t":"safety","p":"2026-11-24","a":"ok","s":"DB001"}' });
    expect(forged.card?.sub_title_text).toContain("您不是 平安县东湖镇中心小学 的上报人（您负责：枫林小学、岭头小学），没有登记");
    const garbage = await h.sim.tap({ from: "hu_bin", taskId: card.task_id, key: "<script>" });
    expect(garbage.card?.sub_title_text).toContain("看不懂这个按钮，没有登记");
    const yesterday = await h.sim.tap({ from: "hu_bin", taskId: card.task_id, key: '{"t":"safety","p":"2026-11-23","a":"ok"}' });
    expect(yesterday.card?.sub_title_text).toContain("这张卡片是 11月23日（周一） 的，已经过期，没有登记");
    // The expired card offers today's buttons.
    expect(yesterday.card?.button_list?.[0]?.key).toContain("2026-11-24");
    expect(await auditCount()).toBe(0);
    expect(await auditCount("2026-11-23")).toBe(0);
  });
});

describe("a tap while Redis refuses writes", () => {
  it("records nothing, says so, and keeps the button: the same tap later records", async () => {
    const card = await helpCard("hu_bin");
    await h.client.config("SET", "maxmemory", "1");
    try {
      const refused = await tap("hu_bin", card, "今日平安", "tap-full");
      expect(refused.main_title?.title).toBe("系统繁忙，请稍后再点一次");
      expect(refused.sub_title_text).toContain("没有登记，请稍后再发");
      expect(refused.button_list?.map((b) => b.text)).toEqual(["再点一次"]);
    } finally {
      await h.client.config("SET", "maxmemory", "0");
    }
    expect(await safety("DB001")).toBeUndefined();
    const retried = await tap("hu_bin", card, "今日平安", "tap-full");
    expect(retried.main_title?.title).toBe("✅ 今日平安已登记");
    expect(await auditCount()).toBe(1);
  });
});

describe("a tap on 有异常，去填写", () => {
  it("records nothing and shows exactly what to type", async () => {
    const card = await helpCard("hu_bin");
    const updated = await tap("hu_bin", card, "有异常");
    expect(updated.sub_title_text).toContain("请在群里发送：@平安助手 异常 具体情况");
    expect(await auditCount()).toBe(0);
    const several = await tap("zhou_jie", await helpCard("zhou_jie"), "有异常");
    expect(several.sub_title_text).toContain("@平安助手 异常 学校简称 具体情况");
  });
});

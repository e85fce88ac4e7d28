import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createExemptionStore, type ExemptionStore } from "../../src/store/exemptions.js";
import { createKeys } from "../../src/store/keys.js";
import { startHarness, type Harness } from "../support/harness.js";
import { reportAll, sayAt, takeMessages } from "./leader-seed.js";

const TUESDAY = "2026-11-24T08:00:00+08:00";

let h: Harness;
let exemptions: ExemptionStore;
beforeAll(async () => {
  h = await startHarness({ now: TUESDAY });
  exemptions = createExemptionStore({ redis: h.client, keys: createKeys() });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.drainPushes();
  await h.clearData();
  h.webhook.messages.length = 0;
  h.clock.set(new Date(TUESDAY));
});

const exemptOn = async (task: "safety" | "study", period: string) => [...(await exemptions.list(task, period)).keys()];

describe("免报", () => {
  it("exempts a school for each day of a range, with who and why", async () => {
    const reply = await h.say("liu_xin", "免报 城关一小 平安 11-25至11-27 中考考点");
    expect(reply).toContain("✅ 已登记免报：**平安县城关第一小学** 平安日报，共 3 期：11月25日（周三）、11月26日（周四）、11月27日（周五）");
    expect(reply).toContain("原因：中考考点");
    for (const day of ["2026-11-25", "2026-11-26", "2026-11-27"]) expect(await exemptOn("safety", day)).toEqual(["CG001"]);
    expect(await exemptOn("safety", "2026-11-24")).toEqual([]);
    expect(await exemptOn("safety", "2026-11-28")).toEqual([]);
    const exemption = (await exemptions.list("safety", "2026-11-26")).get("CG001");
    expect(exemption).toMatchObject({ by: "liu_xin", reason: "中考考点", start: "2026-11-25", end: "2026-11-27" });
  });

  it("tells the leader which of the days the school had already reported, which count as exempt from now on", async () => {
    await sayAt(h, "2026-11-23T08:30:00+08:00", "zhang_wei", "平安");
    await sayAt(h, "2026-11-24T08:10:00+08:00", "zhang_wei", "平安");
    const reply = await sayAt(h, "2026-11-24T08:20:00+08:00", "wang_zhiyuan", "免报 城关一小 平安 本周 停电");
    expect(reply).toContain("共 7 期");
    expect(reply).toContain("其中 2 期该校已经报过（11月23日（周一）、11月24日（周二））：免报后这几期列为免报、不计已报，报的内容仍在“历史 城关一小”里。");
    expect(await h.say("wang_zhiyuan", "免报 城关二小 平安 本周 停电")).not.toContain("已经报过");
    // The principals' 状态 says so too, not 未报 or a plain 已报.
    expect(await h.say("zhang_wei", "状态")).toContain("- 平安日报（11月24日（周二））：免报（停电），无需上报；所报的 11月24日 08:10 记录备查，不计入统计");
    expect(await h.say("wang_fang", "状态")).toContain("- 平安日报（11月24日（周二））：免报（停电），无需上报\n");
    expect(await h.say("wang_fang", "状态 昨天")).toContain("- 平安日报（11月23日（周一））：免报（停电），无需上报\n");
  });

  it("reads 2026-11-20~2026-11-27, 今天, 本周, and a weekly task by the week holding the dates", async () => {
    expect(await h.say("wang_zhiyuan", "免报 东湖小学 平安 2026-11-20~2026-11-27 停水")).toContain("共 8 期");
    expect(await h.say("wang_zhiyuan", "免报 青石小学 平安 今天")).toContain("共 1 期：11月24日（周二）\n原因：未填写");
    expect(await h.say("wang_zhiyuan", "免报 柳溪小学 平安 本周 停电")).toContain("共 7 期");
    const study = await h.say("wang_zhiyuan", "免报 白沙学校 学习 11-26 学校停电检修");
    expect(study).toContain("周学习，共 1 期：2026年第48周（11月23日—11月29日）");
    expect(await exemptOn("study", "2026-W48")).toEqual(["DB005"]);
    expect(await exemptOn("safety", "2026-11-29")).toEqual(["DB006"]);
  });

  it("names the year of a date in another year than today's", async () => {
    const past = await h.say("liu_xin", "免报 城关一小 平安 2025-11-20至2025-11-21 停电");
    expect(past).toContain("共 2 期：2025年11月20日（周四）、2025年11月21日（周五）");
    const across = await h.say("liu_xin", "免报 城关一小 平安 2026-12-31至2027-01-01 停电");
    expect(across).toContain("共 2 期：12月31日（周四）、2027年1月1日（周五）");
    expect(await h.say("liu_xin", "免报 撤销 城关一小 平安 2025-11-21")).toContain("的免报：2025年11月21日（周五）。");
    expect(await h.say("liu_xin", "免报 撤销 城关一小 平安 2025-11-23")).toContain("在2025年11月23日没有免报记录");
    expect(await h.say("liu_xin", "免报 城关一小 学习 2027-01-06 停电")).toContain("共 1 期：2027年第1周（1月4日—1月10日）\n");
  });

  it("does not exempt where nothing is due, and refuses what it cannot read", async () => {
    expect(await h.say("liu_xin", "免报 城关一小 防溺水 今天")).toContain("本来就无需上报，没有登记免报");
    expect(await h.say("liu_xin", "免报 城关一小 平安")).toContain("请写明日期或区间");
    expect(await h.say("liu_xin", "免报 城关一小 午餐 今天")).toContain("“午餐”不是任务名称");
    expect(await h.say("liu_xin", "免报 城关五小 平安 今天")).toContain("没有找到学校“城关五小”");
    expect(await h.say("liu_xin", "免报 城关一小 平安 11-27至11-25")).toContain("结束日期 11月25日 早于开始日期 11月27日");
    expect(await h.say("liu_xin", "免报 城关一小 平安 2026-01-01至2027-06-30")).toContain("一次最多免报 366 天");
    expect(await h.client.keys("*exempt:*")).toEqual([]);
  });

  it("takes a new reason for days already exempt, and 撤销 lifts the days named only", async () => {
    await h.say("liu_xin", "免报 城关一小 平安 11-24至11-26 停电");
    expect(await h.say("liu_xin", "免报 城关一小 平安 11-24 考点")).toContain("其中 1 期原已免报，已按本次更新原因。");
    expect((await exemptions.list("safety", "2026-11-24")).get("CG001")?.reason).toBe("考点");
    // Without a reason, the days already exempt keep theirs, and the new day is exempt with none.
    expect(await h.say("wang_zhiyuan", "免报 城关一小 平安 11-24至11-27")).toContain("其中 3 期原已免报，原来的免报和原因不变。");
    expect((await exemptions.list("safety", "2026-11-24")).get("CG001")).toMatchObject({ reason: "考点", by: "liu_xin" });
    expect((await exemptions.list("safety", "2026-11-25")).get("CG001")?.reason).toBe("停电");
    expect((await exemptions.list("safety", "2026-11-27")).get("CG001")).toMatchObject({ by: "wang_zhiyuan" });
    expect((await exemptions.list("safety", "2026-11-27")).get("CG001")?.reason).toBeUndefined();
    const revoked = await h.say("wang_zhiyuan", "免报 撤销 城关一小 平安 11-25");
    expect(revoked).toBe("✅ 已撤销 **平安县城关第一小学** 平安日报 的免报：11月25日（周三）。这些期次恢复为需要上报。");
    expect(await exemptOn("safety", "2026-11-25")).toEqual([]);
    expect(await exemptOn("safety", "2026-11-26")).toEqual(["CG001"]);
    expect(await h.say("wang_zhiyuan", "免报 撤销 城关一小 平安 11-25")).toContain("没有免报记录，无需撤销");
  });

  it("keeps every change in the audit: who exempted and revoked, when and why", async () => {
    await sayAt(h, "2026-11-23T17:00:00+08:00", "liu_xin", "免报 城关一小 平安 11-24至11-25 中考考点");
    await sayAt(h, "2026-11-24T17:00:00+08:00", "wang_zhiyuan", "免报 撤销 城关一小 平安 11-25");
    const events = await exemptions.history("CG001");
    expect(events.map((e) => [e.type, e.by, e.at, e.periods, e.changed, e.reason])).toEqual([
      ["revoke", "wang_zhiyuan", "2026-11-24T09:00:00.000Z", ["2026-11-25"], ["2026-11-25"], undefined],
      ["exempt", "liu_xin", "2026-11-23T09:00:00.000Z", ["2026-11-24", "2026-11-25"], ["2026-11-24", "2026-11-25"], "中考考点"],
    ]);
  });

  it("applies a repeated message once", async () => {
    await h.sim.say({ from: "liu_xin", text: "免报 城关一小 平安 今天 考点", msgid: "msg-ex-1" });
    const result = await exemptions.exempt({
      school: "CG001",
      task: "safety",
      start: "2026-11-24",
      end: "2026-11-24",
      periods: ["2026-11-24"],
      by: "liu_xin",
      at: new Date().toISOString(),
      msgid: "msg-ex-1",
      raw: "",
    });
    expect(result.outcome).toBe("duplicate");
    expect(await exemptions.history("CG001")).toHaveLength(1);
  });
});

describe("an exempt school", () => {
  it("is not asked by its check-in's reply for a report it is exempt from, and is told a report it made anyway is not counted", async () => {
    expect(await h.say("wang_fang", "平安")).toContain("本校还需上报：周学习");
    await h.say("liu_xin", "免报 城关一小 学习 本周 考点");
    const reply = await h.say("zhang_wei", "平安");
    expect(reply).toContain("已登记");
    expect(reply).toContain("本期各项均已上报");
    expect(reply).not.toContain("周学习");
    await h.say("liu_xin", "免报 城关一小 平安 今天 <停电>");
    const again = await h.say("zhang_wei", "平安 无异常");
    expect(again).toContain("已替换");
    expect(again).toContain("本校本期已免报（＜停电＞），无需上报；这次上报已记录备查，不计入统计。");
    expect(await h.say("wang_zhiyuan", "代报 城关一小 平安")).toContain("该校本期已免报（＜停电＞）");
    await h.say("liu_xin", "免报 撤销 城关一小 平安 今天");
    expect(await h.say("zhang_wei", "平安")).not.toContain("免报");
  });

  it("is not reminded and not counted missing", async () => {
    await h.say("liu_xin", "免报 城关一小 平安 今天 考点");
    await reportAll(h, "2026-11-24T08:30:00+08:00", ["CG001", "CG002"]);
    h.clock.set(new Date("2026-11-24T09:00:00+08:00"));
    expect(await h.say("wang_zhiyuan", "提醒 平安")).toContain("未报的 1 所学校");
    const [reminder] = await takeMessages(h, "全县校长群");
    expect(reminder!.mentioned_list).toEqual(["wang_fang"]);
    expect(reminder!.content).not.toContain("城关第一小学");
    const missing = await h.say("wang_zhiyuan", "未报 平安");
    expect(missing).toContain("未报 1 所（应报 27 所，免报 1 所）");
    expect(missing).not.toContain("zhang_wei");
  });
});

describe("免报 of a 片区", () => {
  const EAST = ["DB001", "DB002", "DB003", "DB004", "DB005", "DB006", "DB007"];

  it("exempts each school of the 片区, named whole or by its start, tells which had reported, and reminds none of them", async () => {
    await sayAt(h, "2026-11-24T07:50:00+08:00", "hu_bin", "平安");
    const reply = await sayAt(h, "2026-11-24T08:00:00+08:00", "wang_zhiyuan", "免报 东部 平安 今天 暴雪<停课>");
    expect(reply).toContain("✅ 已登记免报：**东部片区** 7 所学校 平安日报，共 1 期：11月24日（周二）");
    expect(reply).toContain("学校：东湖小学、东湖中学、青石小学、青石中学、白沙学校、柳溪小学、县三中");
    expect(reply).toContain("原因：暴雪＜停课＞");
    expect(reply).toContain("其中 1 所在这些天已经报过（东湖小学）");
    expect(reply).toContain("撤销请发送“免报 撤销 东部片区 …”");
    expect((await exemptOn("safety", "2026-11-24")).sort()).toEqual(EAST);
    expect(await exemptOn("safety", "2026-11-25")).toEqual([]);
    expect(await h.say("wang_zhiyuan", "未报 平安")).toContain("免报 7 所");
    h.clock.set(new Date("2026-11-24T09:00:00+08:00"));
    await h.say("wang_zhiyuan", "提醒 平安");
    const [reminder] = await takeMessages(h, "全县校长群");
    expect(reminder!.content).not.toContain("东部片区");
    expect(reminder!.mentioned_list).not.toContain("hu_bin");
    // Each school's own 历史 keeps it, once.
    expect(await exemptions.history("DB006")).toHaveLength(1);
  });

  it("applies a repeated message to each school once, and 撤销 of the 片区 or of one school lifts what it names", async () => {
    await h.sim.say({ from: "wang_zhiyuan", text: "免报 东部片区 平安 11-24至11-25 暴雪", msgid: "msg-area-1" });
    // WeCom sends it again, or the service is asked the same message after a fault: each school once.
    const repeat = { school: "DB006", task: "safety" as const, start: "2026-11-24", end: "2026-11-25", periods: ["2026-11-24"], by: "wang_zhiyuan", at: new Date().toISOString(), msgid: "msg-area-1", raw: "" };
    expect((await exemptions.exempt(repeat)).outcome).toBe("duplicate");
    expect(await exemptions.history("DB006")).toHaveLength(1);
    expect(await exemptions.history("DB007")).toHaveLength(1);
    const lifted = await sayAt(h, "2026-11-24T08:10:00+08:00", "wang_zhiyuan", "免报 撤销 东湖小学 平安 11-25");
    expect(lifted).toContain("✅ 已撤销 **平安县东湖镇中心小学** 平安日报 的免报：11月25日");
    expect((await exemptOn("safety", "2026-11-25")).sort()).toEqual(EAST.filter((code) => code !== "DB001"));
    const all = await sayAt(h, "2026-11-24T08:20:00+08:00", "wang_zhiyuan", "免报 撤销 东部片区 平安 11-24至11-25");
    expect(all).toContain("✅ 已撤销 **东部片区** 7 所学校 平安日报 的免报：11月24日（周二）、11月25日（周三）");
    expect(await exemptOn("safety", "2026-11-24")).toEqual([]);
    expect(await exemptOn("safety", "2026-11-25")).toEqual([]);
    expect(await sayAt(h, "2026-11-24T08:30:00+08:00", "wang_zhiyuan", "免报 撤销 东部片区 平安 11-24")).toContain("东部片区的学校 平安日报 在11月24日没有免报记录，无需撤销。");
  });

  it("takes a school's name before a 片区's start, and refuses a 片区 that is none", async () => {
    expect(await sayAt(h, "2026-11-24T08:00:00+08:00", "wang_zhiyuan", "免报 东湖 平安 今天")).toContain("“东湖”对应多所学校：东湖小学、东湖中学");
    expect(await sayAt(h, "2026-11-24T08:01:00+08:00", "wang_zhiyuan", "免报 南部片区 平安 今天")).toContain("南部片区");
    expect(await exemptOn("safety", "2026-11-24")).toEqual([]);
  });
});

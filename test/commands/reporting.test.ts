import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";

/** 2026-11-24 is a Tuesday in the autumn term; drowning is out of season then. */
const TUESDAY_0900 = "2026-11-24T09:00:00+08:00";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: TUESDAY_0900 });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.clearData();
  h.clock.set(new Date(TUESDAY_0900));
});

const safety = (school: string, day = "2026-11-24") => h.store.get("safety", day, school);

describe("平安", () => {
  it("records the school's report for today and says what it still owes", async () => {
    const reply = await h.say("zhang_wei", "平安");
    expect(reply).toContain("已登记：**平安县城关第一小学** 11月24日（周二） 平安日报");
    expect(reply).toContain("无异常");
    expect(reply).toContain("本校还需上报：周学习");
    const report = await safety("CG001");
    expect(report).toMatchObject({ school: "CG001", by: "zhang_wei", late: false, value: { status: "normal" } });
  });

  it("takes the aliases, pupils present, traditional script and full-width input", async () => {
    expect(await h.say("wang_fang", "报平安 在校1600")).toContain("在校 1600 人");
    expect((await safety("CG002"))?.value).toEqual({ task: "safety", status: "normal", present: 1600 });
    expect(await h.say("liu_yang", "報平安　在校１４００")).toContain("在校 1400 人");
    expect(await h.say("chen_jing", "零报告")).toContain("平安县实验小学");
    expect(await safety("CG004")).toBeDefined();
  });

  it("replaces an earlier report and keeps both in the audit log", async () => {
    await h.say("zhang_wei", "平安 在校2000");
    h.clock.set(new Date("2026-11-24T09:20:00+08:00"));
    const reply = await h.say("zhang_wei", "平安 在校2100");
    expect(reply).toContain("已替换 11月24日 09:00 的上一次上报（无异常，在校 2000 人）");
    expect((await safety("CG001"))?.value).toMatchObject({ present: 2100 });
    const log = await h.store.log("safety", "2026-11-24");
    expect(log.map((e) => e.type)).toEqual(["report", "replace"]);
    expect(log[1]?.previous?.value).toMatchObject({ present: 2000 });
  });

  it("marks a report after the deadline minute as late, and one inside it as on time", async () => {
    h.clock.set(new Date("2026-11-24T10:00:59+08:00"));
    expect(await h.say("zhang_wei", "平安")).not.toContain("迟报");
    h.clock.set(new Date("2026-11-24T10:01:00+08:00"));
    expect(await h.say("wang_fang", "平安")).toContain("记为**迟报**");
    expect((await safety("CG001"))?.late).toBe(false);
    expect((await safety("CG002"))?.late).toBe(true);
  });

  it("files a report at 23:59:59 on that day and one at 00:00 on the next", async () => {
    h.clock.set(new Date("2026-11-24T15:59:59Z"));
    expect(await h.say("zhang_wei", "平安")).toContain("11月24日（周二）");
    h.clock.set(new Date("2026-11-24T16:00:00Z"));
    expect(await h.say("zhang_wei", "平安")).toContain("11月25日（周三）");
    expect(await safety("CG001", "2026-11-24")).toBeDefined();
    expect(await safety("CG001", "2026-11-25")).toBeDefined();
  });

  it("refuses a pupil count above the roster and a word that sounds like an incident", async () => {
    const tooMany = await h.say("zhang_wei", "平安 在校9999");
    expect(tooMany).toContain("在校人数 9999 超过了名单中贵校学生数 2136 的两倍");
    expect(tooMany).toContain("本条消息没有登记");
    expect(tooMany).toContain("@平安助手 平安 在校1200");
    expect(await h.say("zhang_wei", "平安 有学生受伤")).toContain("像是异常情况");
    expect(await safety("CG001")).toBeUndefined();
  });
});

describe("异常", () => {
  it("records the description as typed, traditional characters included", async () => {
    const reply = await h.say("wang_fang", "异常 一名學生课间摔伤，已送医，无生命危险");
    expect(reply).toContain("⚠️ 已登记：**平安县城关第二小学**");
    expect(reply).toContain("异常：一名學生课间摔伤，已送医，无生命危险");
    expect((await safety("CG002"))?.value).toEqual({
      task: "safety",
      status: "abnormal",
      description: "一名學生课间摔伤，已送医，无生命危险",
    });
  });

  it("asks for a description and records nothing without one", async () => {
    const reply = await h.say("wang_fang", "异常");
    expect(reply).toContain("请写明异常情况");
    expect(reply).toContain("> @平安助手 异常 一名学生课间摔伤，已送医，无生命危险");
    expect(await safety("CG002")).toBeUndefined();
  });
});

describe("schools", () => {
  it("asks a reporter of two schools which one, and records the one named", async () => {
    const which = await h.say("zhou_jie", "平安");
    expect(which).toContain("您负责多所学校（枫林小学、岭头小学）");
    expect(await h.say("zhou_jie", "平安 岭头小学")).toContain("平安县枫林乡岭头小学");
    expect(await h.say("zhou_jie", "XB004 平安")).toContain("平安县枫林乡中心小学");
    expect(await h.say("zhou_jie", "平安 XB004")).toContain("平安县枫林乡中心小学");
    expect(await safety("XB005")).toBeDefined();
    expect(await safety("XB004")).toBeDefined();
  });

  it("refuses a school the sender does not report for", async () => {
    expect(await h.say("zhou_jie", "平安 城关一小")).toContain("您不是 平安县城关第一小学 的上报人（您负责：平安县枫林乡中心小学、平安县枫林乡岭头小学）");
    expect(await safety("CG001")).toBeUndefined();
  });

  it("tells an unknown sender to ask the admin, and records nothing", async () => {
    const reply = await h.say("stranger_01", "平安");
    expect(reply).toContain("不在平安助手的名单中");
    expect(reply).toContain("刘鑫");
    // Only the cached reply for this msgid; the workers' roster upkeep (counted-under, after the
    // flush above) may write at any moment and is no record.
    const written = (await h.dataKeys()).filter((key) => !key.endsWith(":counted-under"));
    expect(written).toEqual([expect.stringMatching(/:reply$/u)]);
  });
});

describe("防溺水", () => {
  beforeEach(() => h.clock.set(new Date("2026-05-12T09:00:00+08:00")));

  it("records parents reached over parents to reach with the rate and channel", async () => {
    const reply = await h.say("zhang_wei", "防溺水 1180/1200 电话");
    expect(reply).toContain("防溺水提醒");
    expect(reply).toContain("已提醒家长 1180 / 1200 人，提醒率 98.3%，方式：电话");
    const report = await h.store.get("drowning", "2026-W20", "CG001");
    expect(report?.value).toEqual({ task: "drowning", reached: 1180, total: 1200, channels: ["电话"] });
  });

  it("reads 已提醒 … 共 …, 应提醒 first, and 完成 as the roster's pupils", async () => {
    expect(await h.say("wang_fang", "防溺水 已提醒1180 共1200 短信 家访")).toContain("1180 / 1200 人，提醒率 98.3%，方式：短信、家访");
    expect(await h.say("liu_yang", "防溺水 应提醒1400 已提醒1390")).toContain("1390 / 1400");
    expect(await h.say("chen_jing", "防溺水 完成")).toContain("已提醒家长 1958 / 1958 人，提醒率 100%");
  });

  it("refuses more reached than to reach, and a total far above the pupils", async () => {
    expect(await h.say("zhang_wei", "防溺水 1300/1200")).toContain("已提醒人数 1300 不能超过应提醒人数 1200");
    expect(await h.say("zhang_wei", "防溺水 1300/13000")).toContain("应提醒人数 13000 超过了名单中贵校学生数 2136 的两倍");
    expect(await h.say("zhang_wei", "防溺水 电话")).toContain("请写明已提醒的家长人数");
    expect(await h.store.get("drowning", "2026-W20", "CG001")).toBeUndefined();
  });

  it("is refused outside the season and daily in the summer holiday", async () => {
    h.clock.set(new Date("2026-10-19T09:00:00+08:00"));
    expect(await h.say("zhang_wei", "防溺水 1180/1200")).toContain("现在不在防溺水提醒的季节内");
    expect(await h.store.get("drowning", "2026-W43", "CG001")).toBeUndefined();
    h.clock.set(new Date("2026-10-15T09:00:00+08:00"));
    expect(await h.say("zhang_wei", "防溺水 1180/1200")).toContain("2026年第42周");
    h.clock.set(new Date("2026-07-20T09:00:00+08:00"));
    expect(await h.say("zhang_wei", "防溺水 1180/1200")).toContain("7月20日（周一） 防溺水提醒");
    expect(await h.store.get("drowning", "2026-07-20", "CG001")).toBeDefined();
  });
});

describe("学习", () => {
  it("records attendance with the rate, leave and topic as typed", async () => {
    const reply = await h.say("zhang_wei", "學習 应到52 实到50 请假2 主题:學習党的二十届四中全会精神");
    expect(reply).toContain("实到 50 / 应到 52 人，出勤率 96.2%，请假 2 人，主题：學習党的二十届四中全会精神");
    expect((await h.store.get("study", "2026-W48", "CG001"))?.value).toEqual({
      task: "study",
      attended: 50,
      expected: 52,
      leave: 2,
      topic: "學習党的二十届四中全会精神",
    });
  });

  it("takes 50/52 and 实到 alone (expected = the roster's staff)", async () => {
    expect(await h.say("wang_fang", "学习 50/52")).toContain("实到 50 / 应到 52 人");
    expect(await h.say("liu_yang", "学习 实到70")).toContain("实到 70 / 应到 76 人，出勤率 92.1%");
  });

  it("refuses more attended than expected, and leave that does not add up", async () => {
    expect(await h.say("zhang_wei", "学习 53/52")).toContain("实到人数 53 不能超过应到人数 52");
    expect(await h.say("zhang_wei", "学习 应到52 实到50 请假5")).toContain("实到 50 加请假 5 超过了应到人数 52");
    expect(await h.store.get("study", "2026-W48", "CG001")).toBeUndefined();
  });

  it("files Sunday 23:59 in this week and Monday 00:00 in the next", async () => {
    h.clock.set(new Date("2026-11-29T23:59:00+08:00"));
    expect(await h.say("zhang_wei", "学习 50/52")).toContain("2026年第48周（11月23日—11月29日）");
    h.clock.set(new Date("2026-11-30T00:00:00+08:00"));
    expect(await h.say("zhang_wei", "学习 51/52")).toContain("2026年第49周（11月30日—12月6日）");
  });
});

describe("撤销, 状态, 帮助", () => {
  it("withdraws the current report and keeps the withdrawal in the log", async () => {
    await h.say("zhang_wei", "平安");
    const reply = await h.say("zhang_wei", "撤销 平安");
    expect(reply).toContain("已撤销 **平安县城关第一小学** 11月24日（周二） 平安日报 的上报（原为 09:00 报的：无异常）");
    expect(await safety("CG001")).toBeUndefined();
    expect((await h.store.log("safety", "2026-11-24")).map((e) => e.type)).toEqual(["report", "withdraw"]);
    expect(await h.say("zhang_wei", "撤銷 平安")).toContain("还没有平安日报的上报，无需撤销");
    expect(await h.say("zhang_wei", "撤销")).toContain("请写明要撤销哪一项");
  });

  it("withdraws an earlier period's report by its date, within the days a report may be made up for, and says how to report it again", async () => {
    h.clock.set(new Date("2026-11-23T18:05:00+08:00"));
    await h.say("zhang_wei", "平安 在校2100");
    h.clock.set(new Date(TUESDAY_0900));
    await h.say("zhang_wei", "平安");
    const reply = await h.say("zhang_wei", "撤销 平安 昨天");
    expect(reply).toContain("已撤销 **平安县城关第一小学** 11月23日（周一） 平安日报 的上报（原为 11月23日 18:05 报的：无异常，在校 2100 人）。");
    expect(reply).toContain("该校 11月23日（周一） 现为未报；重新上报时写上日期，例如“平安 11-23”，将记为迟报。");
    expect(await safety("CG001", "2026-11-23")).toBeUndefined();
    // Today's stays.
    expect(await safety("CG001")).toBeDefined();
    expect(await h.say("zhang_wei", "撤销 平安 11-23")).toContain("**平安县城关第一小学** 11月23日（周一） 还没有平安日报的上报，无需撤销。");
    // Too far back, and to come: refused, nothing changed.
    expect(await h.say("zhang_wei", "撤销 平安 11-20")).toContain("“11-20”的平安日报已不能补报");
    expect(await h.say("zhang_wei", "撤销 平安 明天")).toContain("“明天”还没到");
    expect(await safety("CG001")).toBeDefined();
    expect((await h.store.log("safety", "2026-11-23")).map((e) => e.type)).toEqual(["report", "withdraw"]);
  });

  it("shows a day's periods with its date (状态 昨天), and refuses a week, a day to come and a date that does not exist", async () => {
    h.clock.set(new Date("2026-11-23T18:05:00+08:00"));
    await h.say("zhang_wei", "平安");
    h.clock.set(new Date(TUESDAY_0900));
    const reply = await h.say("zhang_wei", "状态 昨天");
    expect(reply).toContain("**平安县城关第一小学**（城关片区）11月23日（周一）所在各期的上报情况：");
    expect(reply).toContain("- 平安日报（11月23日（周一））：已报（11月23日 18:05，迟报） 无异常");
    expect(reply).toContain("- 周学习（2026年第48周（11月23日—11月29日））：**未报**，截止 11月27日 周五 18:00");
    expect(await h.say("zhang_wei", "本校 11-23")).toBe(reply);
    expect(await h.say("zhang_wei", "状态 上周")).toContain("状态按某一天查看，例如“状态 昨天”“状态 11-20”；“上周”不是某一天。");
    expect(await h.say("zhang_wei", "状态 明天")).toContain("11月25日（周三）还没到");
    expect(await h.say("zhang_wei", "状态 ２－３０")).toContain("“２－３０”不是有效的日期");
    // Today's, as before.
    expect(await h.say("zhang_wei", "状态")).toContain("- 平安日报（11月24日（周二））：**未报**");
  });

  it("shows the school's status for every active task", async () => {
    await h.say("zhang_wei", "平安 在校2100");
    const reply = await h.say("zhang_wei", "状态");
    expect(reply).toContain("**平安县城关第一小学**（城关片区）本期上报情况");
    expect(reply).toContain("- 平安日报（11月24日（周二））：已报（11月24日 09:00） 无异常，在校 2100 人");
    expect(reply).toContain("- 防溺水提醒（2026年第48周（11月23日—11月29日））：不在季节内，无需上报");
    expect(reply).toContain("- 周学习（2026年第48周（11月23日—11月29日））：**未报**，截止 11月27日 周五 18:00");
  });

  it("gives help built from the command specs, for the sender's role", async () => {
    const principal = await h.say("zhang_wei", "幫助");
    expect(principal).toContain("> @平安助手 防溺水 1180/1200 电话");
    expect(principal).toContain("> @平安助手 学习 50/52");
    expect(await h.say("zhang_wei", "？")).toContain("平安助手用法");
  });

  it("answers what it does not understand with a pointer to help", async () => {
    expect(await h.say("zhang_wei", "你好")).toContain("没有看懂“你好”");
  });
});

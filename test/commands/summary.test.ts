import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { reportAll, sayAt } from "./leader-seed.js";

/** 2026-11-24 is a Tuesday in the autumn term; drowning is out of season then. */
const TUESDAY_1035 = "2026-11-24T10:35:00+08:00";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: TUESDAY_1035 });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.drainPushes();
  await h.clearData();
  h.webhook.messages.length = 0;
});

/**
 * Tuesday 2026-11-24 (safety deadline 10:00). DB005 白沙学校 exempt (免报, 中考考点). Missing:
 * CG004 实验小学, XB003 龙潭学校, BB002 北山中学. CG001 abnormal; CG003 abnormal then corrected to
 * 平安; DB003 青石小学 entered by a leader (代报); CG002 城关二小 late at 10:20.
 */
async function seedTuesday(): Promise<void> {
  await sayAt(h, "2026-11-24T07:50:00+08:00", "liu_xin", "免报 白沙学校 平安 今天 中考考点");
  await reportAll(h, "2026-11-24T08:30:00+08:00", ["CG001", "CG002", "CG003", "CG004", "DB003", "DB005", "XB003", "BB002"]);
  await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "异常 一名学生课间摔伤，已送医，无生命危险");
  await sayAt(h, "2026-11-24T08:50:00+08:00", "liu_yang", "异常 厨房燃气泄漏，已疏散");
  await sayAt(h, "2026-11-24T09:10:00+08:00", "chen_xiaohong", "代报 青石小学 平安");
  await sayAt(h, "2026-11-24T09:30:00+08:00", "liu_yang", "平安");
  await sayAt(h, "2026-11-24T10:20:00+08:00", "wang_fang", "平安");
}

describe("汇总 for a day", () => {
  it("gives expected, reported, on time, late, 代报, missing and exempt with rates", async () => {
    await seedTuesday();
    const reply = await sayAt(h, TUESDAY_1035, "wang_zhiyuan", "汇总");
    expect(reply).toContain("**📋 上报汇总 · 11月24日（周二）**");
    expect(reply).toContain("**平安日报**（截止 10:00 已过）");
    expect(reply).toContain("应报 27 所 · 已报 24 所（88.9%）");
    expect(reply).toContain("按时 23 · 迟报 1 · 代报 1");
    expect(reply).toContain("未报 3 所 · 免报 1 所");
  });

  it("shows the abnormal report in full, the corrected one apart, then missing schools by area and the exempt one", async () => {
    await seedTuesday();
    const reply = await sayAt(h, TUESDAY_1035, "chen_xiaohong", "汇总 今天");
    const lines = reply.split("\n");
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(reply).toContain("⚠️ **异常 1 条：**\n> **平安县城关第一小学**（城关片区）\n> 08:40 张伟\n> 一名学生课间摔伤，已送医，无生命危险");
    expect(reply).toContain("✅ 已恢复正常 1 所：\n> 城关三小：08:50 报“厨房燃气泄漏，已疏散”，09:30 更正为无异常");
    expect(reply).toContain("**未报（3 所）：**\n城关片区：实验小学\n西部片区：龙潭学校\n北部片区：北山中学");
    expect(reply).toContain("免报（1 所）：\n东部片区：白沙学校（中考考点）");
    expect(reply).toContain("📝 代报：青石小学（陈晓红 09:10）");
    expect(at("异常 1 条")).toBeLessThan(at("未报（3 所）"));
    expect(at("应报 27 所")).toBeLessThan(at("异常 1 条"));
    // The exempt school is never among the missing.
    expect(lines.slice(at("未报（3 所）"), at("免报（1 所）")).join("\n")).not.toContain("白沙学校");
    // Out of season, and the weekly study not due before Friday.
    expect(reply).toContain("**防溺水提醒**：不在季节内，无需上报");
    expect(reply).toContain("**周学习** 2026年第48周（11月23日—11月29日）\n截止 11月27日 周五 18:00\n应报 28 所 · 已报 0 所");
    expect(reply).toContain("截止时间未到，未报的学校仍可按时上报。");
  });

  it("counts a school as missing again when its exemption is revoked", async () => {
    await seedTuesday();
    expect(await sayAt(h, "2026-11-24T10:30:00+08:00", "liu_xin", "免报 撤销 白沙学校 平安 今天")).toContain("已撤销");
    const reply = await sayAt(h, TUESDAY_1035, "wang_zhiyuan", "汇总");
    expect(reply).toContain("应报 28 所 · 已报 24 所（85.7%）");
    expect(reply).toContain("未报 4 所\n");
    expect(reply).toContain("东部片区：白沙学校\n");
  });

  it("names who entered a report on a school's behalf when it is abnormal", async () => {
    await sayAt(h, "2026-11-24T08:00:00+08:00", "wang_zhiyuan", "代报 东湖小学 异常 一名学生放学途中摔伤，已送医");
    const reply = await sayAt(h, TUESDAY_1035, "wang_zhiyuan", "汇总");
    expect(reply).toContain("> **平安县东湖镇中心小学**（东部片区）\n> 08:00 王志远代报\n> 一名学生放学途中摔伤，已送医");
    expect(reply).toContain("按时 1 · 迟报 0 · 代报 1");
  });
});

describe("汇总 of the tasks named", () => {
  it("shows only the tasks named, wherever they are written, with the open incidents of those tasks only", async () => {
    await seedTuesday();
    h.clock.set(new Date(TUESDAY_1035));
    const safety = await h.say("wang_zhiyuan", "汇总 平安");
    expect(safety).toContain("**📋 上报汇总 · 11月24日（周二）**");
    expect(safety).toContain("应报 27 所 · 已报 24 所（88.9%）");
    expect(safety).toContain("未结事件（");
    expect(safety).not.toContain("周学习");
    for (const text of ["汇总 学习", "汇总 本周 学习", "汇总 学习 本周"]) {
      const study = await h.say("wang_zhiyuan", text);
      expect(study, text).toContain("**周学习** 2026年第48周");
      expect(study, text).not.toContain("平安日报");
      expect(study, text).not.toContain("未结事件");
    }
    expect(await h.say("wang_zhiyuan", "汇总 上周 平安")).toContain("**📋 上报汇总 · 上周（11月16日—11月22日）**");
    expect(await h.say("wang_zhiyuan", "汇总 午餐")).toContain("“午餐”不是可识别的日期、任务或片区（片区写全称或开头的几个字）。");
    // A 片区 by the start of its name, as 未报 东部 reads it, with a date and a task around it.
    const east = await h.say("wang_zhiyuan", "汇总 昨天 东部 平安");
    expect(east).toContain("东部片区");
    expect(east).toContain("11月23日");
    expect(east).not.toContain("周学习");
    expect(east).toBe(await h.say("wang_zhiyuan", "汇总 昨天 东部片区 平安"));
    // Inside a name is not its start.
    expect(await h.say("wang_zhiyuan", "汇总 昨天 部")).toContain("“部”不是可识别的日期、任务或片区");
  });
});

describe("汇总 for a week", () => {
  it("adds up the school-days of the week so far, with late, abnormal, 代报, exempt and a correction", async () => {
    // Monday: everyone but CG004; DB005 exempt Monday to Wednesday (the Tuesday exemption is renewed below).
    await sayAt(h, "2026-11-23T07:30:00+08:00", "liu_xin", "免报 白沙学校 平安 11-23至11-25 中考考点");
    await reportAll(h, "2026-11-23T08:30:00+08:00", ["CG004", "DB005"]);
    await seedTuesday();
    await sayAt(h, "2026-11-24T15:00:00+08:00", "zhang_wei", "学习 50/52");
    // Wednesday: everyone but CG004 and XB003; BB001 late.
    await reportAll(h, "2026-11-25T08:30:00+08:00", ["CG004", "XB003", "DB005", "BB001"]);
    await sayAt(h, "2026-11-25T10:30:00+08:00", "han_bing", "平安");

    const reply = await sayAt(h, "2026-11-25T11:00:00+08:00", "wang_zhiyuan", "汇总 本周");
    expect(reply).toContain("**📋 上报汇总 · 本周（11月23日—11月25日）**");
    expect(reply).toContain("**平安日报** 11月23日—11月25日，3 天（按校次计）");
    // 27 schools a day are due (DB005 exempt): 81 school-days; missing 1 + 3 + 2.
    expect(reply).toContain("应报 81 校次 · 已报 75 校次（92.6%）");
    expect(reply).toContain("按时 73 · 迟报 2 · 代报 1");
    expect(reply).toContain("未报 6 校次 · 免报 3 校次");
    expect(reply).toContain("城关片区：实验小学（3次）");
    expect(reply).toContain("西部片区：龙潭学校（2次）");
    expect(reply).toContain("北部片区：北山中学（1次）");
    expect(reply).toContain("东部片区：白沙学校（3次，中考考点）");
    expect(reply).toContain("📝 代报：青石小学（陈晓红 11月24日 09:10）");
    expect(reply).toContain("> 11月24日 08:40 张伟\n> 一名学生课间摔伤，已送医，无生命危险");
    expect(reply).toContain("城关三小：08:50 报“厨房燃气泄漏，已疏散”，09:30 更正为无异常");
    expect(reply).toContain("**周学习** 2026年第48周（11月23日—11月29日）");
    expect(reply).toContain("应报 28 所 · 已报 1 所（3.6%）");
    expect(reply).toContain("教职工实到 50 / 应到 52 人（96.2%）");
  });

  it("on a Monday covers Monday alone", async () => {
    await reportAll(h, "2026-11-23T08:30:00+08:00", ["CG004"]);
    const reply = await sayAt(h, "2026-11-23T10:30:00+08:00", "liu_xin", "汇总 本周");
    expect(reply).toContain("**📋 上报汇总 · 本周（11月23日）**");
    expect(reply).toContain("**平安日报**（截止 10:00 已过）");
    expect(reply).toContain("应报 28 所 · 已报 27 所（96.4%）");
    expect(reply).not.toContain("11月22日");
  });
});

describe("汇总 dates", () => {
  it("reads 昨天 in the configured zone across midnight, and says so in the header", async () => {
    await reportAll(h, "2026-11-24T08:30:00+08:00", ["CG004"]);
    // 00:05 on the 25th in Shanghai is still the 24th in UTC: 昨天 is the 24th, 今天 the 25th.
    const yesterday = await sayAt(h, "2026-11-25T00:05:00+08:00", "wang_zhiyuan", "汇总 昨天");
    expect(yesterday).toContain("上报汇总 · 昨天 11月24日（周二）");
    expect(yesterday).toContain("应报 28 所 · 已报 27 所");
    const today = await sayAt(h, "2026-11-25T00:05:00+08:00", "wang_zhiyuan", "汇总");
    expect(today).toContain("上报汇总 · 11月25日（周三）");
    expect(today).toContain("应报 28 所 · 已报 0 所");
    const lateEvening = await sayAt(h, "2026-11-24T23:59:00+08:00", "wang_zhiyuan", "汇总 昨天");
    expect(lateEvening).toContain("上报汇总 · 昨天 11月23日（周一）");
    // A date of another year says its year: 11月25日 alone would read as this year's.
    expect(await sayAt(h, "2026-11-25T00:05:00+08:00", "wang_zhiyuan", "汇总 2025-11-25")).toContain("上报汇总 · 2025年11月25日（周二）");
    // The date word may come first, as people say it.
    expect(await sayAt(h, "2026-11-25T00:05:00+08:00", "wang_zhiyuan", "昨天汇总")).toContain("上报汇总 · 昨天 11月24日（周二）");
  });

  it("heads 上周 as 上周, not 本周, and reads 上周汇总 the same", async () => {
    h.clock.set(new Date(TUESDAY_1035));
    for (const text of ["汇总 上周", "上周汇总"]) {
      const reply = await h.say("wang_zhiyuan", text);
      expect(reply, text).toContain("**📋 上报汇总 · 上周（11月16日—11月22日）**");
      expect(reply, text).not.toContain("本周");
    }
  });

  it("reads 11-20, 2026-11-20, 11月20日 and 11月20号 as the same day", async () => {
    await reportAll(h, "2026-11-20T08:30:00+08:00", ["CG001", "CG002"]);
    h.clock.set(new Date(TUESDAY_1035));
    for (const text of ["汇总 11-20", "汇总 2026-11-20", "汇总 11月20日", "匯總 11月20号", "汇总 2026年11月20日"]) {
      const reply = await h.say("wang_zhiyuan", text);
      expect(reply, text).toContain("上报汇总 · 11月20日（周五）");
      expect(reply, text).toContain("应报 28 所 · 已报 26 所（92.9%）");
    }
  });

  it("refuses a date that does not exist, a future date and words it cannot read", async () => {
    h.clock.set(new Date(TUESDAY_1035));
    expect(await h.say("wang_zhiyuan", "汇总 2-30")).toContain("“2-30”不是有效的日期");
    expect(await h.say("wang_zhiyuan", "汇总 11-30")).toContain("11月30日（周一）还没到");
    // 上个月 is read (issue 26); a season is not.
    const unknown = await h.say("wang_zhiyuan", "汇总 去年冬天");
    expect(unknown).toContain("“去年冬天”不是可识别的日期");
    expect(unknown).toContain("> @平安助手 汇总 本周");
  });
});

describe("who may ask", () => {
  it("tells a principal the command is the leaders', points him to his own, and records nothing", async () => {
    for (const text of ["汇总", "未报", "提醒", "代报 城关二小 平安", "免报 城关二小 平安 今天", "历史 城关一小"]) {
      const reply = await h.say("zhang_wei", text);
      expect(reply, text).toMatch(/^“.+”是局领导和管理员用的指令，本条消息没有登记。查看本校的上报情况请发送：@平安助手 状态$/u);
    }
    expect(await h.store.get("safety", "2026-11-24", "CG002")).toBeUndefined();
  });

  it("answers leaders and the admin", async () => {
    for (const userid of ["wang_zhiyuan", "chen_xiaohong", "liu_xin"]) {
      expect(await h.say(userid, "汇总")).toContain("**📋 上报汇总");
    }
  });
});

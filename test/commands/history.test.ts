import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { sayAt } from "./leader-seed.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T08:00:00+08:00" });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.drainPushes();
  await h.clearData();
});

describe("历史", () => {
  it("shows reports and every change to them, newest first, with who and when", async () => {
    await sayAt(h, "2026-11-23T17:00:00+08:00", "liu_xin", "免报 城关一小 平安 11-26 中考考点");
    await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", "异常 一名学生课间摔伤，已送医");
    // The alert opens the incident (#1) before the school corrects its report.
    await h.drainPushes();
    await sayAt(h, "2026-11-24T09:20:00+08:00", "li_na", "平安");
    await h.drainPushes();
    await sayAt(h, "2026-11-24T10:05:00+08:00", "zhang_wei", "学习 50/52");
    await sayAt(h, "2026-11-24T10:06:00+08:00", "zhang_wei", "撤销 学习");
    await sayAt(h, "2026-11-24T10:30:00+08:00", "wang_zhiyuan", "代报 城关一小 学习 51/52");
    await sayAt(h, "2026-11-24T11:00:00+08:00", "wang_zhiyuan", "免报 撤销 城关一小 平安 11-26");

    // One task's lines only, the school named before or after it; a word that is neither is refused.
    const study = await sayAt(h, "2026-11-24T11:04:00+08:00", "chen_xiaohong", "历史 学习 城关一小");
    expect(study.split("\n").slice(1)).toEqual([
      "- 11月24日 10:30 王志远 代报 周学习 2026年第48周：实到 51 / 应到 52 人，出勤率 98.1%",
      "- 11月24日 10:06 张伟 撤销 周学习 2026年第48周（原为：实到 50 / 应到 52 人，出勤率 96.2%）",
      "- 11月24日 10:05 张伟 上报 周学习 2026年第48周：实到 50 / 应到 52 人，出勤率 96.2%",
    ]);
    expect((await h.say("chen_xiaohong", "历史 城关一小 平安")).split("\n").filter((line) => line.includes("周学习"))).toEqual([]);
    expect(await h.say("chen_xiaohong", "历史 城关一小 上周")).toContain("“上周”是日期：这条指令不按日期查。要看某一天或某一周的情况，请发送“汇总 上周”。");
    expect(await h.say("chen_xiaohong", "历史 城关一小 午餐")).toContain("“午餐”不是任务名称");

    const reply = await sayAt(h, "2026-11-24T11:05:00+08:00", "chen_xiaohong", "历史 城关一小");
    expect(reply.split("\n")).toEqual([
      "**平安县城关第一小学**（城关片区）最近的上报和变更（新的在前）：",
      "- 11月24日 11:00 王志远 撤销免报 平安日报 11月26日（1 期）",
      "- 11月24日 10:30 王志远 代报 周学习 2026年第48周：实到 51 / 应到 52 人，出勤率 98.1%",
      "- 11月24日 10:06 张伟 撤销 周学习 2026年第48周（原为：实到 50 / 应到 52 人，出勤率 96.2%）",
      "- 11月24日 10:05 张伟 上报 周学习 2026年第48周：实到 50 / 应到 52 人，出勤率 96.2%",
      "- 11月24日 09:20 李娜 更正 平安日报 11月24日（周二）：无异常（原为：异常：一名学生课间摔伤，已送医）",
      "- 11月24日 09:20 李娜 事件 #1 改报平安",
      "- 11月24日 08:40 张伟 上报 平安日报 11月24日（周二）：异常：一名学生课间摔伤，已送医",
      "- 11月24日 08:40 张伟 事件 #1 首报",
      "- 11月23日 17:00 刘鑫 免报 平安日报 11月26日（1 期），原因：中考考点",
    ]);
  });

  it("marks late reports and a 代报 correction", async () => {
    await sayAt(h, "2026-11-24T10:20:00+08:00", "wang_fang", "平安");
    await sayAt(h, "2026-11-24T10:40:00+08:00", "liu_xin", "代报 城关二小 异常 门卫室漏电，已断电报修");
    const reply = await h.say("wang_zhiyuan", "历史 城关二小");
    expect(reply).toContain("- 11月24日 10:40 刘鑫 代报更正 平安日报 11月24日（周二）：异常：门卫室漏电，已断电报修（迟报）（原为：无异常）");
    expect(reply).toContain("- 11月24日 10:20 王芳 上报 平安日报 11月24日（周二）：无异常（迟报）");
  });

  it("finds a school by code or name, says when there is nothing, and asks which school", async () => {
    expect(await h.say("wang_zhiyuan", "历史 XB004")).toContain("**平安县枫林乡中心小学**（西部片区）最近的上报和变更（新的在前）：\n暂无上报或免报记录。");
    expect(await h.say("wang_zhiyuan", "历史 平安县枫林乡岭头小学")).toContain("平安县枫林乡岭头小学");
    expect(await h.say("wang_zhiyuan", "历史")).toContain("请写明学校");
    expect(await h.say("wang_zhiyuan", "历史 城关五小")).toContain("没有找到学校“城关五小”");
  });
});

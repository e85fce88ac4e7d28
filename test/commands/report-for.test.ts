import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { sayAt } from "./leader-seed.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T09:10:00+08:00" });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.drainPushes();
  await h.clearData();
  h.clock.set(new Date("2026-11-24T09:10:00+08:00"));
});

describe("代报", () => {
  it("records 平安 for the named school, marked as entered on its behalf and by whom", async () => {
    const reply = await h.say("chen_xiaohong", "代报 青石小学 平安 在校530");
    expect(reply).toContain("✅ 已登记：**平安县青石镇中心小学** 11月24日（周二） 平安日报");
    expect(reply).toContain("无异常，在校 530 人");
    expect(reply).toContain("该校还需上报：周学习");
    expect(reply).toContain("📝 以上为 陈晓红 代 平安县青石镇中心小学 录入（代报），已记录录入人。");
    const report = await h.store.get("safety", "2026-11-24", "DB003");
    expect(report).toMatchObject({ by: "chen_xiaohong", onBehalf: true, late: false, raw: "代报 青石小学 平安 在校530" });
  });

  it("uses each reporting command's own parser: 异常, 防溺水 and 学习", async () => {
    expect(await h.say("liu_xin", "代報 DB001 異常 校车轻微剐蹭，无人受伤")).toContain("异常：校车轻微剐蹭，无人受伤");
    expect((await h.store.get("safety", "2026-11-24", "DB001"))?.value).toEqual({
      task: "safety",
      status: "abnormal",
      description: "校车轻微剐蹭，无人受伤",
    });
    expect(await h.say("liu_xin", "代报 白沙学校 学习 50/52")).toContain("实到 50 / 应到 52 人，出勤率 96.2%");
    expect(await h.store.get("study", "2026-W48", "DB005")).toMatchObject({ by: "liu_xin", onBehalf: true });
    h.clock.set(new Date("2026-05-12T09:00:00+08:00"));
    expect(await h.say("wang_zhiyuan", "代报 城关一小 防溺水 完成")).toContain("已提醒家长 2136 / 2136 人");
    expect(await h.store.get("drowning", "2026-W20", "CG001")).toMatchObject({ by: "wang_zhiyuan", onBehalf: true });
  });

  it("refuses with the reporting command's own message and records nothing", async () => {
    const tooMany = await h.say("liu_xin", "代报 城关一小 学习 53/52");
    expect(tooMany).toContain("实到人数 53 不能超过应到人数 52");
    // The examples to follow are the reporting command's own, in the 代报 form for this school.
    expect(tooMany).toContain("> @平安助手 代报 城关一小 学习 50/52");
    expect(await h.say("liu_xin", "代报 城关一小 异常")).toContain("请写明异常情况");
    expect(await h.say("liu_xin", "代报 城关一小")).toContain("请在学校后面写上报告内容");
    expect(await h.say("liu_xin", "代报 城关五小 平安")).toContain("没有找到学校“城关五小”");
    expect(await h.say("liu_xin", "代报 城关一小 汇总")).toContain("请在学校后面写上报告内容");
    expect(await h.store.list("safety", "2026-11-24")).toEqual(new Map());
    expect(await h.store.list("study", "2026-W48")).toEqual(new Map());
  });

  it("replaces a school's own report and the school's correction replaces it, all in the log", async () => {
    await sayAt(h, "2026-11-24T08:00:00+08:00", "gao_feng", "平安");
    const reply = await sayAt(h, "2026-11-24T10:30:00+08:00", "wang_zhiyuan", "代报 青石小学 异常 学生食堂一名员工烫伤");
    expect(reply).toContain("已替换 11月24日 08:00 的上一次上报（无异常）");
    expect(reply).toContain("记为**迟报**");
    const log = await h.store.log("safety", "2026-11-24");
    expect(log.map((e) => [e.type, e.by, e.report?.onBehalf ?? false])).toEqual([
      ["report", "gao_feng", false],
      ["replace", "wang_zhiyuan", true],
    ]);
  });

  it("keeps its reply once, with the record, as 撤销 does: the dispatcher keeps none beside it", async () => {
    const repliesByMsgid = async () => (await h.dataKeys()).filter((key) => key.includes("{msg:"));
    expect(await h.say("chen_xiaohong", "代报 青石小学 平安 在校530")).toContain("✅ 已登记");
    expect(await h.say("gao_feng", "撤销 平安")).toContain("已撤销");
    expect(await repliesByMsgid()).toEqual([]);
    // A command that records no report has its reply kept by the dispatcher.
    await h.say("chen_xiaohong", "免报 城关一小 平安 11-25 中考考点");
    expect(await repliesByMsgid()).toHaveLength(1);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildLedger } from "../../src/features/ledger/build-ledger.js";
import { CUT_WEEK } from "../support/config-variant.js";
import { startHarness, type Harness } from "../support/harness.js";
import { runJobBeside } from "../support/run-job.js";

const at = (local: string) => new Date(`${local}+08:00`);

/**
 * The National Day week 2026-W40: Monday 09-28 to Wednesday 09-30 are school days, Thursday 10-01
 * to Sunday 10-04 are off. The 周学习 deadline (fri 18:00) and its reminder and tally move to
 * Wednesday; every part of the product says so.
 */
describe("one date everywhere in the National Day week", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-10-02T09:00:00+08:00" });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.drainPushes();
    h.webhook.messages.length = 0;
    for (const key of await h.client.keys("pa:*")) await h.client.del(key);
    h.clock.set(at("2026-10-02T09:00:00"));
  });

  const studyPushes = () => h.webhook.messages.filter((m) => m.content.includes("周学习"));

  it("状态 on Friday 10-02 gives Wednesday's deadline, not 10月2日", async () => {
    const reply = await h.say("zhang_wei", "状态");
    expect(reply).toContain("周学习");
    expect(reply).toContain("截止 9月30日 周三 18:00");
    expect(reply).not.toContain("10月2日 周五 18:00");
  });

  it("汇总 counts the week expected (it has school days) with Wednesday's deadline, and a report now is late", async () => {
    const summary = await h.say("wang_zhiyuan", "汇总");
    const study = summary.slice(summary.indexOf("**周学习**"));
    expect(study).toContain("截止 9月30日 周三 18:00");
    expect(study).toContain("应报 28 所 · 已报 0 所");
    const reply = await h.say("zhang_wei", "学习 50/52");
    expect(reply).toContain("迟报");
  });

  it("reminds and tallies on Wednesday, and sends nothing for the study on Friday", async () => {
    await h.fire("slots", at("2026-09-30T15:00:00"));
    const reminders = studyPushes();
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.every((m) => m.group === "全县校长群" && m.content.includes("截止 9月30日 周三 18:00"))).toBe(true);
    await h.fire("slots", at("2026-09-30T18:30:00"));
    const tally = studyPushes().filter((m) => m.group === "局领导群");
    expect(tally).toHaveLength(1);
    expect(tally[0]!.content).toContain("周学习统计");
    expect(tally[0]!.content).toContain("截止 9月30日 周三 18:00");

    h.webhook.messages.length = 0;
    await h.fire("slots", at("2026-10-02T15:00:00"));
    await h.fire("slots", at("2026-10-02T18:30:00"));
    expect(studyPushes()).toEqual([]);
  });

  it("writes Wednesday's deadline into the ledger", async () => {
    const { roster, store, exemptions, calendar } = h.jobDeps;
    const ledger = await buildLedger({ roster, people: h.config, kinds: h.config, store, exemptions, calendar, from: "2026-09-28", to: "2026-10-04", timeZone: "Asia/Shanghai", now: at("2026-10-04T20:00:00") });
    const rows = ledger.tasks.find((t) => t.task === "study")!.rows;
    expect(rows).toHaveLength(28);
    expect(new Set(rows.map((r) => r.deadline.toISOString()))).toEqual(new Set(["2026-09-30T10:00:00.000Z"]));
  });

  it("tells the admin in the weekly roll-up from November that 2027's notice is not imported", async () => {
    await h.fire("weekly", at("2026-10-23T19:00:00"));
    expect(h.webhook.messages.map((m) => m.content).join("\n")).not.toContain("放假调休安排尚未导入");
    h.webhook.messages.length = 0;
    await h.fire("weekly", at("2026-11-06T19:00:00"));
    const weekly = h.webhook.messages.filter((m) => m.group === "局领导群").map((m) => m.content).join("\n");
    expect(weekly).toContain("第45周汇总");
    const notes = weekly.split("\n").filter((line) => line.includes("放假调休安排尚未导入"));
    expect(notes).toEqual([expect.stringMatching(/^⚠️ 请管理员处理：2027 年放假调休安排尚未导入：pingan holidays import /)]);
  });
});

/** A week the county closed (calendar.holidays Monday to Friday): no running day for 周学习. */
describe("a week without a running day", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-18T10:00:00+08:00", variant: { edits: [["  holidays: []", "  holidays: [2026-11-16, 2026-11-17, 2026-11-18, 2026-11-19, 2026-11-20]"]] } });
  });
  afterAll(() => h.close());

  it("is not expected: 状态 and 汇总 say so, nobody is reminded, tallied or missing", async () => {
    const status = await h.say("zhang_wei", "状态");
    expect(status).toContain("- 周学习（2026年第47周（11月16日—11月22日））：本期无需上报");
    const summary = await h.say("wang_zhiyuan", "汇总");
    expect(summary).toContain("**周学习**：本期不是上报日，无需上报");
    await h.fire("slots", at("2026-11-20T15:00:00"));
    await h.fire("slots", at("2026-11-20T18:30:00"));
    expect(h.webhook.messages.filter((m) => m.content.includes("周学习"))).toEqual([]);
    // The bureau has no working day that week either: no roll-up is scheduled (see the next test);
    // one run by hand counts no study.
    const manual = await runJobBeside(h, { job: "weekly", now: "2026-11-20T19:00:00+08:00" });
    expect(manual.code).toBe(0);
    const weekly = h.webhook.messages.filter((m) => m.group === "局领导群").map((m) => m.content).join("\n");
    expect(weekly).toContain("第47周汇总");
    expect(weekly).not.toContain("学习 未报");
    expect(weekly).not.toMatch(/周学习 \d/);
  });

  it("sends no roll-up: the week has no working day", async () => {
    // The roll-up run by hand above is forgotten, so that a scheduled one would go again.
    for (const key of await h.client.keys("pa:*")) await h.client.del(key);
    h.webhook.messages.length = 0;
    for (const day of ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"]) await h.fire("weekly", at(`${day}T19:00:00`));
    expect(h.webhook.messages).toEqual([]);
  });
});

/** The summer holiday from Thursday 07-09 cuts week 2026-W28 to Mon–Wed; its anti-drowning tally (`sat 09:00`) moves to Thursday 09:00. */
describe("a week cut by the summer holiday", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-07-08T12:00:00+08:00", variant: { edits: CUT_WEEK } });
  });
  afterAll(() => h.close());

  it("sends week 2026-W28's tally on Thursday 09:00, in the summer schedule's first day, once", async () => {
    await h.say("zhang_wei", "防溺水 1180/1200 电话");
    await h.fire("slots", at("2026-07-09T09:00:00"));
    const tallies = () => h.webhook.messages.filter((m) => m.group === "局领导群" && m.content.includes("防溺水提醒统计"));
    expect(tallies()).toHaveLength(1);
    expect(tallies()[0]!.content).toContain("2026年第28周（7月6日—7月8日）");
    expect(tallies()[0]!.content).toContain("应报 28 所 · 已报 1 所");
    await h.fire("slots", at("2026-07-09T09:00:00"));
    expect(tallies()).toHaveLength(1);
  });
});

/**
 * The 端午 week 2026-W25: Friday 06-19 to Sunday 06-21 are off. The roll-up (fri 19:00) goes on
 * Thursday, the week's last working day; the anti-drowning week (every day, deadline fri 17:00)
 * is not over then, so it is named as still open and counts no school as missing.
 */
describe("the roll-up of a week whose Friday is a holiday", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-06-15T08:00:00+08:00" });
  });
  afterAll(() => h.close());

  it("goes on Thursday 06-18 19:00, not on the holiday Friday, and leaves the open anti-drowning week out of the misses", async () => {
    await h.say("zhang_wei", "防溺水 1180/1200 电话");
    await h.fire("weekly", at("2026-06-19T19:00:00"));
    expect(h.webhook.messages).toEqual([]);
    await h.fire("weekly", at("2026-06-18T19:00:00"));
    const weekly = h.webhook.messages.filter((m) => m.group === "局领导群").map((m) => m.content).join("\n");
    expect(weekly).toContain("**第25周汇总**（6月15日—6月21日，截至 6月18日 周四 19:00）");
    expect(weekly).toContain("防溺水提醒 2026年第25周（6月15日—6月21日）截止 6月19日 周五 17:00，尚未截止，不计入本周汇总");
    expect(weekly).toContain("- 城关二小：缺报 5 次（平安日报 4，周学习 1）");
    expect(weekly).not.toMatch(/缺报.*防溺水/u);
    h.webhook.messages.length = 0;
    await h.fire("weekly", at("2026-06-18T19:00:00"));
    expect(h.webhook.messages).toEqual([]);
  });
});

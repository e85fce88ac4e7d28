import { beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../../src/config/schema.js";
import { computeTally } from "../../support/compute-tally.js";
import { formatMissing } from "../../../src/features/leaders/format-missing.js";
import { formatSummary, formatTaskBlock, REPLY_BYTES } from "../../../src/features/leaders/format-summary.js";
import { renderDoc } from "../../../src/features/leaders/fit-doc.js";
import { utf8Bytes } from "../../../src/push/enqueue.js";
import { createRoster, type Roster, type School } from "../../../src/config/roster.js";
import { EMPTY_NODE } from "../../../src/config/roster-tree.js";
import type { Report } from "../../../src/store/report.js";
import type { TaskPeriod, TaskCalendar } from "../../../src/time/task-calendar.js";
import { abnormal, loadExample, makeExemption, makeReport, normal } from "./fixtures.js";

let config: Config;
let roster: Roster;
let periods: TaskCalendar;
let tuesday: TaskPeriod;
beforeAll(async () => {
  ({ config, roster, periods } = await loadExample());
  tuesday = periods.at("safety", new Date("2026-11-24T12:00:00+08:00"))!;
});

/** A province-sized roster: `count` schools with long names in 12 areas, two reporters each. */
function bigRoster(count: number): Roster {
  const schools: School[] = Array.from({ length: count }, (_, i) => ({
    code: `S${String(i).padStart(5, "0")}`,
    name: `某某省某某市某某县第${i}九年一贯制实验学校`,
    shortName: `第${i}实验学校`,
    area: `第${i % 12}片区`,
    stage: "九年一贯制",
    reporters: [`principal_${i}`, `officer_${i}`],
    pupils: 800,
    staff: 60,
    line: i + 2,
  }));
  return createRoster(schools);
}

describe("formatSummary", () => {
  it("puts the numbers first, then abnormal reports, then the missing by area, in short lines", () => {
    const reports = new Map<string, Report>();
    for (const school of roster.schools.slice(0, 20)) reports.set(school.code, makeReport(tuesday, school.code, normal));
    reports.set("CG001", makeReport(tuesday, "CG001", abnormal("一名学生课间摔伤"), { by: "zhang_wei", at: "2026-11-24T00:40:00Z" }));
    reports.set("CG002", makeReport(tuesday, "CG002", normal, { by: "wang_zhiyuan", onBehalf: true, late: true }));
    const exemptions = new Map([["BB006", makeExemption(tuesday, "BB006", "考点")]]);
    const tally = computeTally({ roster, periods: [{ period: tuesday, reports, exemptions }], now: new Date("2026-11-24T10:30:00+08:00") });
    const text = formatSummary({ label: "11月24日（周二）", now: new Date("2026-11-24T10:30:00+08:00"), tallies: [tally], config, node: EMPTY_NODE });
    expect(text.split("\n")).toEqual([
      "**📋 上报汇总 · 11月24日（周二）**",
      "统计于 11月24日 10:30",
      "",
      "**平安日报**（截止 10:00 已过）",
      "应报 27 所 · 已报 20 所（74.1%）",
      "按时 19 · 迟报 1 · 代报 1",
      "未报 7 所 · 免报 1 所",
      "⚠️ **异常 1 条：**",
      "> **平安县城关第一小学**（城关片区）",
      "> 08:40 张伟",
      "> 一名学生课间摔伤",
      "📝 代报：城关二小（王志远 09:00）",
      "**未报（7 所）：**",
      "西部片区：西河小学、西河中学",
      "北部片区：北山小学、北山中学、桃源学校、云台小学、云台中学",
      "免报（1 所）：",
      "北部片区：县四中（考点）",
    ]);
    // Phone-friendly: no table rows, no line longer than a few short phrases.
    expect(text).not.toContain("|");
  });

  it("says a reason every exempt school of an area shares once, after the area, and each school's own otherwise", () => {
    const exemptions = new Map([
      ["BB001", makeExemption(tuesday, "BB001", "暴雪停课")],
      ["BB002", makeExemption(tuesday, "BB002", "暴雪停课")],
      ["XB001", makeExemption(tuesday, "XB001", "考点")],
      ["XB002", makeExemption(tuesday, "XB002", "停电")],
    ]);
    const tally = computeTally({ roster, periods: [{ period: tuesday, reports: new Map(), exemptions }], now: new Date("2026-11-24T10:30:00+08:00") });
    const text = formatSummary({ label: "11月24日（周二）", now: new Date("2026-11-24T10:30:00+08:00"), tallies: [tally], config, node: EMPTY_NODE });
    expect(text).toContain("免报（4 所）：\n西部片区：石门小学（考点）、石门中学（停电）\n北部片区（暴雪停课）：北山小学、北山中学");
  });

  it("stays within 20480 bytes for a province, collapsing the longest area lists to counts with a pointer and keeping every abnormal report", () => {
    const big = bigRoster(4000);
    const reports = new Map<string, Report>();
    for (const school of big.schools.slice(0, 30)) {
      reports.set(school.code, makeReport(tuesday, school.code, abnormal(`第${school.code}号异常：学生在操场摔伤，已送医`)));
    }
    const tally = computeTally({ roster: big, periods: [{ period: tuesday, reports, exemptions: new Map() }] });
    const full = renderDoc(formatTaskBlock(tally, { config, node: EMPTY_NODE }));
    expect(utf8Bytes(full)).toBeGreaterThan(REPLY_BYTES);
    const text = formatSummary({ label: "11月24日（周二）", now: new Date("2026-11-24T10:30:00+08:00"), tallies: [tally], config, node: EMPTY_NODE });
    expect(utf8Bytes(text)).toBeLessThanOrEqual(REPLY_BYTES);
    expect(text).toContain("应报 4000 所 · 已报 30 所（0.8%）");
    expect(text).toContain("未报 3970 所");
    for (const school of big.schools.slice(0, 30)) expect(text).toContain(`第${school.code}号异常：学生在操场摔伤，已送医`);
    const areaLines = text.split("\n").filter((line) => /^第\d+片区：/u.test(line));
    expect(areaLines).toHaveLength(12);
    // Every area had about 330 missing schools: lists that do not fit become a count and the command that lists them.
    const collapsed = areaLines.filter((line) => /^(第\d+片区)：33\d 所（发送“未报 平安 \1”查看）$/u.test(line));
    expect(collapsed.length).toBeGreaterThanOrEqual(10);
    for (const line of areaLines.filter((l) => !collapsed.includes(l))) expect(line.split("、").length).toBeGreaterThan(300);
  });

  it("leaves short lists whole when only the long ones need collapsing", () => {
    const big = bigRoster(1200);
    // Area 0 has all but one school missing; every other area only one.
    const reports = new Map<string, Report>();
    for (const school of big.schools) {
      const areaZero = school.area === "第0片区";
      const firstOfArea = big.schools.find((s) => s.area === school.area) === school;
      if (areaZero ? firstOfArea : !firstOfArea) reports.set(school.code, makeReport(tuesday, school.code, normal));
    }
    const tally = computeTally({ roster: big, periods: [{ period: tuesday, reports, exemptions: new Map() }] });
    const text = formatSummary({ label: "x", now: new Date(), tallies: [tally], config, node: EMPTY_NODE, limit: 2000 });
    expect(utf8Bytes(text)).toBeLessThanOrEqual(2000);
    const lines = text.split("\n");
    expect(lines.find((l) => l.startsWith("第0片区："))).toBe("第0片区：99 所（发送“未报 平安 第0片区”查看）");
    expect(lines.find((l) => l.startsWith("第1片区："))).toBe("第1片区：第1实验学校");
  });
});

describe("formatMissing", () => {
  it("stays within 20480 bytes with one line per school and its reporters", () => {
    const big = bigRoster(2000);
    const tally = computeTally({ roster: big, periods: [{ period: tuesday, reports: new Map(), exemptions: new Map() }] });
    const text = formatMissing([tally], config);
    expect(utf8Bytes(text)).toBeLessThanOrEqual(REPLY_BYTES);
    expect(text).toContain("未报 2000 所（应报 2000 所）");
    expect(text).toContain("第0实验学校 principal_0、officer_0");
    expect(text).toMatch(/\n……另有 1\d\d 所未列出\n/u);
  });
});

describe("a province's lists (the first schools of each area, tallyFromCounts)", () => {
  it("counts each area, names its first schools and says how to list the area in full", () => {
    const big = bigRoster(4000);
    const whole = computeTally({ roster: big, periods: [{ period: tuesday, reports: new Map(), exemptions: new Map() }] });
    // As tallyFromCounts gives it with three named per area.
    const tally = { ...whole, missingByArea: whole.missingByArea.map((g) => ({ ...g, entries: g.entries.slice(0, 3), total: g.entries.length })) };
    const missing = formatMissing([tally], config);
    expect(missing).toContain("**第0片区**（334 所）");
    expect(missing).toContain("……另有 331 所（发送“未报 平安 第0片区”查看全部）");
    const summary = formatSummary({ label: "x", now: new Date(), tallies: [tally], config, node: EMPTY_NODE });
    expect(summary).toContain("第0片区：第0实验学校、第12实验学校、第24实验学校等 334 所（发送“未报 平安 第0片区”查看全部）");
    expect(utf8Bytes(summary)).toBeLessThan(4000);
  });
});

describe("a declared kind's sums", () => {
  it("shows its count fields summed, then per row of a city's summary (each county's), in declared order", () => {
    const checkup: TaskPeriod = { ...tuesday, task: "checkup", taskName: "晨午检" };
    const value = (present: number, sick: number, fever: number) => ({ task: "fields" as const, expected: 100, present, sick, symptoms: { 发热: fever } });
    const reports = new Map<string, Report>([
      ["CG001", makeReport(checkup, "CG001", value(98, 2, 1))],
      ["DB001", makeReport(checkup, "DB001", value(95, 0, 0))],
    ]);
    const row = (codes: readonly string[]) =>
      computeTally({ roster: { schools: roster.schools.filter((s) => codes.includes(s.code)) }, periods: [{ period: checkup, reports, exemptions: new Map() }] });
    const tally = { ...computeTally({ roster, periods: [{ period: checkup, reports, exemptions: new Map() }] }), rows: [{ name: "一县", tally: row(["CG001"]) }, { name: "二县", tally: row(["DB001"]) }] };
    const lines = renderDoc(formatTaskBlock(tally, { config, node: EMPTY_NODE })).split("\n");
    expect(lines).toContain("合计：实到 193/200（96.5%） · 因病缺勤 2 · 症状 发热 1");
    expect(lines.slice(lines.indexOf("**各地合计：**"), lines.indexOf("**各地合计：**") + 3)).toEqual([
      "**各地合计：**",
      "一县：实到 98/100（98.0%） · 因病缺勤 2 · 症状 发热 1",
      "二县：实到 95/100（95.0%） · 因病缺勤 0",
    ]);

    // Nobody's 因病缺勤 (the counts keep no zeros: none given and all 0 read alike): not shown as 0.
    const healthy = new Map([...reports].map(([code, report]) => [code, { ...report, value: { ...report.value, sick: 0 } } as Report]));
    const none = computeTally({ roster, periods: [{ period: checkup, reports: healthy, exemptions: new Map() }] });
    expect(renderDoc(formatTaskBlock(none, { config, node: EMPTY_NODE }))).toContain("合计：实到 193/200（96.5%） · 症状 发热 1\n");
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { computeTally, type PeriodInput } from "../support/compute-tally.js";
import type { Roster } from "../../src/config/roster.js";
import type { Exemption } from "../../src/store/exemptions.js";
import type { Report } from "../../src/store/report.js";
import type { TaskPeriod, TaskCalendar } from "../../src/time/task-calendar.js";
import { abnormal, loadExample, makeExemption, makeReport, normal } from "../features/leaders/fixtures.js";

let roster: Roster;
let periods: TaskCalendar;
beforeAll(async () => {
  ({ roster, periods } = await loadExample());
});

const at = (iso: string) => new Date(iso);
const periodOf = (task: "safety" | "drowning" | "study", iso: string): TaskPeriod => periods.at(task, at(iso))!;

/**
 * Tuesday 2026-11-24, safety (deadline 10:00): 28 schools. Exempt: DB005 (it reported an
 * abnormal anyway) and XB006. Missing: CG004, XB003, BB002. Late: CG002 and BB006 (代报 too).
 * 代报 on time: DB003. Abnormal in force: CG001. CG003 reported an abnormal, then 平安.
 */
function seedTuesday(): PeriodInput {
  const period = periodOf("safety", "2026-11-24T12:00:00+08:00");
  const reports = new Map<string, Report>();
  const skip = new Set(["CG004", "XB003", "BB002", "XB006"]);
  for (const school of roster.schools) {
    if (!skip.has(school.code)) reports.set(school.code, makeReport(period, school.code, normal));
  }
  reports.set("CG001", makeReport(period, "CG001", abnormal("一名学生课间摔伤，已送医"), { by: "zhang_wei", at: "2026-11-24T00:40:00Z" }));
  reports.set("DB005", makeReport(period, "DB005", abnormal("校门口积水"), { by: "he_jun", at: "2026-11-24T00:30:00Z" }));
  reports.set("CG002", makeReport(period, "CG002", normal, { late: true }));
  reports.set("BB006", makeReport(period, "BB006", normal, { late: true, onBehalf: true, by: "wang_zhiyuan" }));
  reports.set("DB003", makeReport(period, "DB003", normal, { onBehalf: true, by: "chen_xiaohong" }));
  const cg003Abnormal = makeReport(period, "CG003", abnormal("厨房燃气泄漏，已疏散"), { at: "2026-11-24T00:50:00Z" });
  const cg003Normal = makeReport(period, "CG003", normal, { at: "2026-11-24T02:20:00Z", msgid: "m-fix" });
  reports.set("CG003", cg003Normal);
  const exemptions = new Map<string, Exemption>([
    ["DB005", makeExemption(period, "DB005", "中考考点")],
    ["XB006", makeExemption(period, "XB006")],
  ]);
  return { period, reports, exemptions, lastAbnormal: new Map([["CG003", cg003Abnormal]]) };
}

describe("computeTally for one day", () => {
  it("counts expected, reported, on time, late, 代报, missing and exempt, each school once", () => {
    const tally = computeTally({ roster, periods: [seedTuesday()], now: at("2026-11-24T10:30:00+08:00") });
    expect(tally).toMatchObject({
      task: "safety",
      taskName: "平安日报",
      expected: 26,
      reported: 23,
      onTime: 21,
      late: 2,
      onBehalf: 2,
      missing: 3,
      exempt: 2,
      notRequired: 0,
      open: false,
    });
    expect(tally.expected + tally.exempt + tally.notRequired).toBe(roster.schools.length);
    expect(tally.reported + tally.missing).toBe(tally.expected);
    expect(tally.rates.reported).toBeCloseTo(23 / 26);
    expect(tally.rates.onTime).toBeCloseTo(21 / 26);
  });

  it("groups missing schools by area in roster order and never lists an exempt school as missing", () => {
    const tally = computeTally({ roster, periods: [seedTuesday()] });
    expect(tally.missingByArea.map((g) => [g.area, g.entries.map((e) => e.school.code)])).toEqual([
      ["城关片区", ["CG004"]],
      ["西部片区", ["XB003"]],
      ["北部片区", ["BB002"]],
    ]);
    expect(tally.exemptByArea.map((g) => [g.area, g.entries.map((e) => [e.school.code, e.reason])])).toEqual([
      ["东部片区", [["DB005", "中考考点"]]],
      ["西部片区", [["XB006", undefined]]],
    ]);
    const missing = tally.missingByArea.flatMap((g) => g.entries.map((e) => e.school.code));
    expect(missing).not.toContain("DB005");
    expect(missing).not.toContain("XB006");
  });

  it("lists every abnormal report in force, oldest first, even an exempt school's, and the corrected one apart", () => {
    const tally = computeTally({ roster, periods: [seedTuesday()] });
    expect(tally.abnormal.map((a) => [a.school.code, a.report.value])).toEqual([
      ["DB005", abnormal("校门口积水")],
      ["CG001", abnormal("一名学生课间摔伤，已送医")],
    ]);
    expect(tally.resolved).toHaveLength(1);
    expect(tally.resolved[0]!.school.code).toBe("CG003");
    expect(tally.resolved[0]!.abnormal.value).toEqual(abnormal("厨房燃气泄漏，已疏散"));
  });

  it("is open before the deadline minute has passed and closed after", () => {
    const input = seedTuesday();
    expect(computeTally({ roster, periods: [input], now: at("2026-11-24T10:00:30+08:00") }).open).toBe(true);
    expect(computeTally({ roster, periods: [input], now: at("2026-11-24T10:01:00+08:00") }).open).toBe(false);
  });

  it("counts every school as not required out of season, with nothing expected or missing", () => {
    const period = periodOf("drowning", "2026-11-24T12:00:00+08:00");
    const tally = computeTally({ roster, periods: [{ period, reports: new Map(), exemptions: new Map() }] });
    expect(tally).toMatchObject({ expected: 0, reported: 0, missing: 0, exempt: 0, notRequired: 28 });
    expect(tally.notRequiredReason).toBe("not_in_season");
    expect(tally.missingByArea).toEqual([]);
    expect(tally.rates.reported).toBeUndefined();
  });
});

describe("computeTally sums", () => {
  it("adds up parents reached over parents to reach for drowning, in season", () => {
    const period = periodOf("drowning", "2026-05-12T12:00:00+08:00");
    expect(period.required).toBe(true);
    const reports = new Map([
      ["CG001", makeReport(period, "CG001", { task: "drowning", reached: 1180, total: 1200, channels: ["电话"] })],
      ["DB001", makeReport(period, "DB001", { task: "drowning", reached: 600, total: 650, channels: [] })],
    ]);
    const tally = computeTally({ roster, periods: [{ period, reports, exemptions: new Map() }] });
    expect(tally.drowning).toEqual({ reached: 1780, total: 1850 });
    expect(tally.rates.drowning).toBeCloseTo(1780 / 1850);
    expect(tally).toMatchObject({ expected: 28, reported: 2, missing: 26 });
  });

  it("adds up staff attended over staff expected for study", () => {
    const period = periodOf("study", "2026-11-24T12:00:00+08:00");
    const reports = new Map([
      ["CG001", makeReport(period, "CG001", { task: "study", attended: 50, expected: 52 })],
      ["CG002", makeReport(period, "CG002", { task: "study", attended: 40, expected: 45, leave: 5 })],
    ]);
    const tally = computeTally({ roster, periods: [{ period, reports, exemptions: new Map() }] });
    expect(tally.study).toEqual({ attended: 90, expected: 97 });
    expect(tally.rates.study).toBeCloseTo(90 / 97);
  });
});

describe("computeTally for a week of a daily task", () => {
  it("counts school-days and how often each school missed or was exempt", () => {
    const monday = periodOf("safety", "2026-11-23T12:00:00+08:00");
    const reports = new Map<string, Report>();
    for (const school of roster.schools) {
      if (school.code !== "CG004" && school.code !== "DB005") reports.set(school.code, makeReport(monday, school.code, normal));
    }
    reports.set("CG002", makeReport(monday, "CG002", normal, { late: true }));
    const mondayInput: PeriodInput = {
      period: monday,
      reports,
      exemptions: new Map([["DB005", makeExemption(monday, "DB005", "中考考点")]]),
    };
    const tally = computeTally({ roster, periods: [mondayInput, seedTuesday()] });
    // Monday: 27 expected, 26 reported (1 late), CG004 missing, DB005 exempt. Tuesday: see seedTuesday.
    expect(tally).toMatchObject({ expected: 53, reported: 49, late: 3, onTime: 46, onBehalf: 2, missing: 4, exempt: 3 });
    expect(tally.periods.map((p) => p.id)).toEqual(["2026-11-23", "2026-11-24"]);
    const missing = tally.missingByArea.flatMap((g) => g.entries.map((e) => [e.school.code, e.count]));
    expect(missing).toEqual([
      ["CG004", 2],
      ["XB003", 1],
      ["BB002", 1],
    ]);
    const exempt = tally.exemptByArea.flatMap((g) => g.entries.map((e) => [e.school.code, e.count]));
    expect(exempt).toEqual([
      ["DB005", 2],
      ["XB006", 1],
    ]);
  });

  it("refuses periods of different tasks", () => {
    const a = { period: periodOf("safety", "2026-11-24T12:00:00+08:00"), reports: new Map(), exemptions: new Map() };
    const b = { period: periodOf("study", "2026-11-24T12:00:00+08:00"), reports: new Map(), exemptions: new Map() };
    expect(() => computeTally({ roster, periods: [a, b] })).toThrow(/different tasks/);
  });
});

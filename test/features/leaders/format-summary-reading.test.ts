import { beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../../src/config/schema.js";
import { createRoster, type Roster, type School } from "../../../src/config/roster.js";
import { EMPTY_NODE } from "../../../src/config/roster-tree.js";
import { formatSummary, formatSummaryReading } from "../../../src/features/leaders/format-summary.js";
import { ON_BEHALF_FIRST, type FirstTallies } from "../../../src/tally/load-tally.js";
import type { TaskTally } from "../../../src/tally/task-tally.js";
import type { Report } from "../../../src/store/report.js";
import type { TaskCalendar, TaskPeriod } from "../../../src/time/task-calendar.js";
import { computeTally } from "../../support/compute-tally.js";
import { abnormal, loadExample, makeReport, normal } from "./fixtures.js";

let config: Config;
let periods: TaskCalendar;
let tuesday: TaskPeriod;
beforeAll(async () => {
  ({ config, periods } = await loadExample());
  tuesday = periods.at("safety", new Date("2026-11-24T12:00:00+08:00"))!;
});

const NOW = new Date("2026-11-24T20:00:00+08:00");

/** `count` schools in 40 areas. */
function province(count: number): Roster {
  const schools: School[] = Array.from({ length: count }, (_, i) => ({
    code: `S${String(i).padStart(5, "0")}`,
    name: `某某县第${i}小学`,
    shortName: `第${i}小学`,
    area: `第${i % 40}片区`,
    stage: "小学",
    reporters: [`principal_${i}`],
    pupils: 800,
    staff: 60,
    line: i + 2,
  }));
  return createRoster(schools);
}

/** A day's tally where every `missingEvery`-th school is missing, every `abnormalEvery`-th abnormal and every `onBehalfEvery`-th entered by a leader. */
function tallyOf(roster: Roster, { missingEvery, abnormalEvery, onBehalfEvery }: { missingEvery: number; abnormalEvery: number; onBehalfEvery: number }): TaskTally {
  const reports = new Map<string, Report>();
  roster.schools.forEach((school, i) => {
    if (i % missingEvery === 0) return;
    const value = i % abnormalEvery === 1 ? abnormal(`第${i}号情况说明，已处置`) : normal;
    const at = new Date(tuesday.deadline.getTime() - (3600 - i) * 1000).toISOString();
    reports.set(school.code, makeReport(tuesday, school.code, value, { at, ...(i % onBehalfEvery === 2 && { by: "zhang_wei", onBehalf: true }) }));
  });
  return computeTally({ roster, periods: [{ period: tuesday, reports, exemptions: new Map() }], now: NOW });
}

/**
 * A reader as tallyKinds answers for a province: asked for its first `first`, each kind's abnormal
 * reports and remarks to that many and its 代报 to ON_BEHALF_FIRST; asked for all, all.
 */
function readerOf(tallies: readonly TaskTally[], share: number) {
  const asked: number[] = [];
  const read = async (first = share): Promise<FirstTallies> => {
    asked.push(first);
    if (!Number.isFinite(first)) return { tallies: [...tallies], first, whole: true, onBehalfWhole: true };
    const cut = tallies.map((tally) => ({ ...tally, abnormal: tally.abnormal.slice(0, first), remarks: tally.remarks.slice(0, first), onBehalfReports: tally.onBehalfReports.slice(0, ON_BEHALF_FIRST) }));
    return { tallies: cut, first, whole: false, onBehalfWhole: tallies.every((tally) => tally.onBehalfReports.length <= ON_BEHALF_FIRST) };
  };
  return { read, asked };
}

describe("汇总 reading each kind's 代报 only to their first", () => {
  const args = () => ({ label: "11月24日（周二）", now: NOW, config, node: EMPTY_NODE });

  it("answers as reading all would, reading no more where the reply collapses every kind's 代报 to its count", async () => {
    const roster = province(6000);
    const tallies = Array.from({ length: 7 }, () => tallyOf(roster, { missingEvery: 21, abnormalEvery: 49, onBehalfEvery: 43 }));
    expect(tallies[0]!.onBehalfReports.length).toBeGreaterThan(ON_BEHALF_FIRST);
    const { read, asked } = readerOf(tallies, 8);
    const reply = await formatSummaryReading(args(), read);
    expect(reply).toBe(formatSummary({ ...args(), tallies }));
    expect(reply).toContain(`📝 代报 ${tallies[0]!.onBehalf} 条`);
    expect(asked).toEqual([8]);
  });

  it("reads them all where the reply has room to name them, and answers as reading all would", async () => {
    const roster = province(3000);
    const tallies = [tallyOf(roster, { missingEvery: 1000, abnormalEvery: 3001, onBehalfEvery: 500 })];
    expect(tallies[0]!.onBehalfReports.length).toBeGreaterThan(ON_BEHALF_FIRST);
    const { read, asked } = readerOf(tallies, 8);
    const reply = await formatSummaryReading(args(), read);
    expect(reply).toBe(formatSummary({ ...args(), tallies }));
    expect(asked).toEqual([8, Number.POSITIVE_INFINITY]);
  });
});

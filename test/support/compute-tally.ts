import type { Roster, School } from "../../src/config/roster.js";
import type { Exemption } from "../../src/store/exemptions.js";
import { countReport, hasRemark, isAbnormal, type Report } from "../../src/store/report.js";
import type { TaskPeriod } from "../../src/time/task-calendar.js";
import type { TallySources } from "../../src/tally/load-tally.js";
import { areaKey } from "../../src/config/roster-tree.js";
import { whyNotOwed, addReportCounts, addSums, nonZeroSums, bumpSchool, countNotOwed, emptyTally, finishTally, groupByArea, isOpenAt, type ResolvedEntry, type SchoolCount, type TaskTally } from "../../src/tally/task-tally.js";

/*
 * The full recount: a tally over every report of each period, walking the whole roster. It is
 * no engine of the service (which tallies from the counts the record script keeps,
 * src/tally/load-tally.ts tallyFromCounts) but the oracle those counts are held equal to
 * (test/store/aggregates.property.test.ts) and that other tests compare with.
 */

/** One period of a task with what is stored for it. */
export interface PeriodInput {
  period: TaskPeriod;
  /** Current reports by school code (`store.list`). */
  reports: ReadonlyMap<string, Report>;
  /** Exemptions in force by school code. */
  exemptions: ReadonlyMap<string, Exemption>;
  /**
   * Each school's latest abnormal report of the period (`store.abnormal`); when given, corrected
   * abnormal reports are listed from it.
   */
  lastAbnormal?: ReadonlyMap<string, Report>;
}

export interface ComputeTallyInput {
  roster: Pick<Roster, "schools">;
  /** Periods of one task, in order; at least one. */
  periods: readonly PeriodInput[];
  /** For `open`; when absent every period counts as closed. */
  now?: Date;
}

/** Tallies one task over its periods. Pure: same input, same tally. */
export function computeTally({ roster, periods, now }: ComputeTallyInput): TaskTally {
  const first = periods[0];
  if (!first) throw new Error("computeTally needs at least one period");
  const task = first.period.task;
  if (periods.some((p) => p.period.task !== task)) throw new Error("computeTally: periods of different tasks");

  const tally = emptyTally(task, periods.map((p) => p.period));
  const missing = new Map<School, SchoolCount>();
  const exempt = new Map<School, SchoolCount>();
  const drowning = { reached: 0, total: 0 };
  const study = { attended: 0, expected: 0 };
  const sumsByArea = new Map<string, Record<string, number>>();

  for (const { period, reports, exemptions, lastAbnormal } of periods) {
    // Abnormal reports are shown whatever the school's standing: the leaders must see them.
    for (const school of roster.schools) {
      const report = reports.get(school.code);
      if (isAbnormal(report)) tally.abnormal.push({ school, report: report! });
      if (hasRemark(report)) tally.remarks.push({ school, report: report! });
    }
    if (lastAbnormal) tally.resolved.push(...findResolved(roster.schools, reports, lastAbnormal));

    if (period.required && isOpenAt(period, now)) tally.open = true;
    for (const school of roster.schools) {
      const why = whyNotOwed(period, school);
      if (why) {
        countNotOwed(tally, why, 1);
        continue;
      }
      const exemption = exemptions.get(school.code);
      if (exemption) {
        tally.exempt += 1;
        bumpSchool(exempt, school, exemption.reason);
        continue;
      }
      tally.expected += 1;
      const report = reports.get(school.code);
      if (!report) {
        tally.missing += 1;
        bumpSchool(missing, school);
        continue;
      }
      const counts = countReport(report);
      addReportCounts(tally, drowning, study, counts);
      addSums((sumsByArea.get(areaKey(school)) ?? sumsByArea.set(areaKey(school), {}).get(areaKey(school)))!, counts.sums);
      if (counts.onBehalf) tally.onBehalfReports.push({ school, report });
    }
  }

  tally.missingByArea = groupByArea(roster.schools, missing);
  const byArea = [...new Set(roster.schools.map(areaKey))].flatMap((key) => {
    const sums = nonZeroSums(sumsByArea.get(key));
    return sums ? [{ key, sums }] : [];
  });
  if (byArea.length > 0) tally.sumsByArea = byArea;
  tally.exemptByArea = groupByArea(roster.schools, exempt);
  tally.abnormalTotal = tally.abnormal.length;
  tally.remarkTotal = tally.remarks.length;
  return finishTally(tally, drowning, study);
}


/** Schools whose report in force is 无异常 but that reported an abnormal earlier in the period. */
function findResolved(
  schools: readonly School[],
  reports: ReadonlyMap<string, Report>,
  lastAbnormal: ReadonlyMap<string, Report>,
): ResolvedEntry[] {
  const resolved: ResolvedEntry[] = [];
  for (const school of schools) {
    const report = reports.get(school.code);
    if (report?.value.task !== "safety" || isAbnormal(report)) continue;
    const abnormal = lastAbnormal.get(school.code);
    if (abnormal) resolved.push({ school, abnormal, report });
  }
  return resolved;
}

/** Reads every report, exemption (and, for safety, each school's latest abnormal report) of each period. */
export function loadPeriodInputs(sources: TallySources, periods: readonly TaskPeriod[]): Promise<PeriodInput[]> {
  return Promise.all(
    periods.map(async (period) => {
      const [reports, exemptions, lastAbnormal] = await Promise.all([
        sources.store.list(period.task, period.id),
        sources.exemptions.list(period.task, period.id),
        period.task === "safety" ? sources.store.abnormal(period.task, period.id) : undefined,
      ]);
      return { period, reports, exemptions, ...(lastAbnormal && { lastAbnormal }) };
    }),
  );
}

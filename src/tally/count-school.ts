import type { School } from "../config/roster.js";
import { areaKey } from "../config/roster-tree.js";
import type { Exemption } from "../store/exemptions.js";
import type { PeriodAggregate } from "../store/period-aggregate.js";
import { countReport, hasRemark, isAbnormal, zeroCounts, type Report } from "../store/report.js";
import type { TaskPeriod } from "../time/task-calendar.js";
import type { CountedPeriod } from "./load-tally.js";

/**
 * One school's period as counts (what its report in force adds, as the record script counts
 * it), so that a tally of that school alone goes through tallyFromCounts like every other: the
 * board's rows and the roll-up's school lines, from the reports of the schools they show (or,
 * where a line shows no figure of the report, from the bit that says it has one).
 */
export function countSchool(
  period: TaskPeriod,
  school: School,
  report: Report | "reported" | undefined,
  exemptions: ReadonlyMap<string, Exemption>,
): CountedPeriod {
  // "reported": known only by the school's bit (the roll-up's line of a kind it shows no figure of).
  const inForce = report === "reported" ? undefined : report;
  const counts = report === "reported" ? { ...zeroCounts(), reported: 1 } : report && countReport(report);
  const listed = (included: boolean) => (inForce && included ? [inForce] : []);
  const aggregate: PeriodAggregate = {
    byArea: new Map(counts ? [[areaKey(school), counts]] : []),
    isReportedAt: (number) => number === 0 && report !== undefined,
    reportedByte: (byte) => (byte === 0 && report !== undefined ? 0x80 : 0),
    numbersOf: (schools) => Int32Array.from(schools, (s) => (s.code === school.code ? 0 : -1)),
    abnormal: listed(isAbnormal(inForce)),
    onBehalf: listed(inForce?.onBehalf === true),
    remarked: listed(hasRemark(inForce)),
    resolved: [],
    counted: new Map(counts ? [[school.code, { area: areaKey(school), counts }]] : []),
  };
  const exemption = exemptions.get(school.code);
  return { period, aggregate, exemptions: new Map(exemption ? [[school.code, exemption]] : []) };
}

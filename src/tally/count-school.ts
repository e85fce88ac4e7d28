import type { School } from "../config/roster.js";
import { areaKey } from "../config/roster-tree.js";
import type { Exemption } from "../store/exemptions.js";
import type { PeriodAggregate } from "../store/period-aggregate.js";
import { hasRemark, isAbnormal, type Report } from "../store/report.js";
import { countReport } from "../store/report-counts.js";
import type { TaskPeriod } from "../time/task-calendar.js";
import type { CountedPeriod } from "./tally-from-counts.js";

/**
 * One school's period as counts (what its report in force adds, as the record script counts
 * it), so that a tally of that school alone goes through tallyFromCounts like every other: the
 * board's rows and the roll-up's school lines, from the reports of the schools they show.
 */
export function countSchool(
  period: TaskPeriod,
  school: School,
  report: Report | undefined,
  exemptions: ReadonlyMap<string, Exemption>,
): CountedPeriod {
  const counts = report && countReport(report);
  const listed = (included: boolean) => (report && included ? [report] : []);
  const aggregate: PeriodAggregate = {
    byArea: new Map(counts ? [[areaKey(school), counts]] : []),
    isReportedAt: (number) => number === 0 && report !== undefined,
    numbersOf: (schools) => Int32Array.from(schools, (s) => (s.code === school.code ? 0 : -1)),
    abnormal: listed(isAbnormal(report)),
    onBehalf: listed(report?.onBehalf === true),
    remarked: listed(hasRemark(report)),
    resolved: [],
    counted: new Map(counts ? [[school.code, { area: areaKey(school), counts }]] : []),
  };
  const exemption = exemptions.get(school.code);
  return { period, aggregate, exemptions: new Map(exemption ? [[school.code, exemption]] : []) };
}

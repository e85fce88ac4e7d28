import { getIsoWeek, getWeekEnd, getWeekStart, toLocalDate } from "../src/time/local-time.js";
import type { TaskId } from "../src/config/schema.js";
import { loadCountedPeriods, loadReported, summaryListing, summaryUnits } from "../src/tally/load-tally.js";
import { defaultListing } from "../src/tally/task-tally.js";
import type { Push } from "../src/message/push.js";
import type { TaskPeriod } from "../src/time/task-calendar.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";
import { groupsByScope, leadersGroupsOf, leadersPushKey } from "../src/config/scope.js";
import type { RosterNode } from "../src/config/roster-tree.js";
import { CHARTS_AT_ONCE, mapBounded } from "./map-bounded.js";
import { isWorkingTime } from "../src/time/due.js";
import { computeWeekly, computeWeeklyRows, showsSchoolFigures, type WeekPeriod } from "../src/features/tallies/compute-weekly.js";
import { formatWeekly } from "../src/features/tallies/format-weekly.js";
import { weekChartFromCounts } from "../src/features/tallies/build-week-chart.js";
import { formatMissingHolidayYear } from "../src/time/holiday-coverage.js";

/**
 * The weekly roll-up to the leaders: for the ISO week of `at`, the periods of every task from
 * Monday up to that day whose deadline has passed, per school and for the county (above a
 * county, per county or city: computeWeeklyRows); one push per week to each leaders group
 * (leadersGroupsOf `weekly.group`), each of its own node, built once per node (the scheduler
 * sends it when decideRollup says, `pingan run weekly` whenever asked). It ends with a line
 * for the admin when a year's holiday notice is due but not imported, and carries the chart of
 * the daily task's week, drawn from the periods it read.
 */
export async function runWeeklyRollup(deps: JobDeps, at: Date, options: JobRunOptions = {}): Promise<JobOutcome> {
  const week = getIsoWeek(toLocalDate(at, deps.config.timezone));
  const job = `weekly:${week}`;
  if (!isWorkingTime(deps.config, at)) return { job, pushed: [], skipped: "quiet_hours" };
  const scopes = groupsByScope(deps.roster, deps.config, leadersGroupsOf(deps.config, deps.config.weekly.group));
  const built = await mapBounded(scopes, CHARTS_AT_ONCE, ({ roster }) => buildRollup({ ...deps, roster }, at));
  const pushes = scopes.flatMap(({ groups }, i) => groups.map((group): Push => ({ ...built[i]!, idempotencyKey: leadersPushKey(job, group, deps.config.weekly.group), group })));
  for (const push of pushes) {
    if (options.dryRun) options.show?.(push);
    else await deps.push.enqueue(push);
  }
  return { job, pushed: pushes.map((push) => push.idempotencyKey) };
}

/** The roll-up of `deps.roster` (a group's node): its message and chart. */
async function buildRollup(deps: JobDeps, at: Date): Promise<Omit<Push, "idempotencyKey" | "group">> {
  const today = toLocalDate(at, deps.config.timezone);
  const week = getIsoWeek(today);
  const start = getWeekStart(week);
  // Above a county, by its rows' own totals (load-tally.ts); its schools are their counties' to list.
  const units = summaryUnits(deps.roster, summaryListing(deps.roster));
  const inputs = new Map<TaskId, WeekPeriod[]>();
  const open: TaskPeriod[] = [];
  for (const task of deps.calendar.tasks) {
    // A period counts once its deadline has passed. A week still open (the roll-up moved to
    // Thursday before a holiday Friday, an every-day task's deadline on that Friday) counts no
    // school as missing: it is named as open, and its own tally follows at its time.
    // A month is rolled up in the week its deadline falls in, once, not in each of its weeks.
    const periods = deps.calendar.list(task, start, today).filter((p) => p.kind !== "month" || (p.due >= start && p.due <= getWeekEnd(week)));
    const due = (p: TaskPeriod) => p.deadline.getTime() <= at.getTime();
    inputs.set(task, await loadWeekPeriods(deps, periods.filter((p) => due(p) || (p.kind !== "day" && !p.required)), units));
    open.push(...periods.filter((p) => p.kind !== "day" && p.required && !due(p)));
  }
  const rollup = units ? computeWeeklyRows(deps.roster, inputs, units) : computeWeekly(deps.roster, inputs);
  const adminNotes = deps.calendar.missingHolidayYears(at).map(formatMissingHolidayYear);
  const message = formatWeekly({ rollup, week, start, end: getWeekEnd(week), asOf: at, open, config: deps.config, node: deps.roster.node, adminNotes });
  const daily = [...inputs.values()].find((periods) => periods.some((input) => input.counted.period.kind === "day"));
  const chart = daily && deps.chart ? weekChartFromCounts(deps.roster, daily.map((input) => input.counted), units) : undefined;
  const image = chart ? await deps.chart?.draw(chart) : undefined;
  return { message, ...(image && { image }) };
}

/**
 * A task's periods of the week: their counts (with the abnormal reports, 代报 and remarks a block
 * shows) and, for a task whose school lines show its figures (showsSchoolFigures: a weekly one),
 * the reports in force of the schools the counts mark as reported; a daily task's lines come from
 * the counts' bitmap; above a county (`units`), its rows' totals alone. Never a period's whole log.
 */
async function loadWeekPeriods(deps: JobDeps, periods: readonly TaskPeriod[], units: readonly RosterNode[] | undefined): Promise<WeekPeriod[]> {
  const counted = await loadCountedPeriods(deps, periods, units ? summaryListing(deps.roster) : defaultListing(deps.roster), units);
  return Promise.all(
    counted.map(async (input) => (!units && showsSchoolFigures(input.period.task) ? { counted: input, reports: await loadReported(deps, input) } : { counted: input })),
  );
}

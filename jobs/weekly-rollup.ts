import { getIsoWeek, getWeekEnd, getWeekStart, toLocalDate } from "../src/time/local-time.js";
import type { TaskId } from "../src/config/schema.js";
import { loadCountedPeriods, loadReported } from "../src/tally/load-tally.js";
import { defaultListing } from "../src/tally/listing.js";
import type { Push } from "../src/push/push.js";
import type { TaskPeriod } from "../src/time/task-calendar.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";
import { rosterOfGroup } from "../src/config/scope.js";
import { isWorkingTime } from "../src/time/due.js";
import { computeWeekly, showsSchoolFigures, type WeekPeriod } from "../src/features/tallies/compute-weekly.js";
import { formatWeekly } from "../src/features/tallies/format-weekly.js";
import { weekChartFromCounts } from "../src/features/tallies/build-week-chart.js";
import { formatMissingHolidayYear } from "../src/time/holiday-coverage.js";

/**
 * The weekly roll-up to the leaders: for the ISO week of `at`, the periods of every task from
 * Monday up to that day whose deadline has passed, per school and for the county; one push per
 * week (the scheduler sends it when decideRollup says, `pingan run weekly` whenever asked). It ends with a line
 * for the admin when a year's holiday notice is due but not imported, and carries the chart of
 * the daily task's week, drawn from the periods it read.
 */
export async function runWeeklyRollup(all: JobDeps, at: Date, options: JobRunOptions = {}): Promise<JobOutcome> {
  // The roll-up speaks of its group's node only.
  const deps = { ...all, roster: rosterOfGroup(all.roster, all.config, all.config.weekly.group) };
  const today = toLocalDate(at, deps.config.timezone);
  const week = getIsoWeek(today);
  const job = `weekly:${week}`;
  if (!isWorkingTime(deps.config, at)) return { job, pushed: [], skipped: "quiet_hours" };
  const start = getWeekStart(week);
  const inputs = new Map<TaskId, WeekPeriod[]>();
  const open: TaskPeriod[] = [];
  for (const task of deps.calendar.tasks) {
    // A period counts once its deadline has passed. A week still open (the roll-up moved to
    // Thursday before a holiday Friday, an every-day task's deadline on that Friday) counts no
    // school as missing: it is named as open, and its own tally follows at its time.
    // A month is rolled up in the week its deadline falls in, once, not in each of its weeks.
    const periods = deps.calendar.list(task, start, today).filter((p) => p.kind !== "month" || (p.due >= start && p.due <= getWeekEnd(week)));
    const due = (p: TaskPeriod) => p.deadline.getTime() <= at.getTime();
    inputs.set(task, await loadWeekPeriods(deps, periods.filter((p) => due(p) || (p.kind !== "day" && !p.required))));
    open.push(...periods.filter((p) => p.kind !== "day" && p.required && !due(p)));
  }
  const rollup = computeWeekly(deps.roster, inputs);
  const adminNotes = deps.calendar.missingHolidayYears(at).map(formatMissingHolidayYear);
  const message = formatWeekly({ rollup, week, start, end: getWeekEnd(week), asOf: at, open, config: deps.config, node: deps.roster.node, adminNotes });
  const daily = [...inputs.values()].find((periods) => periods.some((input) => input.counted.period.kind === "day"));
  const chart = daily && deps.chart ? weekChartFromCounts(deps.roster, daily.map((input) => input.counted)) : undefined;
  const image = chart ? await deps.chart?.draw(chart) : undefined;
  const push: Push = { idempotencyKey: job, group: deps.config.weekly.group, message, ...(image && { image }) };
  if (options.dryRun) options.show?.(push);
  else await deps.push.enqueue(push);
  return { job, pushed: [push.idempotencyKey] };
}

/**
 * A task's periods of the week: their counts (with the abnormal reports, 代报 and remarks a block
 * shows) and, for a task whose school lines show its figures (showsSchoolFigures: a weekly one),
 * the reports in force of the schools the counts mark as reported; a daily task's lines come from
 * the counts' bitmap. Never a period's whole log.
 */
async function loadWeekPeriods(deps: JobDeps, periods: readonly TaskPeriod[]): Promise<WeekPeriod[]> {
  const counted = await loadCountedPeriods(deps, periods, defaultListing(deps.roster));
  return Promise.all(
    counted.map(async (input) => (showsSchoolFigures(input.period.task) ? { counted: input, reports: await loadReported(deps, input) } : { counted: input })),
  );
}

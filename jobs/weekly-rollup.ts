import { getIsoWeek, getWeekEnd, getWeekStart, toLocalDate } from "../src/time/local-time.js";
import type { TaskId } from "../src/config/schema.js";
import { computeTally, type PeriodInput } from "../src/features/leaders/compute-summary.js";
import { loadPeriodInputs } from "../src/features/leaders/load-tally.js";
import type { Push } from "../src/push/push.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";
import { isWorkingTime } from "../src/time/due.js";
import { computeWeekly } from "../src/features/tallies/compute-weekly.js";
import { formatWeekly } from "../src/features/tallies/format-weekly.js";
import { buildWeekChart } from "../src/features/tallies/build-week-chart.js";
import { formatMissingHolidayYear } from "../src/time/holiday-coverage.js";

/**
 * The weekly roll-up to the leaders: for the ISO week of `at`, the periods of every task from
 * Monday up to that day, per school and for the county; one push per week. It ends with a line
 * for the admin when a year's holiday notice is due but not imported, and carries the chart of
 * the daily task's week, drawn from the periods it read.
 */
export async function runWeeklyRollup(deps: JobDeps, at: Date, options: JobRunOptions = {}): Promise<JobOutcome> {
  const today = toLocalDate(at, deps.config.timezone);
  const week = getIsoWeek(today);
  const job = `weekly:${week}`;
  if (!isWorkingTime(deps.config, at)) return { job, pushed: [], skipped: "quiet_hours" };
  const start = getWeekStart(week);
  const inputs = new Map<TaskId, PeriodInput[]>();
  for (const task of deps.calendar.tasks) {
    // A daily period counts once its deadline has passed; a weekly one is the week itself.
    const periods = deps.calendar.list(task, start, today).filter((p) => p.kind === "week" || p.deadline.getTime() <= at.getTime());
    inputs.set(task, await loadPeriodInputs(deps, periods));
  }
  const rollup = computeWeekly(deps.roster, inputs);
  const adminNotes = deps.calendar.missingHolidayYears(at).map(formatMissingHolidayYear);
  const message = formatWeekly({ rollup, week, start, end: getWeekEnd(week), asOf: at, config: deps.config, adminNotes });
  const daily = [...inputs.values()].find((periods) => periods.some((input) => input.period.kind === "day"));
  const chart = daily && deps.chart ? buildWeekChart(deps.roster, daily, (schools, periods) => computeTally({ roster: { schools }, periods })) : undefined;
  const image = chart ? await deps.chart?.draw(chart) : undefined;
  const push: Push = { idempotencyKey: job, group: deps.config.weekly.group, message, ...(image && { image }) };
  if (options.dryRun) options.show?.(push);
  else await deps.push.enqueue(push);
  return { job, pushed: [push.idempotencyKey] };
}

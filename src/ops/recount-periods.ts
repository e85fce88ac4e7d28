import type { TaskPeriod, TaskCalendar } from "../time/task-calendar.js";
import { recountAggregate, type RecountOutcome } from "../store/recount-aggregate.js";
import { recountPeriodInPlace } from "../store/recount-period.js";
import type { School } from "../config/roster.js";
import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import type { ReportStore } from "../store/reports.js";
import type { SchoolPlaces } from "../store/school-numbers.js";

export interface RecountDeps {
  redis: RedisClient;
  keys: Keys;
  places: SchoolPlaces;
  reports: ReportStore;
  calendar: Pick<TaskCalendar, "tasks" | "list">;
}

/**
 * Recounts every task's periods from `from` to `to` (local dates) from their reports in force,
 * and with `repair` rewrites the counts that differ. `onDiffer` hears of each period that did.
 * The one loop behind `pingan verify-aggregates` and the recount after a roster change.
 */
export async function recountPeriods(
  deps: RecountDeps,
  { from, to, repair, onDiffer }: { from: string; to: string; repair: boolean; onDiffer?: (period: TaskPeriod, outcome: RecountOutcome) => void },
): Promise<{ periods: number; differing: number }> {
  let periods = 0;
  let differing = 0;
  for (const task of deps.calendar.tasks) {
    for (const period of deps.calendar.list(task, from, to)) {
      periods += 1;
      const outcome = await recountAggregate(deps, task, period.id, { repair });
      if (outcome.differences.length === 0) continue;
      differing += 1;
      onDiffer?.(period, outcome);
    }
  }
  return { periods, differing };
}

/**
 * Recounts every task's periods from `from` to `to` under `schools`, each in one step in Redis
 * (recountPeriodInPlace), so that check-ins meanwhile are neither lost nor counted twice; a
 * reduced period, which takes no more reports, is recounted from its reports and repaired.
 * What the recount after a roster change runs.
 */
export async function recountPeriodsInPlace(
  deps: RecountDeps & { schools: readonly School[] },
  { from, to }: { from: string; to: string },
): Promise<{ periods: number; reports: number; reduced: number }> {
  let periods = 0;
  let reports = 0;
  let reduced = 0;
  for (const task of deps.calendar.tasks) {
    for (const period of deps.calendar.list(task, from, to)) {
      periods += 1;
      const counted = await recountPeriodInPlace(deps, deps.schools, task, period.id);
      if (counted !== "reduced") {
        reports += counted;
        continue;
      }
      reduced += 1;
      reports += (await recountAggregate(deps, task, period.id, { repair: true })).reports;
    }
  }
  return { periods, reports, reduced };
}

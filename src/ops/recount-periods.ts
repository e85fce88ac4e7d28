import type { TaskPeriod, TaskCalendar } from "../time/task-calendar.js";
import { recountAggregate, type RecountOutcome } from "../store/recount-aggregate.js";
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

import { listDates, toInstant, toLocalDate, type LocalDate } from "../calendar/local-time.js";
import type { TaskId } from "../config/schema.js";
import type { TaskPeriod, TaskPeriods } from "../tasks/task-periods.js";

/**
 * The periods of a task that overlap `from`..`to` (inclusive), in order, leaving out those
 * that start after `now`'s local date (nothing can be owed for them yet).
 */
export function listLedgerPeriods(
  periods: Pick<TaskPeriods, "at">,
  task: TaskId,
  { from, to, timeZone, now }: { from: LocalDate; to: LocalDate; timeZone: string; now?: Date },
): TaskPeriod[] {
  const today = now && toLocalDate(now, timeZone);
  const found = new Map<string, TaskPeriod>();
  for (const date of listDates(from, to)) {
    if (today && date > today) break;
    // Noon is inside the local date in every zone, daylight saving or not.
    const period = periods.at(task, toInstant(date, "12:00", timeZone));
    if (period && !found.has(period.id)) found.set(period.id, period);
  }
  return [...found.values()];
}

import { toLocalDate, type LocalDate } from "../../time/local-time.js";
import type { TaskId } from "../../config/schema.js";
import type { TaskCalendar, TaskPeriod } from "../../time/task-calendar.js";

/**
 * The periods of a task that overlap `from`..`to` (inclusive), in order, leaving out those
 * that start after `now`'s local date (nothing can be owed for them yet).
 */
export function listLedgerPeriods(
  calendar: Pick<TaskCalendar, "list">,
  task: TaskId,
  { from, to, timeZone, now }: { from: LocalDate; to: LocalDate; timeZone: string; now?: Date },
): TaskPeriod[] {
  const today = now && toLocalDate(now, timeZone);
  const last = today && today < to ? today : to;
  return last < from ? [] : calendar.list(task, from, last);
}

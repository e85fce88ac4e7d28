import { listDates, toInstant, type LocalDate } from "../calendar/local-time.js";
import type { TaskId } from "../config/schema.js";
import type { TaskPeriod, TaskPeriods } from "../tasks/task-periods.js";

/** The periods of a task that overlap `start`…`end` (inclusive), in order; [] when the task is off. */
export function listTaskPeriods(
  periods: Pick<TaskPeriods, "at">,
  task: TaskId,
  { start, end }: { start: LocalDate; end: LocalDate },
  zone: string,
): TaskPeriod[] {
  const found = new Map<string, TaskPeriod>();
  for (const date of listDates(start, end)) {
    // Noon: the period look-up goes by the local date, and noon is inside it in every zone.
    const period = periods.at(task, toInstant(date, "12:00", zone));
    if (period && !found.has(period.id)) found.set(period.id, period);
  }
  return [...found.values()];
}

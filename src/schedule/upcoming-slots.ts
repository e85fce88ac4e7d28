import { addDays, toLocalDate } from "../calendar/local-time.js";
import type { SchoolCalendar } from "../calendar/school-calendar.js";
import type { Config, TaskId } from "../config/schema.js";
import type { Periods } from "../periods.js";
import type { TaskPeriods } from "../tasks/task-periods.js";
import { isWorkingTime } from "./working-hours.js";

/** A reminder or tally that the scheduler will act on. */
export interface UpcomingSlot {
  at: Date;
  task: TaskId;
  kind: "reminder" | "tally";
  periodId: string;
}

/**
 * The reminders and tallies from `from` for `days` days, exactly as the slot job will decide
 * them: required periods only, on days the task runs, inside working hours.
 */
export function listUpcomingSlots(
  config: Config,
  periods: TaskPeriods & { calendar: SchoolCalendar; periods: Periods },
  from: Date,
  days: number,
): UpcomingSlot[] {
  const zone = config.timezone;
  const first = toLocalDate(from, zone);
  const last = addDays(first, days - 1);
  const seen = new Map<string, UpcomingSlot>();
  for (const task of periods.tasks) {
    for (const period of periods.periods.listPeriods(task, first, last)) {
      if (!period.required) continue;
      for (const slot of periods.periods.listSlots(period)) {
        if (slot.kind === "deadline" || slot.at < from) continue;
        const date = toLocalDate(slot.at, zone);
        if (date > last || !periods.calendar.runsOn(config.tasks[task]!.days, date) || !isWorkingTime(config, slot.at)) continue;
        seen.set(`${task}:${slot.kind}:${slot.at.getTime()}`, { at: slot.at, task, kind: slot.kind, periodId: period.id });
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.at.getTime() - b.at.getTime() || a.task.localeCompare(b.task));
}

import type { Config, TaskId } from "../config/schema.js";
import { addDays, toLocalDate, toLocalTime } from "./local-time.js";
import type { NotRequiredReason, Slot } from "./periods.js";
import type { TaskCalendar, TaskPeriod } from "./task-calendar.js";

/** Why a slot that falls at an instant does nothing. */
export type SkipReason = NotRequiredReason | "quiet_hours";

/** A reminder or tally slot of a task's period, and whether it acts. */
export interface SlotDecision {
  task: TaskId;
  period: TaskPeriod;
  slot: Slot & { kind: "reminder" | "tally" };
  /** Set when the slot does nothing. */
  skipped?: SkipReason;
}

/** Whether a scheduled push may go out at this instant (inside the configured working hours). */
export function isWorkingTime(config: Pick<Config, "working_hours" | "timezone">, at: Date): boolean {
  const time = toLocalTime(at, config.timezone);
  return config.working_hours.start <= time && time <= config.working_hours.end;
}

/**
 * The one answer to "what is due at this instant": every reminder and tally slot of every
 * enabled task that falls exactly at `at`, each skipped with its reason when it must not act
 * (quiet hours, a period nobody owes). Where a slot falls is the periods' business alone (the
 * running-day rule moves a week's slots off the days the task does not run), so a required
 * period's slot acts wherever the periods put it. The slot job, `pingan schedule` and the
 * config checks all ask this.
 */
export function decideSlotsAt(calendar: TaskCalendar, config: Pick<Config, "working_hours" | "timezone">, at: Date): SlotDecision[] {
  const working = isWorkingTime(config, at);
  const decisions: SlotDecision[] = [];
  for (const task of calendar.tasks) {
    const period = calendar.at(task, at)!;
    for (const slot of calendar.slots(period)) {
      if (slot.kind === "deadline" || slot.at.getTime() !== at.getTime()) continue;
      const skipped: SkipReason | undefined = !working
        ? "quiet_hours"
        : !period.required
          ? (period.reason ?? "not_running_day")
          : undefined;
      decisions.push({ task, period, slot: slot as SlotDecision["slot"], ...(skipped && { skipped }) });
    }
  }
  return decisions;
}

/**
 * The reminders and tallies that will act from `from` for `days` days, in time order: each
 * slot instant of those days, decided by decideSlotsAt exactly as the slot job will decide it.
 */
export function listUpcomingSlots(
  calendar: TaskCalendar,
  config: Pick<Config, "working_hours" | "timezone">,
  from: Date,
  days: number,
): SlotDecision[] {
  const first = toLocalDate(from, config.timezone);
  const last = addDays(first, days - 1);
  const instants = new Set<number>();
  for (const task of calendar.tasks) {
    for (const period of calendar.list(task, first, last)) {
      for (const slot of calendar.slots(period)) {
        if (slot.kind !== "deadline" && slot.at >= from && toLocalDate(slot.at, config.timezone) <= last) instants.add(slot.at.getTime());
      }
    }
  }
  return [...instants]
    .sort((a, b) => a - b)
    .flatMap((t) => decideSlotsAt(calendar, config, new Date(t)))
    .filter((decision) => !decision.skipped);
}

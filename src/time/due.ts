import type { Config, TaskId } from "../config/schema.js";
import { addDays, listDates, toLocalDate, toLocalTime, type LocalDate } from "./local-time.js";
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
 * How many days after its period's last day a slot can fall. A week's tally keeps its distance
 * from a deadline the calendar moved (periods.ts: a week cut by the summer holiday, a deadline
 * moved to the first running day after it), and a tally comes at most six days after its
 * deadline (both are times of one ISO week); every other slot lies inside its period.
 */
const SLOT_REACH_DAYS = 6;

/**
 * Every reminder and tally slot that falls on a local date, in time order, each skipped with its
 * reason when it must not act (quiet hours, a period nobody owes). A slot belongs to its own
 * period wherever the calendar put it: a week's tally moved past the week's end (into the first
 * days of the summer schedule, or into the next week) is that week's, not the period in force
 * on the day it falls on.
 */
function decideSlotsOn(calendar: TaskCalendar, config: Pick<Config, "working_hours" | "timezone">, date: LocalDate): SlotDecision[] {
  const decisions: SlotDecision[] = [];
  for (const task of calendar.tasks) {
    for (const period of calendar.list(task, addDays(date, -SLOT_REACH_DAYS), date)) {
      for (const slot of calendar.slots(period)) {
        if (slot.kind === "deadline" || toLocalDate(slot.at, config.timezone) !== date) continue;
        const skipped: SkipReason | undefined = !isWorkingTime(config, slot.at)
          ? "quiet_hours"
          : !period.required
            ? (period.reason ?? "not_running_day")
            : undefined;
        decisions.push({ task, period, slot: slot as SlotDecision["slot"], ...(skipped && { skipped }) });
      }
    }
  }
  return decisions.sort((a, b) => a.slot.at.getTime() - b.slot.at.getTime());
}

/**
 * The one answer to "what is due at this instant": every reminder and tally slot of every
 * enabled task that falls exactly at `at`, decided as decideSlotsOn does. The slot job and
 * `pingan schedule` (listUpcomingSlots) both ask this, so they cannot disagree.
 */
export function decideSlotsAt(calendar: TaskCalendar, config: Pick<Config, "working_hours" | "timezone">, at: Date): SlotDecision[] {
  return decideSlotsOn(calendar, config, toLocalDate(at, config.timezone)).filter((decision) => decision.slot.at.getTime() === at.getTime());
}

/**
 * The reminders and tallies that will act from `from` for `days` days, in time order: each
 * day's slots decided exactly as the slot job will decide them.
 */
export function listUpcomingSlots(
  calendar: TaskCalendar,
  config: Pick<Config, "working_hours" | "timezone">,
  from: Date,
  days: number,
): SlotDecision[] {
  const first = toLocalDate(from, config.timezone);
  return listDates(first, addDays(first, days - 1))
    .flatMap((date) => decideSlotsOn(calendar, config, date))
    .filter((decision) => !decision.skipped && decision.slot.at >= from);
}

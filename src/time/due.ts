import type { Config, TaskId } from "../config/schema.js";
import { addDays, findDayOnOrBefore, formatDeadline, getIsoWeek, getWeekStart, listDates, toInstant, toLocalDate, toLocalTime, type IsoWeekId, type LocalDate } from "./local-time.js";
import type { NotRequiredReason, Slot } from "./periods.js";
import { parseSlot } from "./slots.js";
import { whyNotRequired, type TaskCalendar, type TaskPeriod } from "./task-calendar.js";

/** Every push the scheduler makes: a task's reminder or tally, the weekly roll-up, the daily 补报 note. */
export type PushKind = "reminder" | "tally" | "weekly" | "late-note";

/** Why a push that falls at an instant does nothing. */
export type SkipReason = NotRequiredReason | "quiet_hours" | "no_working_day";

/** What decides when each push goes: the working hours, the zone, the roll-up's and the 补报 note's times. */
export type DueConfig = Pick<Config, "working_hours" | "timezone" | "weekly" | "late_note">;

interface Decision {
  kind: PushKind;
  /** When it goes. */
  at: Date;
  /** Set when it does nothing. */
  skipped?: SkipReason;
}

/** A reminder or tally slot of a task's period. */
export interface TaskSlotDecision extends Decision {
  kind: "reminder" | "tally";
  task: TaskId;
  period: TaskPeriod;
  slot: Slot & { kind: "reminder" | "tally" };
}

/** The weekly roll-up of an ISO week. */
export interface RollupDecision extends Decision {
  kind: "weekly";
  week: IsoWeekId;
  /** Where `weekly.at` puts it when that day is not a working day and it went elsewhere. */
  movedFrom?: Date;
}

/** The 补报 note of a day (sent only when some report came in after its tally). */
export interface LateNoteDecision extends Decision {
  kind: "late-note";
  date: LocalDate;
}

/** One push due at an instant, and whether it acts. */
export type SlotDecision = TaskSlotDecision | RollupDecision | LateNoteDecision;

/** Whether a scheduled push may go out at this instant (inside the configured working hours). */
export function isWorkingTime(config: Pick<Config, "working_hours" | "timezone">, at: Date): boolean {
  const time = toLocalTime(at, config.timezone);
  return config.working_hours.start <= time && time <= config.working_hours.end;
}

/**
 * When a push asked for at `at` may go out: `at` itself inside the working hours, else the
 * next start of them (today's before it, tomorrow's after the end).
 */
export function nextWorkingTime(config: Pick<Config, "working_hours" | "timezone">, at: Date): Date {
  if (isWorkingTime(config, at)) return at;
  const today = toLocalDate(at, config.timezone);
  const start = toInstant(today, config.working_hours.start, config.timezone);
  return start > at ? start : toInstant(addDays(today, 1), config.working_hours.start, config.timezone);
}

/** A period's deadline as a text written at an instant says it, and whether it has passed by then. */
export interface DeadlineAt {
  /** The deadline has passed (calendar.isLate: the deadline minute is still on time). */
  passed: boolean;
  /** `截止 11月23日 周一 10:00`, with 已过 once passed (formatDeadline). */
  text: string;
}

/**
 * The deadline of `period` as a push written at `at` says it: decided here, beside what is due,
 * so that the text that names it (a reminder) asks the calendar nothing.
 */
export function deadlineAt(calendar: Pick<TaskCalendar, "isLate">, period: TaskPeriod, at: Date): DeadlineAt {
  const passed = calendar.isLate(period, at);
  return { passed, text: formatDeadline(period.deadlineText, passed) };
}

/**
 * How many days after its period's last day a slot can fall. A week's tally keeps its distance
 * from a deadline the calendar moved (periods.ts: a week cut by the summer holiday, a deadline
 * moved to the first running day after it), and a tally comes at most six days after its
 * deadline (both are times of one ISO week); every other slot lies inside its period.
 */
const SLOT_REACH_DAYS = 6;

/**
 * The reminder and tally slots that fall on a local date. A slot belongs to its own period
 * wherever the calendar put it: a week's tally moved past the week's end (into the first days of
 * the summer schedule, or into the next week) is that week's, not the period in force that day.
 */
function decideTaskSlotsOn(calendar: TaskCalendar, config: DueConfig, date: LocalDate): TaskSlotDecision[] {
  const decisions: TaskSlotDecision[] = [];
  const dayStart = toInstant(date, "00:00", config.timezone).getTime();
  const nextDayStart = toInstant(addDays(date, 1), "00:00", config.timezone).getTime();
  for (const task of calendar.tasks) {
    for (const period of calendar.list(task, addDays(date, -SLOT_REACH_DAYS), date)) {
      for (const slot of calendar.slots(period)) {
        const t = slot.at.getTime();
        if (slot.kind === "deadline" || t < dayStart || t >= nextDayStart) continue;
        const skipped: SkipReason | undefined = isWorkingTime(config, slot.at) ? whyNotRequired(period) : "quiet_hours";
        const taskSlot = slot as TaskSlotDecision["slot"];
        decisions.push({ kind: taskSlot.kind, at: slot.at, task, period, slot: taskSlot, ...(skipped && { skipped }) });
      }
    }
  }
  return decisions;
}

/**
 * The weekly roll-up of an ISO week. It goes at `weekly.at`'s time on the last working day of the
 * week up to `weekly.at`'s day (as a task's deadline moves to the last running day before it): on
 * a holiday Friday, on Thursday; in the National Day week, on Wednesday 09-30; never on the
 * holiday, and not on a 调休 Saturday after it. When the working days all come after that day, on
 * the first of them. A week without a working day (the Spring Festival week) has no roll-up: the
 * bureau is off, and 汇总 本周/上周 gives its figures on demand; at `weekly.at` it is decided as
 * skipped, so the job says why.
 */
export function decideRollup(calendar: TaskCalendar, config: DueConfig, week: IsoWeekId): RollupDecision {
  const slot = parseSlot(config.weekly.at);
  const monday = getWeekStart(week);
  const own = addDays(monday, (slot.weekday ?? 1) - 1);
  const nominal = toInstant(own, slot.time, config.timezone);
  const day = findDayOnOrBefore(own, listDates(monday, addDays(monday, 6)).filter((date) => calendar.isWorkday(date)));
  if (!day) return { kind: "weekly", at: nominal, week, skipped: "no_working_day" };
  const at = day === own ? nominal : toInstant(day, slot.time, config.timezone);
  return { kind: "weekly", at, week, ...(day !== own && { movedFrom: nominal }), ...(!isWorkingTime(config, at) && { skipped: "quiet_hours" as const }) };
}

/**
 * Every push whose time falls on a local date, in time order, each skipped with its reason when
 * it must not act (quiet hours, a period nobody owes, a week without a working day): the
 * reminders and tallies of every enabled task, the week's roll-up if it goes that day, and the
 * day's 补报 note (every day: tallies go on holidays too, and so may late reports).
 */
function decidePushesOn(calendar: TaskCalendar, config: DueConfig, date: LocalDate): SlotDecision[] {
  const rollup = decideRollup(calendar, config, getIsoWeek(date));
  const noteAt = toInstant(date, parseSlot(config.late_note.at).time, config.timezone);
  const note: LateNoteDecision = { kind: "late-note", at: noteAt, date, ...(!isWorkingTime(config, noteAt) && { skipped: "quiet_hours" as const }) };
  return [
    ...decideTaskSlotsOn(calendar, config, date),
    ...(toLocalDate(rollup.at, config.timezone) === date ? [rollup] : []),
    note,
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * The one answer to "what is due at this instant": every push that falls exactly at `at`,
 * decided as above. The scheduled jobs act on it, and `pingan schedule` lists from it
 * (listUpcomingSlots), so the two cannot disagree.
 */
export function decideSlotsAt(calendar: TaskCalendar, config: DueConfig, at: Date): SlotDecision[] {
  return decidePushesOn(calendar, config, toLocalDate(at, config.timezone)).filter((decision) => decision.at.getTime() === at.getTime());
}

/**
 * Every push due from `from` for `days` days, in time order, decided exactly as the jobs will
 * decide it: those that act, and those that do not with their reason.
 */
export function listUpcomingSlots(calendar: TaskCalendar, config: DueConfig, from: Date, days: number): SlotDecision[] {
  const first = toLocalDate(from, config.timezone);
  return listDates(first, addDays(first, days - 1))
    .flatMap((date) => decidePushesOn(calendar, config, date))
    .filter((decision) => decision.at >= from);
}

/**
 * A configured slot: `HH:MM` (daily tasks), `ddd HH:MM` (weekly ones, e.g. `fri 17:00`) or
 * `D HH:MM` (monthly ones, the day of the month: `25 17:00`; past a month's end, its last day).
 * Parsing, ordering and turning one into a cron pattern happen here and nowhere else.
 */
export interface ParsedSlot {
  /** 1 = Monday … 7 = Sunday; undefined for a daily `HH:MM`. */
  weekday?: number;
  /** 1 … 31: the day of the month of a monthly slot. */
  monthDay?: number;
  /** `HH:MM`. */
  time: string;
}

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export function parseSlot(spec: string): ParsedSlot {
  const [first = "", second] = spec.split(" ");
  if (second === undefined) return { time: first };
  if (/^\d+$/u.test(first)) return { monthDay: Number(first), time: second };
  return { weekday: WEEKDAYS.indexOf(first as (typeof WEEKDAYS)[number]) + 1, time: second };
}

/** Minutes from the start of the period (Monday 00:00, the 1st 00:00), for ordering slots within one period. */
export function slotMinutes(spec: string): number {
  const slot = parseSlot(spec);
  const [h = 0, m = 0] = slot.time.split(":").map(Number);
  return ((slot.weekday ?? slot.monthDay ?? 1) - 1) * 1440 + h * 60 + m;
}

/** `09:30` → `30 9 * * *`; `fri 17:00` → `0 17 * * 5` (cron counts Sunday as 0). */
export function toCron(spec: string): string {
  const slot = parseSlot(spec);
  const [hour, minute] = slot.time.split(":").map(Number);
  const weekday = slot.weekday === undefined ? "*" : String(slot.weekday % 7);
  return `${minute} ${hour} * * ${weekday}`;
}

/** The slots of one schedule (a task's base or summer schedule, as in the config). */
export interface ScheduleSlots {
  period: PeriodKind;
  deadline: string;
  reminders: readonly string[];
  tally?: string;
}

/** One inconsistency in a schedule; `slot` and `index` say which time it is about. */
export interface ScheduleProblem {
  slot: "deadline" | "reminders" | "tally";
  /** Position in `reminders`. */
  index?: number;
  spec: string;
  kind: ShapeProblem | "reminder_not_before_deadline" | "duplicate_reminder" | "tally_not_after_deadline";
}

/** A time written for another kind of period: a weekly one needs its weekday, a monthly one its day of the month, a daily one neither. */
export type ShapeProblem = "weekly_needs_day" | "monthly_needs_date" | "daily_has_day";

/** What a slot of each kind of period starts with, and the problem of a slot that does not. */
const SHAPES: Record<PeriodKind, { fits(slot: ParsedSlot): boolean; problem: ShapeProblem }> = {
  day: { fits: (slot) => slot.weekday === undefined && slot.monthDay === undefined, problem: "daily_has_day" },
  week: { fits: (slot) => slot.weekday !== undefined, problem: "weekly_needs_day" },
  month: { fits: (slot) => slot.monthDay !== undefined, problem: "monthly_needs_date" },
};

/**
 * Every inconsistency of a schedule's times: a daily schedule's times carry no day, a weekly
 * one's all carry a weekday and a monthly one's a day of the month; reminders come before the
 * deadline, once each; the tally after it.
 */
export function checkScheduleSlots(schedule: ScheduleSlots): ScheduleProblem[] {
  const shape = SHAPES[schedule.period];
  const slots: Omit<ScheduleProblem, "kind">[] = [
    { slot: "deadline", spec: schedule.deadline },
    ...schedule.reminders.map((spec, index) => ({ slot: "reminders" as const, index, spec })),
    ...(schedule.tally ? [{ slot: "tally" as const, spec: schedule.tally }] : []),
  ];
  const misshapen = slots.flatMap((slot): ScheduleProblem[] => (shape.fits(parseSlot(slot.spec)) ? [] : [{ ...slot, kind: shape.problem }]));
  if (misshapen.length > 0) return misshapen;
  const problems: ScheduleProblem[] = [];
  const deadline = slotMinutes(schedule.deadline);
  const seen = new Set<number>();
  schedule.reminders.forEach((spec, index) => {
    const at = slotMinutes(spec);
    if (at >= deadline) problems.push({ slot: "reminders", index, spec, kind: "reminder_not_before_deadline" });
    else if (seen.has(at)) problems.push({ slot: "reminders", index, spec, kind: "duplicate_reminder" });
    seen.add(at);
  });
  if (schedule.tally && slotMinutes(schedule.tally) <= deadline) {
    problems.push({ slot: "tally", spec: schedule.tally, kind: "tally_not_after_deadline" });
  }
  return problems;
}

/** Minutes since midnight of a slot's time of day. */
export function slotTimeMinutes(spec: string): number {
  const [h = 0, m = 0] = parseSlot(spec).time.split(":").map(Number);
  return h * 60 + m;
}

/** How long a task's period is: a day, an ISO week (Monday start) or a calendar month. */
export const PERIOD_KINDS = ["day", "week", "month"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

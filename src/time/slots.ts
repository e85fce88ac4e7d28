import { formatDate, addDays, formatLocalDate, getIsoWeek, getWeekEnd, getWeekStart, isValidIsoWeek, isValidLocalDate, splitLocalDate, type LocalDate } from "./local-time.js";

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

/**
 * What each kind of period is, decided here and nowhere else: the id stored with reports for the
 * period that holds a date (`2026-11-23`, `2026-W48`, `2026-11`), the whole dates of an id, the
 * Chinese label of a period (its dates when a holiday cuts it), and the unit a count of periods
 * is in (3 天, 2 周, 1 月).
 */
interface PeriodShape {
  idOf(date: LocalDate): string;
  /** First and last date of the whole period with this id; undefined for an id of another kind. */
  datesOf(id: string): { start: LocalDate; end: LocalDate } | undefined;
  label(period: { id: string; start: LocalDate; end: LocalDate }): string;
  /** The label of a stored id alone (历史): a week without its dates. */
  idLabel(id: string): string;
  unit: string;
  /** The date a slot names in the period that starts on `start` (see ParsedSlot): its weekday's, its day of the month's. */
  slotDate(start: LocalDate, slot: { weekday?: number; monthDay?: number }): LocalDate;
}

const MONTH_ID = /^(\d{4})-(0[1-9]|1[0-2])$/u;

const monthDay = (date: LocalDate) => {
  const [, m, d] = splitLocalDate(date);
  return `${m}月${d}日`;
};

export const PERIOD_SHAPES: Readonly<Record<PeriodKind, PeriodShape>> = {
  day: {
    idOf: (date) => date,
    datesOf: (id) => (isValidLocalDate(id) ? { start: id, end: id } : undefined),
    label: ({ start }) => formatDate(start),
    idLabel: formatDate,
    unit: "天",
    slotDate: (start) => start,
  },
  week: {
    idOf: getIsoWeek,
    datesOf: (id) => (isValidIsoWeek(id) ? { start: getWeekStart(id), end: getWeekEnd(id) } : undefined),
    label: ({ id, start, end }) => `${PERIOD_SHAPES.week.idLabel(id)}（${monthDay(start)}—${monthDay(end)}）`,
    idLabel: (id) => `${id.slice(0, 4)}年第${Number(id.slice(6))}周`,
    unit: "周",
    slotDate: (start, slot) => addDays(getWeekStart(getIsoWeek(start)), (slot.weekday ?? 1) - 1),
  },
  month: {
    idOf: (date) => date.slice(0, 7),
    datesOf: (id) => {
      const m = MONTH_ID.exec(id);
      if (!m) return undefined;
      return monthOf(formatLocalDate(Number(m[1]), Number(m[2]), 1), 0);
    },
    // A month cut by the summer holiday says which of its days it is.
    label: ({ id, start, end }) => {
      const whole = PERIOD_SHAPES.month.datesOf(id)!;
      const name = PERIOD_SHAPES.month.idLabel(id);
      return start === whole.start && end === whole.end ? name : `${name}（${monthDay(start)}—${monthDay(end)}）`;
    },
    idLabel: (id) => `${Number(id.slice(0, 4))}年${Number(id.slice(5))}月`,
    unit: "月",
    slotDate: (start, slot) => dayOfMonth(start, slot.monthDay ?? 1),
  },
};

/** `11月23日（周一）` for a day, `2026年第48周（11月23日—11月29日）` for a week, `2026年11月` for a month. */
export function formatPeriod(period: { kind: PeriodKind; id: string; start: LocalDate; end: LocalDate }): string {
  return PERIOD_SHAPES[period.kind].label(period);
}

/** The calendar month holding `date`, moved by `months`: its first and last day. */
export function monthOf(date: LocalDate, months: number): { start: LocalDate; end: LocalDate } {
  const index = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const start = formatLocalDate(Math.floor(index / 12), (index % 12) + 1, 1);
  const next = formatLocalDate(Math.floor((index + 1) / 12), ((index + 1) % 12) + 1, 1);
  return { start, end: addDays(next, -1) };
}

/**
 * The date of day `day` of the month a date is in; past the month's end (31 in November) its
 * last day, so `31 17:00` is every month's last day.
 */
export function dayOfMonth(date: LocalDate, day: number): LocalDate {
  const [y, m] = splitLocalDate(date);
  const last = monthOf(date, 0).end;
  return day >= splitLocalDate(last)[2] ? last : formatLocalDate(y, m, day);
}

/** The kind of period a stored id is of (`2026-11-23`, `2026-W48`, `2026-11`); undefined for none. */
function kindOfId(id: string): PeriodKind | undefined {
  return PERIOD_KINDS.find((kind) => PERIOD_SHAPES[kind].datesOf(id) !== undefined);
}

/** `11月23日（周一）`, `2026年第48周` or `2026年11月` for a stored period id of any kind (the id itself for none). */
export function formatPeriodId(id: string): string {
  const kind = kindOfId(id);
  return kind ? PERIOD_SHAPES[kind].idLabel(id) : id;
}

/** The dates of a stored period id of any kind (a date, a week or a month); undefined for an id of none. */
export function datesOfId(id: string): { start: LocalDate; end: LocalDate } | undefined {
  const kind = kindOfId(id);
  return kind && PERIOD_SHAPES[kind].datesOf(id);
}

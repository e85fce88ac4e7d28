import { ErrorCode } from "../errors.js";
import type { Config, ScheduleConfig, TaskConfig, TaskId } from "../config/schema.js";
import { calendarError } from "./calendar-error.js";
import type { HolidayData } from "./holidays.js";
import { getWeekday, isValidLocalDate, type LocalDate, addDays, assertTimeZone, diffDays, findDayOnOrBefore, formatDate, formatLocalDate, formatMonthDay, getIsoWeek, getWeekEnd, getWeekStart, isValidIsoWeek, listDates, splitLocalDate, toInstant, toLocalDate } from "./local-time.js";
import { FIRST_STATUTORY_YEAR, LAST_STATUTORY_YEAR, listStatutoryHolidays } from "./statutory-holidays.js";
import { PERIOD_KINDS, type ParsedSlot, type PeriodKind, checkScheduleSlots, parseSlot } from "./slots.js";

/** The `calendar` section of the config. */
export type CalendarConfig = Config["calendar"];

/** Where a date lies in the school year. `break` is any date in no configured range. */
export type Phase = "term" | "summer_holiday" | "winter_holiday" | "break";

/** Which days a task runs on (`TaskConfig["days"]`). */
export type RunningDays = "all" | "school" | "weekdays" | "holidays";

/** Answers, for a local date, whether it is a working day, a school day and so on. */
export interface SchoolCalendar {
  /**
   * A day off by law (the 放假办法's statutory days, for any year) or by the State Council's
   * arrangement of the year (its bridging days, and the weekends inside a holiday block).
   */
  isStatutoryHoliday(date: LocalDate): boolean;
  /** A Saturday or Sunday that is a working day by the 调休 arrangement. */
  isMakeUpWorkday(date: LocalDate): boolean;
  /** Monday–Friday that is not a statutory holiday, or a make-up workday. */
  isWorkday(date: LocalDate): boolean;
  /** Term, summer or winter holiday, or `break` when in none of the configured ranges. */
  phaseOf(date: LocalDate): Phase;
  /** In term and a workday. */
  isSchoolDay(date: LocalDate): boolean;
  /** Whether a task with these `days` runs on the date: `all` always, `school`, `weekdays`. */
  runsOn(days: RunningDays, date: LocalDate): boolean;
  /** The festival of a statutory holiday or make-up workday, e.g. 国庆节; else undefined. */
  holidayName(date: LocalDate): string | undefined;
  /**
   * Whether the State Council's arrangement of the year is known (bundled or imported). When not,
   * the year runs on its statutory days alone, without bridging days or make-up workdays, and
   * the admin is told to import the notice (see listMissingHolidayYears). Local days off in
   * `calendar.holidays` do not count: they are no arrangement.
   */
  hasHolidayData(year: number): boolean;
}

interface Range {
  start: LocalDate;
  end: LocalDate;
}

/**
 * Builds the calendar from the config and the holiday data (bundled and imported notices).
 *
 * Days off, lowest layer first: the statutory days of the year by law (listStatutoryHolidays,
 * every year 2025–2099); the notice's arrangement on top (bridging days off, make-up workdays);
 * then `calendar.holidays` and `calendar.workdays`, which win over both: a configured workday
 * is a working day even if the data says holiday, and the other way round.
 * With no `terms` configured, every date outside the summer and winter holidays counts as term,
 * so that school-day tasks still run on an unfinished config; with terms, dates in no range
 * are `break`. Ranges must not overlap. Throws a CALENDAR_CONFIG error (calendarError) listing every problem.
 */
export function createSchoolCalendar(config: CalendarConfig, data: HolidayData): SchoolCalendar {
  const problems = checkCalendarConfig(config);
  if (problems.length > 0) throw calendarError(ErrorCode.CalendarConfig, problems);

  const extraHolidays = new Set(config.holidays);
  const extraWorkdays = new Set(config.workdays);
  const coveredYears = new Set(data.years);
  const statutoryByYear = new Map<number, ReadonlyMap<LocalDate, string>>();
  const statutoryFestival = (date: LocalDate): string | undefined => {
    const year = Number(date.slice(0, 4));
    if (year < FIRST_STATUTORY_YEAR || year > LAST_STATUTORY_YEAR) return undefined;
    let days = statutoryByYear.get(year);
    if (!days) {
      days = new Map(listStatutoryHolidays(year).map((day) => [day.date, day.festival]));
      statutoryByYear.set(year, days);
    }
    return days.get(date);
  };
  const phases: Array<[Phase, readonly Range[]]> = [
    ["summer_holiday", config.summer_holiday],
    ["winter_holiday", config.winter_holiday],
    ["term", config.terms],
  ];
  const defaultPhase: Phase = config.terms.length === 0 ? "term" : "break";

  const isStatutoryHoliday = (date: LocalDate) =>
    assertDate(date) &&
    !extraWorkdays.has(date) &&
    (extraHolidays.has(date) || data.holidays.has(date) || statutoryFestival(date) !== undefined);
  const isWeekend = (date: LocalDate) => getWeekday(date) >= 6;
  const isMakeUpWorkday = (date: LocalDate) =>
    isWeekend(date) && !extraHolidays.has(date) && (extraWorkdays.has(date) || data.workdays.has(date));
  const isWorkday = (date: LocalDate) =>
    isMakeUpWorkday(date) || (!isWeekend(date) && !isStatutoryHoliday(date));
  const phaseOf = (date: LocalDate): Phase => {
    assertDate(date);
    for (const [phase, ranges] of phases) {
      if (ranges.some((r) => r.start <= date && date <= r.end)) return phase;
    }
    return defaultPhase;
  };
  const isSchoolDay = (date: LocalDate) => phaseOf(date) === "term" && isWorkday(date);

  return Object.freeze({
    isStatutoryHoliday,
    isMakeUpWorkday,
    isWorkday,
    phaseOf,
    isSchoolDay,
    runsOn: (days: RunningDays, date: LocalDate) => {
      assertDate(date);
      if (days === "all") return true;
      // 假期值班: the statutory holidays and the summer and winter holidays, never a plain weekend.
      if (days === "holidays") return isStatutoryHoliday(date) || phaseOf(date) === "summer_holiday" || phaseOf(date) === "winter_holiday";
      return days === "school" ? isSchoolDay(date) : isWorkday(date);
    },
    holidayName: (date: LocalDate) =>
      isStatutoryHoliday(date) || isMakeUpWorkday(date)
        ? (data.holidays.get(date) ?? data.workdays.get(date) ?? statutoryFestival(date) ?? "本地调整")
        : undefined,
    hasHolidayData: (year: number) => coveredYears.has(year),
  });
}

function assertDate(date: LocalDate): true {
  if (!isValidLocalDate(date)) throw new RangeError(`not a local date: "${date}"`);
  return true;
}

/** Every problem of a `calendar` config section, each naming its key; empty when fine. */
export function checkCalendarConfig(config: CalendarConfig): string[] {
  const problems: string[] = [];
  const checkDate = (value: string, at: string) => {
    if (isValidLocalDate(value)) return true;
    problems.push(`calendar.${at}: "${value}" 不是有效日期，写成 YYYY-MM-DD，例如 2026-09-01`);
    return false;
  };
  config.holidays.forEach((d, i) => checkDate(d, `holidays[${i}]`));
  config.workdays.forEach((d, i) => {
    if (checkDate(d, `workdays[${i}]`) && config.holidays.includes(d)) {
      problems.push(`calendar.workdays[${i}]: ${d} 同时写在 calendar.holidays 里；一天只能是放假或上班之一`);
    }
  });

  const ranges: Array<Range & { at: string }> = [];
  for (const key of ["terms", "summer_holiday", "winter_holiday"] as const) {
    config[key].forEach((range, i) => {
      const at = `${key}[${i}]`;
      const ok = checkDate(range.start, `${at}.start`) && checkDate(range.end, `${at}.end`);
      if (!ok) return;
      if (range.start > range.end) {
        problems.push(`calendar.${at}: 开始 ${range.start} 晚于结束 ${range.end}`);
        return;
      }
      ranges.push({ start: range.start, end: range.end, at });
    });
  }
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let reach: (Range & { at: string }) | undefined;
  for (const current of ranges) {
    if (reach && current.start <= reach.end) {
      problems.push(
        `calendar.${current.at}: ${current.start}–${current.end} 与 calendar.${reach.at}` +
          `（${reach.start}–${reach.end}）重叠；学期和寒暑假的日期不能交叉`,
      );
    }
    if (!reach || current.end > reach.end) reach = current;
  }
  return problems;
}

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
    label: ({ id, start, end }) => `${PERIOD_SHAPES.week.idLabel(id)}（${formatMonthDay(start)}—${formatMonthDay(end)}）`,
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
      return start === whole.start && end === whole.end ? name : `${name}（${formatMonthDay(start)}—${formatMonthDay(end)}）`;
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

/** Why a period is not required of any school; `not_live`: its deadline came before the service's first day (task-calendar.ts). */
export type NotRequiredReason = "not_in_season" | "not_running_day" | "not_live";

/** One reporting period of a task: a local date, or (part of) an ISO week or a calendar month. */
export interface Period {
  task: TaskId;
  kind: PeriodKind;
  /** `2026-11-23` for a day, `2026-W48` for a week, `2026-11` for a month; the id stored with reports (PERIOD_SHAPES). */
  id: string;
  /** First and last local date of the period (a week or month cut by the summer holiday is shorter). */
  start: LocalDate;
  end: LocalDate;
  /**
   * Start of the deadline minute. A report is on time up to the end of that minute: with
   * deadline `10:00`, 10:00:59 is on time and 10:01:00 is late (see `isLate`).
   */
  deadline: Date;
  /** The schedule in force: the task's base schedule or its `summer` one. */
  schedule: ScheduleConfig;
  /** Whether schools owe a report for this period at all. */
  required: boolean;
  /** Set when not required. */
  reason?: NotRequiredReason;
}

/** One moment at which the scheduler acts on a period. */
export interface Slot {
  kind: "reminder" | "deadline" | "tally";
  /** The configured time, e.g. `09:30` or `fri 17:00`. */
  spec: string;
  at: Date;
}

export interface PeriodsOptions {
  /** The `tasks` section of the config. */
  tasks: Config["tasks"];
  calendar: SchoolCalendar;
  /** IANA zone of dates and slot times (`config.timezone`). */
  zone: string;
}

/** Period look-ups for the configured tasks. All pure: same inputs, same answer. */
export interface Periods {
  /** The period of a task that the instant falls in (by its local date in the zone). */
  periodAt(task: TaskId, at: Date): Period;
  /** The period of a task that holds a local date. Every date is in exactly one period. */
  periodOn(task: TaskId, date: LocalDate): Period;
  /**
   * The period with a stored id; undefined when the id is malformed or the task has no such
   * period under the current calendar (e.g. a week wholly under a daily summer schedule).
   */
  periodById(task: TaskId, id: string): Period | undefined;
  /** The periods of a task that overlap `start`..`end` (inclusive), in order. */
  listPeriods(task: TaskId, start: LocalDate, end: LocalDate): Period[];
  /** Reminder, deadline and tally instants of a period, in time order (see createPeriods). */
  listSlots(period: Period): Slot[];
  /** Whether a report at `reportedAt` is late: only from the minute after the deadline. */
  isLate(period: Period, reportedAt: Date): boolean;
}

const MINUTE_MS = 60_000;

/**
 * Whether a period's deadline has passed at `at`: from the minute after it, as a report then is
 * late (with deadline `10:00`, 10:00:59 is still on time). Every text that names a deadline says
 * whether it has passed by this.
 */
export function isPastDeadline(period: Pick<Period, "deadline">, at: Date): boolean {
  return at.getTime() >= period.deadline.getTime() + MINUTE_MS;
}

function baseSchedule(config: TaskConfig): ScheduleConfig {
  const { period, deadline, reminders, tally } = config;
  return Object.freeze({ period, deadline, reminders: Object.freeze([...reminders]) as string[], tally });
}

/** A yearly `MM-DD` window, inclusive; a window with start after end wraps over New Year. */
function isInSeason(season: TaskConfig["season"], date: LocalDate): boolean {
  if (!season) return true;
  const md = date.slice(5);
  return season.start <= season.end
    ? season.start <= md && md <= season.end
    : md >= season.start || md <= season.end;
}

/**
 * Builds the period look-ups. Throws a calendar error (calendarError: TIME_ZONE, TASK_SCHEDULE) when the zone is unknown or a task's
 * schedule is inconsistent (see `checkTaskSchedules`).
 *
 * Summer schedule rule. A date lies under a task's `summer` schedule when it is in a configured
 * summer holiday, and under the base schedule otherwise. A day period is one date. A week
 * period holds the dates of one ISO week under the same weekly schedule, so a week that the
 * first or last day of the summer holiday cuts gives a partial week: anti-drowning, weekly in
 * term and daily in summer, with the holiday from Thursday 2026-07-09, has week 2026-W28 =
 * Mon 07-06 … Wed 07-08 and daily periods from 07-09. A weekday slot (`fri 17:00`) resolves to
 * that weekday of the ISO week. In a partial week the deadline moves to the nearest day of
 * the week (that week's deadline becomes Wednesday 17:00) and the reminders and tally move
 * by the same number of days, so they keep their order and spacing (`thu 16:00` becomes
 * Tuesday 16:00, a `sat 09:00` tally Thursday 09:00); reminders that would then fall before
 * the period's first day are dropped. A slot moved past the period's last day stays the
 * period's own (that Thursday 09:00 tally is week 2026-W28's, not 07-09's: due.ts decides it
 * so). When both schedules are weekly no week is cut: the
 * whole week follows the schedule in force on its Thursday (as ISO assigns a week to the year
 * of its Thursday).
 *
 * Running-day rule (one date everywhere). A week's slots fall on days the task runs: the
 * deadline and each reminder that fall on a day the task does not run (a holiday, a weekend, a
 * day out of season) move to the last running day of the period before it, keeping their time
 * (the 周学习 deadline `fri 18:00` of the National Day week 2026-W40 becomes Wednesday 09-30
 * 18:00); when no running day comes before, to the first one after. The tally moves the same way
 * if it then still comes after the deadline; otherwise (a `sat 09:00` tally the morning after)
 * it keeps its distance from the deadline. Reminders that end up at or after the deadline are
 * dropped. A week without a running day is not required at all, and its slots do nothing.
 */
export function createPeriods({ tasks, calendar, zone }: PeriodsOptions): Periods {
  assertTimeZone(zone);
  const problems = listScheduleProblems(tasks);
  if (problems.length > 0) throw calendarError(ErrorCode.TaskSchedule, problems);

  const taskConfig = (task: TaskId): TaskConfig => {
    const config = tasks[task];
    if (!config) throw new Error(`task "${task}" is not configured`);
    return config;
  };
  // Slots are parsed once, with the schedules' check; they are placed on every tick. A spec of no
  // configured schedule (a period built on another config) is parsed when placed.
  const parsedSlots = parseTaskSlots(tasks);
  const slotOf = (spec: string): ParsedSlot => parsedSlots.get(spec) ?? parseSlot(spec);
  const schedules = new Map<TaskConfig, { base: ScheduleConfig; summer?: ScheduleConfig }>();
  const schedulesOf = (config: TaskConfig) => {
    let entry = schedules.get(config);
    if (!entry) {
      entry = { base: baseSchedule(config), summer: config.summer && Object.freeze({ ...config.summer }) };
      schedules.set(config, entry);
    }
    return entry;
  };

  const scheduleOn = (config: TaskConfig, date: LocalDate): ScheduleConfig => {
    const { base, summer } = schedulesOf(config);
    if (!summer) return base;
    const decidingDate =
      base.period === "week" && summer.period === "week"
        ? addDays(getWeekStart(getIsoWeek(date)), 3)
        : date;
    return calendar.phaseOf(decidingDate) === "summer_holiday" ? summer : base;
  };

  /** The days of a period on which the task runs: in season, and a day of its `days`. */
  const listRunningDays = (config: TaskConfig, start: LocalDate, end: LocalDate): LocalDate[] =>
    listDates(start, end).filter((d) => isInSeason(config.season, d) && calendar.runsOn(config.days, d));

  /** Places the slots of a period: see the summer schedule and running-day rules above (a month's slots as a week's). */
  const createSlotPlacer = (schedule: ScheduleConfig, start: LocalDate, end: LocalDate, running: readonly LocalDate[]) => {
    if (schedule.period === "day") {
      const at = (spec: string) => toInstant(start, slotOf(spec).time, zone);
      return { deadline: at(schedule.deadline), reminder: at, tally: at };
    }
    const shape = PERIOD_SHAPES[schedule.period];
    const nominal = (spec: string) => shape.slotDate(start, slotOf(spec));
    const nominalDeadline = nominal(schedule.deadline);
    const cutShift = diffDays(nominalDeadline, nominalDeadline < start ? start : nominalDeadline > end ? end : nominalDeadline);
    const inPeriod = (spec: string) => addDays(nominal(spec), cutShift);
    const toRunningDay = (date: LocalDate): LocalDate => findDayOnOrBefore(date, running) ?? date;
    const at = (date: LocalDate, spec: string) => toInstant(date, slotOf(spec).time, zone);
    const deadlineDate = toRunningDay(inPeriod(schedule.deadline));
    const deadline = at(deadlineDate, schedule.deadline);
    return {
      deadline,
      reminder: (spec: string) => {
        const date = inPeriod(spec);
        // Before the first day of a cut week it is dropped (the summer schedule rule).
        return at(date < start ? date : toRunningDay(date), spec);
      },
      tally: (spec: string) => {
        const moved = at(toRunningDay(inPeriod(spec)), spec);
        if (moved.getTime() > deadline.getTime()) return moved;
        return at(addDays(inPeriod(spec), diffDays(inPeriod(schedule.deadline), deadlineDate)), spec);
      },
    };
  };

  const periodOn = (task: TaskId, date: LocalDate): Period => {
    if (!isValidLocalDate(date)) throw new RangeError(`not a local date: "${date}"`);
    const config = taskConfig(task);
    const schedule = scheduleOn(config, date);
    const shape = PERIOD_SHAPES[schedule.period];
    const id = shape.idOf(date);
    const whole = shape.datesOf(id)!;
    const dates = listDates(whole.start, whole.end).filter((d) => scheduleOn(config, d) === schedule);
    const start = dates[0]!;
    const end = dates[dates.length - 1]!;
    const running = listRunningDays(config, start, end);
    const reason: NotRequiredReason | undefined = !dates.some((d) => isInSeason(config.season, d))
      ? "not_in_season"
      : running.length > 0
        ? undefined
        : "not_running_day";
    return Object.freeze({
      task,
      kind: schedule.period,
      id,
      start,
      end,
      deadline: createSlotPlacer(schedule, start, end, running).deadline,
      schedule,
      required: reason === undefined,
      ...(reason && { reason }),
    });
  };

  const periodById = (task: TaskId, id: string): Period | undefined => {
    const dates = datesOfId(id);
    const candidates = dates ? listDates(dates.start, dates.end) : [];
    for (const date of candidates) {
      const period = periodOn(task, date);
      if (period.id === id) return period;
    }
    return undefined;
  };

  return Object.freeze({
    periodAt: (task: TaskId, at: Date) => periodOn(task, toLocalDate(at, zone)),
    periodOn,
    periodById,
    listPeriods: (task: TaskId, start: LocalDate, end: LocalDate) => {
      const periods = new Map<string, Period>();
      for (const date of listDates(start, end)) {
        const period = periodOn(task, date);
        if (!periods.has(period.id)) periods.set(period.id, period);
      }
      return [...periods.values()];
    },
    listSlots: (period: Period) => {
      const { schedule, start, end, deadline } = period;
      const place = createSlotPlacer(schedule, start, end, listRunningDays(taskConfig(period.task), start, end));
      const periodStart = toInstant(start, "00:00", zone).getTime();
      const slots: Slot[] = [];
      const seen = new Set<number>();
      for (const spec of schedule.reminders) {
        const at = place.reminder(spec);
        const t = at.getTime();
        if (seen.has(t) || t < periodStart || t >= deadline.getTime()) continue;
        seen.add(t);
        slots.push({ kind: "reminder", spec, at });
      }
      slots.push({ kind: "deadline", spec: schedule.deadline, at: deadline });
      if (schedule.tally) slots.push({ kind: "tally", spec: schedule.tally, at: place.tally(schedule.tally) });
      return slots.sort((a, b) => a.at.getTime() - b.at.getTime());
    },
    isLate: (period: Period, reportedAt: Date) => isPastDeadline(period, reportedAt),
  });
}

/** Every time of the tasks' schedules (base and summer), parsed, by how it is written. */
function parseTaskSlots(tasks: Config["tasks"]): ReadonlyMap<string, ParsedSlot> {
  const parsed = new Map<string, ParsedSlot>();
  for (const config of Object.values(tasks)) {
    for (const schedule of [config, config?.summer]) {
      if (!schedule) continue;
      for (const spec of [schedule.deadline, ...schedule.reminders, ...(schedule.tally ? [schedule.tally] : [])]) parsed.set(spec, parseSlot(spec));
    }
  }
  return parsed;
}

/**
 * Refuses schedules that config validation (check-config) would refuse, naming each key, so
 * that periods are never built on a schedule whose times contradict each other.
 */
function listScheduleProblems(tasks: Config["tasks"]): string[] {
  const problems: string[] = [];
  for (const [task, config] of Object.entries(tasks) as Array<[TaskId, TaskConfig | undefined]>) {
    if (!config) continue;
    const schedules: Array<[string, ScheduleConfig]> = [[`tasks.${task}`, config]];
    if (config.summer) schedules.push([`tasks.${task}.summer`, config.summer]);
    for (const [at, schedule] of schedules) {
      for (const p of checkScheduleSlots(schedule)) {
        problems.push(`${at}.${p.slot}${p.index === undefined ? "" : `[${p.index}]`}: "${p.spec}" 与其他时间矛盾，运行 pingan check-config 查看详情`);
      }
    }
  }
  return problems;
}

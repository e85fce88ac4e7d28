import { ErrorCode } from "../errors.js";
import type { Config } from "../config/schema.js";
import { calendarError } from "./calendar-error.js";
import type { HolidayData } from "./holidays.js";
import { getWeekday, isValidLocalDate, type LocalDate } from "./local-time.js";
import { FIRST_STATUTORY_YEAR, LAST_STATUTORY_YEAR, listStatutoryHolidays } from "./statutory-holidays.js";

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

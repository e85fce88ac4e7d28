import { ErrorCode } from "../errors.js";
import type { Config } from "../config/schema.js";
import { CalendarError } from "./calendar-error.js";
import type { HolidayData } from "./holidays.js";
import { getWeekday, isValidLocalDate, type LocalDate } from "./local-time.js";

/** The `calendar` section of the config. */
export type CalendarConfig = Config["calendar"];

/** Where a date lies in the school year. `break` is any date in no configured range. */
export type Phase = "term" | "summer_holiday" | "winter_holiday" | "break";

/** Which days a task runs on (`TaskConfig["days"]`). */
export type RunningDays = "all" | "school" | "weekdays";

/** Answers, for a local date, whether it is a working day, a school day and so on. */
export interface SchoolCalendar {
  /** A day off by the State Council's arrangement (the weekends inside a holiday block too). */
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
   * Whether the built-in data or the config covers the year's statutory holidays; when not,
   * the year is computed as plain Monday–Friday and the admin should add it (start-up warning).
   */
  hasHolidayData(year: number): boolean;
}

interface Range {
  start: LocalDate;
  end: LocalDate;
}

/**
 * Builds the calendar from the config and the built-in holiday data.
 *
 * `calendar.holidays` and `calendar.workdays` add to the built-in data and win over it: a
 * configured workday is a working day even if the data says holiday, and the other way round.
 * With no `terms` configured, every date outside the summer and winter holidays counts as term,
 * so that school-day tasks still run on an unfinished config; with terms, dates in no range
 * are `break`. Ranges must not overlap. Throws a CalendarError listing every problem.
 */
export function createSchoolCalendar(config: CalendarConfig, builtIn: HolidayData): SchoolCalendar {
  const problems = checkCalendarConfig(config);
  if (problems.length > 0) throw new CalendarError(ErrorCode.CalendarConfig, problems);

  const extraHolidays = new Set(config.holidays);
  const extraWorkdays = new Set(config.workdays);
  const coveredYears = new Set([
    ...builtIn.years,
    ...[...extraHolidays, ...extraWorkdays].map((d) => Number(d.slice(0, 4))),
  ]);
  const phases: Array<[Phase, readonly Range[]]> = [
    ["summer_holiday", config.summer_holiday],
    ["winter_holiday", config.winter_holiday],
    ["term", config.terms],
  ];
  const defaultPhase: Phase = config.terms.length === 0 ? "term" : "break";

  const isStatutoryHoliday = (date: LocalDate) =>
    assertDate(date) && !extraWorkdays.has(date) && (extraHolidays.has(date) || builtIn.holidays.has(date));
  const isWeekend = (date: LocalDate) => getWeekday(date) >= 6;
  const isMakeUpWorkday = (date: LocalDate) =>
    isWeekend(date) && !extraHolidays.has(date) && (extraWorkdays.has(date) || builtIn.workdays.has(date));
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
      return days === "school" ? isSchoolDay(date) : isWorkday(date);
    },
    holidayName: (date: LocalDate) =>
      isStatutoryHoliday(date) || isMakeUpWorkday(date)
        ? (builtIn.holidays.get(date) ?? builtIn.workdays.get(date) ?? "本地调整")
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

import { ErrorCode } from "../errors.js";
import { calendarError } from "./calendar-error.js";

/** A local calendar date, `YYYY-MM-DD`. Compares correctly as a string. */
export type LocalDate = string;

/** An ISO week id, `YYYY-Www` (ISO week-year, Monday start), e.g. `2026-W48`. */
export type IsoWeekId = string;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

const DAY_MS = 24 * 3600 * 1000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;
const WEEK_RE = /^(\d{4})-W(\d{2})$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
    } catch {
      throw calendarError(ErrorCode.TimeZone, [
        `时区 "${zone}" 无效：写成 IANA 时区名，例如 "Asia/Shanghai"`,
      ]);
    }
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Throws a TIME_ZONE error (calendarError) when `zone` is not an IANA zone this runtime knows. */
export function assertTimeZone(zone: string): void {
  formatterFor(zone);
}

const MINUTE_MS = 60_000;
/** Per zone, the offset (wall clock minus instant, ms) of the minutes asked lately. */
const offsets = new Map<string, Map<number, number>>();
const OFFSETS_KEPT = 512;

/**
 * The local wall clock of an instant in a zone, as if it were UTC (ms), to the second.
 * formatToParts was the slowest call of a check-in (the calendar asks the date of "now" many
 * times), so the zone's offset is kept per minute: offsets change on whole minutes only.
 */
function wallClockMs(instant: number, zone: string): number {
  const minute = Math.floor(instant / MINUTE_MS);
  let zoneOffsets = offsets.get(zone);
  let offset = zoneOffsets?.get(minute);
  if (offset === undefined) {
    const start = minute * MINUTE_MS;
    const parts: Record<string, number> = {};
    for (const part of formatterFor(zone).formatToParts(new Date(start))) {
      if (part.type !== "literal") parts[part.type] = Number(part.value);
    }
    const { year = 0, month = 1, day = 1, hour = 0, minute: min = 0, second = 0 } = parts;
    offset = Date.UTC(year, month - 1, day, hour, min, second) - start;
    if (!zoneOffsets || zoneOffsets.size >= OFFSETS_KEPT) offsets.set(zone, (zoneOffsets = new Map()));
    zoneOffsets.set(minute, offset);
  }
  return Math.floor((instant + offset) / 1000) * 1000;
}

/** Year, month (1–12) and day of a local date. Throws a RangeError on anything but a real `YYYY-MM-DD`. */
export function splitLocalDate(date: LocalDate): [number, number, number] {
  const match = DATE_RE.exec(date);
  if (!match || !isValidLocalDate(date)) throw new RangeError(`not a local date: "${date}"`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** `YYYY-MM-DD` of a year, month (1–12) and day, zero-padded; check it with isValidLocalDate. */
export function formatLocalDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** Days since 1970-01-01 of a local date (calendar arithmetic, no zone involved). */
function dayNumber(date: LocalDate): number {
  const [y, m, d] = splitLocalDate(date);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function fromDayNumber(days: number): LocalDate {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2026-02-30). */
export function isValidLocalDate(date: string): boolean {
  const match = DATE_RE.exec(date);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(y, m - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

/** The local calendar date of an instant in an IANA zone. */
export function toLocalDate(instant: Date, zone: string): LocalDate {
  return toWallClock(instant, zone).toISOString().slice(0, 10);
}

/** The local time `HH:MM` of an instant in an IANA zone. */
export function toLocalTime(instant: Date, zone: string): string {
  return toWallClock(instant, zone).toISOString().slice(11, 16);
}

/**
 * The local wall clock of an instant in `zone`, as a Date whose UTC fields show it (for
 * formatting, and for spreadsheet cells, which carry no zone).
 */
export function toWallClock(instant: Date, zone: string): Date {
  return new Date(wallClockMs(instant.getTime(), zone));
}

/**
 * The instant at which the wall clock in `zone` shows `date` `time` (`HH:MM`).
 * In a daylight-saving gap (not in Asia/Shanghai since 1991) the instant is shifted forward by
 * the gap; in an overlap the earlier instant is returned.
 */
export function toInstant(date: LocalDate, time: string, zone: string): Date {
  const [y, m, d] = splitLocalDate(date);
  const match = TIME_RE.exec(time);
  if (!match) throw new RangeError(`not a time "HH:MM": "${time}"`);
  const wall = Date.UTC(y, m - 1, d, Number(match[1]), Number(match[2]));
  const firstOffset = wallClockMs(wall, zone) - wall;
  let instant = wall - firstOffset;
  const secondOffset = wallClockMs(instant, zone) - instant;
  if (secondOffset !== firstOffset) {
    const candidate = wall - secondOffset;
    if (wallClockMs(candidate, zone) === wall) instant = candidate;
    else instant = wall - Math.min(firstOffset, secondOffset);
  }
  return new Date(instant);
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function getWeekday(date: LocalDate): Weekday {
  const sundayZero = new Date(dayNumber(date) * DAY_MS).getUTCDay();
  return (sundayZero === 0 ? 7 : sundayZero) as Weekday;
}

/** The local date `days` days after `date` (negative goes back). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return fromDayNumber(dayNumber(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function diffDays(from: LocalDate, to: LocalDate): number {
  return dayNumber(to) - dayNumber(from);
}

/** The ISO week id of a local date; the week-year is the year of the week's Thursday. */
export function getIsoWeek(date: LocalDate): IsoWeekId {
  const thursday = addDays(date, 4 - getWeekday(date));
  const weekYear = Number(thursday.slice(0, 4));
  const week = Math.floor(diffDays(`${weekYear}-01-01`, thursday) / 7) + 1;
  return `${String(weekYear).padStart(4, "0")}-W${String(week).padStart(2, "0")}`;
}

/** True for a well-formed week id of a week that exists (W53 only in long years). */
export function isValidIsoWeek(id: string): boolean {
  const match = WEEK_RE.exec(id);
  if (!match) return false;
  const week = Number(match[2]);
  if (week < 1 || week > 53) return false;
  return getIsoWeek(mondayOf(Number(match[1]), week)) === id;
}

function mondayOf(weekYear: number, week: number): LocalDate {
  const jan4 = `${String(weekYear).padStart(4, "0")}-01-04`;
  return addDays(jan4, 1 - getWeekday(jan4) + (week - 1) * 7);
}

/** The Monday of an ISO week. Throws a RangeError on a malformed or non-existent week. */
export function getWeekStart(id: IsoWeekId): LocalDate {
  if (!isValidIsoWeek(id)) throw new RangeError(`not an ISO week id: "${id}"`);
  const match = WEEK_RE.exec(id)!;
  return mondayOf(Number(match[1]), Number(match[2]));
}

/** The Sunday of an ISO week. Throws a RangeError on a malformed or non-existent week. */
export function getWeekEnd(id: IsoWeekId): LocalDate {
  return addDays(getWeekStart(id), 6);
}

/** The dates from `start` to `end`, both included (empty when `end` is earlier). */
export function listDates(start: LocalDate, end: LocalDate): LocalDate[] {
  const count = diffDays(start, end) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => addDays(start, i));
}

/**
 * Where a week's dated push goes when its own day is off (the running-day rule of periods.ts,
 * and the weekly roll-up): the last of `days` (in order) on or before `date`, else the first
 * after it; undefined when `days` is empty.
 */
export function findDayOnOrBefore(date: LocalDate, days: readonly LocalDate[]): LocalDate | undefined {
  let found = days[0];
  for (const day of days) if (day <= date) found = day;
  return found;
}

const WEEKDAYS = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

/** Local date and time parts of an instant in a zone. */
function parts(instant: Date, timeZone: string) {
  const wall = toWallClock(instant, timeZone);
  return {
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    time: wall.toISOString().slice(11, 16),
    weekday: WEEKDAYS[wall.getUTCDay()] ?? "",
  };
}

/**
 * A date's label (`11月27日（周五）`) with its year first when that is not today's:
 * `2025年11月27日（周四）`. Alone, a month and day read as this year's.
 */
export function yearIfOther(date: string, today: string, label: string): string {
  return date.slice(0, 4) === today.slice(0, 4) ? label : `${Number(date.slice(0, 4))}年${label}`;
}

/** `11月23日` for a local date string `2026-11-23`. */
export function formatMonthDay(date: string): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

/** `11月23日（周一）` for a local date string `2026-11-23`. */
export function formatDate(date: string): string {
  return `${formatMonthDay(date)}（${formatWeekdayName(date)}）`;
}

/** `周一` for a local date string `2026-11-23`. */
export function formatWeekdayName(date: string): string {
  return WEEKDAYS[getWeekday(date) % 7] ?? "";
}

/** `11月23日 09:12` (with the weekday when `withWeekday`). */
export function formatInstant(instant: Date, timeZone: string, withWeekday = false): string {
  const p = parts(instant, timeZone);
  return `${p.month}月${p.day}日${withWeekday ? ` ${p.weekday}` : ""} ${p.time}`;
}

/**
 * A deadline as it reads when written: `截止 10:00` while reports are still on time, `截止 10:00
 * 已过` once it has passed (isPastDeadline). `when` is the deadline as the text shows it.
 */
export function formatDeadline(when: string, past: boolean): string {
  return past ? `截止 ${when} 已过` : `截止 ${when}`;
}

/** `09:12`. */
export function formatClock(instant: Date, timeZone: string): string {
  return parts(instant, timeZone).time;
}

/** A rate with one decimal that never shows 100% unless it is complete: `98.3%`. */
export function formatRate(part: number, whole: number): string {
  if (whole <= 0) return "—";
  if (part >= whole) return "100%";
  const tenths = Math.min(Math.round((part / whole) * 1000), 999);
  return `${(tenths / 10).toFixed(1)}%`;
}

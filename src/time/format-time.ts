import { getWeekday, toWallClock } from "./local-time.js";

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

/** `11月23日（周一）` for a local date string `2026-11-23`. */
export function formatDate(date: string): string {
  const [, m, d] = date.split("-").map(Number);
  return `${m}月${d}日（${formatWeekdayName(date)}）`;
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

import type { Config } from "../../config/schema.js";
import { nextWorkingTime } from "../../time/due.js";
import { addDays, toInstant, toLocalDate, type LocalDate } from "../../time/local-time.js";

type Hours = Pick<Config, "working_hours" | "timezone">;

/** Whether a local date is a working day: the project's calendar (TaskCalendar.isWorkday: weekends, holidays, 调休). */
export type IsWorkday = (date: LocalDate) => boolean;

/** A year of days: more than any run of days off, and more than any clock of this config. */
const MAX_DAYS = 366;

/** The first instant at or after `at` inside the working hours of a working day. */
function nextWorkingInstant(at: Date, config: Hours, isWorkday: IsWorkday): Date {
  let next = nextWorkingTime(config, at);
  for (let day = 0; day < MAX_DAYS; day += 1) {
    const date = toLocalDate(next, config.timezone);
    if (isWorkday(date)) return next;
    next = toInstant(addDays(date, 1), config.working_hours.start, config.timezone);
  }
  throw new RangeError(`no working day within ${MAX_DAYS} days of ${at.toISOString()}`);
}

/** `ms` of working hours after `from`: the clock stops outside them and on days off (a follow-up is not owed at night or on a holiday). */
export function addWorkingTime(from: Date, ms: number, config: Hours, isWorkday: IsWorkday): Date {
  let at = nextWorkingInstant(from, config, isWorkday);
  let left = ms;
  for (let day = 0; day < MAX_DAYS; day += 1) {
    const end = toInstant(toLocalDate(at, config.timezone), config.working_hours.end, config.timezone);
    const room = end.getTime() - at.getTime();
    if (left <= room) return new Date(at.getTime() + left);
    left -= Math.max(room, 0);
    // A minute past the end: the next working day's start.
    at = nextWorkingInstant(new Date(end.getTime() + 60_000), config, isWorkday);
  }
  throw new RangeError(`working hours ${config.working_hours.start}–${config.working_hours.end} leave no room for ${ms} ms`);
}

/** When escalation `level` (1, 2) of an unacknowledged incident is due: ack_minutes after it opened, then twice that; halved when urgent. */
export function ackDueAt(openedAt: Date, level: number, options: { ackMinutes: number; urgent: boolean }): Date {
  const minutes = options.ackMinutes * (options.urgent ? 0.5 : 1) * (level === 1 ? 1 : 2);
  return new Date(openedAt.getTime() + minutes * 60_000);
}

/** When a follow-up is owed: follow_up_hours of working time (working days only) after the last news; halved, and counted around the clock, when urgent. */
export function followUpDueAt(lastAt: Date, options: { followUpHours: number; urgent: boolean; config: Hours; isWorkday: IsWorkday }): Date {
  const ms = options.followUpHours * 3600_000;
  if (options.urgent) return new Date(lastAt.getTime() + ms / 2);
  return addWorkingTime(lastAt, ms, options.config, options.isWorkday);
}

/** When a message due at `due` may go out: at once when urgent, else within the working hours. */
export function sendableAt(due: Date, urgent: boolean, config: Hours): Date {
  return urgent ? due : nextWorkingTime(config, due);
}

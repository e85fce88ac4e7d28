import type { Config } from "../../config/schema.js";
import { addDays, toInstant, toLocalDate, toLocalTime } from "../../time/local-time.js";

type Hours = Config["working_hours"];

/** The instant itself when it falls within the working hours of its day, else when they next begin. */
export function nextWorkingInstant(at: Date, hours: Hours, timeZone: string): Date {
  const date = toLocalDate(at, timeZone);
  const time = toLocalTime(at, timeZone);
  if (time < hours.start) return toInstant(date, hours.start, timeZone);
  if (time >= hours.end) return toInstant(addDays(date, 1), hours.start, timeZone);
  return at;
}

/** `ms` of working hours after `from`: the clock stops outside them (a follow-up is not owed at night). */
export function addWorkingTime(from: Date, ms: number, hours: Hours, timeZone: string): Date {
  let at = nextWorkingInstant(from, hours, timeZone);
  let left = ms;
  // A day's working hours at a time; a year of days is more than any clock of this config.
  for (let day = 0; day < 366; day += 1) {
    const end = toInstant(toLocalDate(at, timeZone), hours.end, timeZone);
    const room = end.getTime() - at.getTime();
    if (left <= room) return new Date(at.getTime() + left);
    left -= room;
    at = nextWorkingInstant(end, hours, timeZone);
  }
  throw new RangeError(`working hours ${hours.start}–${hours.end} leave no room for ${ms} ms`);
}

/** When escalation `level` (1, 2) of an unacknowledged incident is due: ack_minutes after it opened, then twice that; halved when urgent. */
export function ackDueAt(openedAt: Date, level: number, options: { ackMinutes: number; urgent: boolean }): Date {
  const minutes = options.ackMinutes * (options.urgent ? 0.5 : 1) * (level === 1 ? 1 : 2);
  return new Date(openedAt.getTime() + minutes * 60_000);
}

/** When a follow-up is owed: follow_up_hours of working time after the last news; halved, and counted around the clock, when urgent. */
export function followUpDueAt(lastAt: Date, options: { followUpHours: number; urgent: boolean; hours: Hours; timeZone: string }): Date {
  const ms = options.followUpHours * 3600_000;
  if (options.urgent) return new Date(lastAt.getTime() + ms / 2);
  return addWorkingTime(lastAt, ms, options.hours, options.timeZone);
}

/** When a message due at `due` may go out: at once when urgent, else within the working hours. */
export function sendableAt(due: Date, urgent: boolean, hours: Hours, timeZone: string): Date {
  return urgent ? due : nextWorkingInstant(due, hours, timeZone);
}

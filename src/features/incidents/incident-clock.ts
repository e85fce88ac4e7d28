import type { Config } from "../../config/schema.js";
import { nextWorkingTime } from "../../time/due.js";
import { toInstant, toLocalDate } from "../../time/local-time.js";

type Hours = Pick<Config, "working_hours" | "timezone">;

/** `ms` of working hours after `from`: the clock stops outside them (a follow-up is not owed at night). */
export function addWorkingTime(from: Date, ms: number, config: Hours): Date {
  let at = nextWorkingTime(config, from);
  let left = ms;
  // A day's working hours at a time; a year of days is more than any clock of this config.
  for (let day = 0; day < 366; day += 1) {
    const end = toInstant(toLocalDate(at, config.timezone), config.working_hours.end, config.timezone);
    const room = end.getTime() - at.getTime();
    if (left <= room) return new Date(at.getTime() + left);
    left -= Math.max(room, 0);
    // A minute past the end: the next day's start.
    at = nextWorkingTime(config, new Date(end.getTime() + 60_000));
  }
  throw new RangeError(`working hours ${config.working_hours.start}–${config.working_hours.end} leave no room for ${ms} ms`);
}

/** When escalation `level` (1, 2) of an unacknowledged incident is due: ack_minutes after it opened, then twice that; halved when urgent. */
export function ackDueAt(openedAt: Date, level: number, options: { ackMinutes: number; urgent: boolean }): Date {
  const minutes = options.ackMinutes * (options.urgent ? 0.5 : 1) * (level === 1 ? 1 : 2);
  return new Date(openedAt.getTime() + minutes * 60_000);
}

/** When a follow-up is owed: follow_up_hours of working time after the last news; halved, and counted around the clock, when urgent. */
export function followUpDueAt(lastAt: Date, options: { followUpHours: number; urgent: boolean; config: Hours }): Date {
  const ms = options.followUpHours * 3600_000;
  if (options.urgent) return new Date(lastAt.getTime() + ms / 2);
  return addWorkingTime(lastAt, ms, options.config);
}

/** When a message due at `due` may go out: at once when urgent, else within the working hours. */
export function sendableAt(due: Date, urgent: boolean, config: Hours): Date {
  return urgent ? due : nextWorkingTime(config, due);
}

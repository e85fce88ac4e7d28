import type { Config } from "../config/schema.js";
import { formatInstant } from "../time/local-time.js";
import type { TaskCalendar } from "../time/task-calendar.js";
import { scheduleText } from "../features/tallies/tally-text.js";
import { deriveSchedules } from "../schedule/derive-schedules.js";
import { listUpcomingSlots } from "../time/due.js";
import { formatMissingHolidayYear } from "../time/holiday-coverage.js";

/**
 * `pingan schedule`: the job schedulers the config asks for, and every push they will make in the
 * next days (reminders, tallies, the weekly roll-up, the 补报 note) from the decision the jobs act
 * on, with a warning when a year's holiday notice is due but not imported. Needs no Redis and no
 * secrets: the config is given with stand-ins for the missing ones.
 */
export function printSchedule({
  path,
  config,
  calendar,
  now,
  days,
  out,
}: {
  /** The config file, as the title names it. */
  path: string;
  config: Config;
  calendar: TaskCalendar;
  now: Date;
  days: number;
  out: (line: string) => void;
}): void {
  const zone = config.timezone;
  out(scheduleText.scheduleTitle(path, zone, config.working_hours));
  for (const year of calendar.missingHolidayYears(now)) out(`警告：${formatMissingHolidayYear(year)}`);
  for (const entry of deriveSchedules(config)) out(scheduleText.schedulerLine(entry.id, entry.pattern, entry.at));
  out("");
  out(scheduleText.upcomingTitle(days, formatInstant(now, zone, true)));
  const lines = listUpcomingSlots(calendar, config, now, days).flatMap((decision): string[] => {
    if (decision.kind === "weekly" && decision.skipped === "no_working_day") return [scheduleText.noRollup(decision.week)];
    if (decision.skipped) return [];
    if (decision.kind === "weekly") return [scheduleText.upcomingRollup(decision.at, decision.week, zone, decision.movedFrom)];
    if (decision.kind === "late-note") return [scheduleText.upcomingLateNote(decision.at, zone)];
    return [scheduleText.upcomingLine(formatInstant(decision.at, zone, true), calendar.taskName(decision.task), decision.kind, decision.period.id)];
  });
  if (lines.length === 0) out(scheduleText.noUpcoming);
  lines.forEach((line) => out(line));
}

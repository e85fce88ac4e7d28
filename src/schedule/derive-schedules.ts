import { TASK_IDS, type Config } from "../config/schema.js";

/** What a scheduler's job does when it fires. */
export type ScheduleKind = "slots" | "weekly" | "late-note";

/** One BullMQ job scheduler, derived from the config. */
export interface ScheduleEntry {
  /** Stable id: the same config gives the same ids, so upserts are idempotent. */
  id: string;
  kind: ScheduleKind;
  /** Cron pattern (minute hour day month weekday) in `tz`. */
  pattern: string;
  tz: string;
  /** The config time it came from, for people: `09:00`, `fri 19:00`. */
  at: string;
}

const WEEKDAY_NUMBER: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/**
 * The job schedulers a config needs. Task slots (reminders, tallies) get one daily scheduler
 * per distinct time of day: when it fires, the job asks the periods which slots fall at that
 * instant. Weekly slots, summer schedules and weeks shortened by a holiday (whose slots move to
 * another weekday but keep their time) are all covered without a scheduler per weekday.
 */
export function deriveSchedules(config: Config): ScheduleEntry[] {
  const tz = config.timezone;
  const times = new Set<string>();
  for (const task of TASK_IDS) {
    const spec = config.tasks[task];
    if (!spec?.enabled) continue;
    for (const schedule of [spec, spec.summer]) {
      if (!schedule) continue;
      for (const slot of [...schedule.reminders, ...(schedule.tally ? [schedule.tally] : [])]) times.add(timeOf(slot));
    }
  }
  const entries: ScheduleEntry[] = [...times].sort().map((time) => ({
    id: `slots@${time}`,
    kind: "slots",
    pattern: cron(time),
    tz,
    at: time,
  }));
  entries.push({ id: "weekly", kind: "weekly", pattern: cron(config.weekly.at), tz, at: config.weekly.at });
  entries.push({ id: "late-note", kind: "late-note", pattern: cron(config.late_note.at), tz, at: config.late_note.at });
  return entries;
}

/** `09:30` → `30 9 * * *`; `fri 17:00` → `0 17 * * 5`. */
function cron(slot: string): string {
  const [first = "", second] = slot.split(" ");
  const time = second ?? first;
  const [hour, minute] = time.split(":").map(Number);
  const weekday = second === undefined ? "*" : String(WEEKDAY_NUMBER[first]);
  return `${minute} ${hour} * * ${weekday}`;
}

function timeOf(slot: string): string {
  return slot.split(" ").at(-1) ?? slot;
}

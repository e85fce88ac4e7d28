import { TASK_IDS, type Config } from "../config/schema.js";
import { parseSlot, toCron } from "../time/slots.js";

/** What a scheduler's job does when it fires. */
export type ScheduleKind = "slots" | "weekly" | "late-note" | "reduce-history";

/** When the nightly reduction of history past the retention runs: no one reports then, and it pushes nothing. */
export const REDUCE_HISTORY_AT = "03:30";

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
      for (const slot of [...schedule.reminders, ...(schedule.tally ? [schedule.tally] : [])]) times.add(parseSlot(slot).time);
    }
  }
  const entries: ScheduleEntry[] = [...times].sort().map((time) => ({
    id: `slots@${time}`,
    kind: "slots",
    pattern: toCron(time),
    tz,
    at: time,
  }));
  entries.push({ id: "weekly", kind: "weekly", pattern: toCron(config.weekly.at), tz, at: config.weekly.at });
  entries.push({ id: "late-note", kind: "late-note", pattern: toCron(config.late_note.at), tz, at: config.late_note.at });
  entries.push({ id: "reduce-history", kind: "reduce-history", pattern: toCron(REDUCE_HISTORY_AT), tz, at: REDUCE_HISTORY_AT });
  return entries;
}

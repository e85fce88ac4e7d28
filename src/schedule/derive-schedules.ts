import type { Config } from "../config/schema.js";
import type { PushKind } from "../time/due.js";
import { parseSlot, toCron } from "../time/slots.js";

/** What a scheduler's job does when it fires. */
export type ScheduleKind = "slots" | "weekly" | "late-note" | "reduce-history";

/**
 * The pushes each kind of job acts on when it fires: those of them that decideSlotsAt finds due
 * at that instant. Each push kind is one job's, so no push is acted on twice.
 */
export const PUSHES_OF: Record<ScheduleKind, readonly PushKind[]> = {
  slots: ["reminder", "tally"],
  weekly: ["weekly"],
  "late-note": ["late-note"],
  "reduce-history": [],
};

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
 * The job schedulers a config needs: one daily scheduler per distinct time of day of the pushes,
 * and the job asks decideSlotsAt what is due at that instant. Task slots (reminders, tallies) get
 * one per time; the weekly roll-up and the 补报 note one each, daily too. Weekly slots, summer
 * schedules, weeks shortened by a holiday and a roll-up moved off a holiday (all keep their time
 * of day, on another weekday) are covered without a scheduler per weekday.
 */
export function deriveSchedules(config: Config): ScheduleEntry[] {
  const tz = config.timezone;
  const times = new Set<string>();
  for (const spec of Object.values(config.tasks)) {
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
  entries.push({ id: "weekly", kind: "weekly", pattern: toCron(parseSlot(config.weekly.at).time), tz, at: config.weekly.at });
  entries.push({ id: "late-note", kind: "late-note", pattern: toCron(config.late_note.at), tz, at: config.late_note.at });
  entries.push({ id: "reduce-history", kind: "reduce-history", pattern: toCron(REDUCE_HISTORY_AT), tz, at: REDUCE_HISTORY_AT });
  return entries;
}

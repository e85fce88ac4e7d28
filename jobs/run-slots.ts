import { toLocalDate } from "../src/calendar/local-time.js";
import { buildReminders } from "../src/leaders/build-reminders.js";
import { buildTally } from "../src/leaders/build-tally.js";
import type { Push } from "../src/push/push-queue.js";
import { TTL } from "../src/redis/keys.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "../src/schedule/job-deps.js";
import { isWorkingTime } from "../src/schedule/working-hours.js";
import type { TaskId } from "../src/config/schema.js";

export interface SlotRunOptions extends JobRunOptions {
  /** Only this task. */
  task?: TaskId;
  /** Only reminders or only tallies. */
  kind?: "reminder" | "tally";
}

/**
 * A slot tick: at instant `at`, every enabled task whose period has a reminder or tally slot
 * exactly then acts on it: reminders to the groups of the missing schools, the tally to its
 * group. Nothing happens in quiet hours, on a day the task does not run, or out of season.
 * Pushes carry idempotency keys per task, period and slot, so a repeated tick sends nothing new.
 */
export async function runSlots(deps: JobDeps, at: Date, options: SlotRunOptions = {}): Promise<JobOutcome[]> {
  if (!isWorkingTime(deps.config, at)) return [{ job: "slots", pushed: [], skipped: "quiet_hours" }];
  const outcomes: JobOutcome[] = [];
  const date = toLocalDate(at, deps.config.timezone);
  for (const task of deps.periods.tasks) {
    if (options.task && options.task !== task) continue;
    const period = deps.periods.at(task, at)!;
    const due = deps.periods.periods.listSlots(period).filter((slot) => slot.at.getTime() === at.getTime());
    for (const slot of due) {
      if (slot.kind === "deadline" || (options.kind && options.kind !== slot.kind)) continue;
      const job = `${slot.kind}:${task}:${period.id}:${slot.spec}`;
      if (!period.required) {
        outcomes.push({ job, pushed: [], skipped: period.reason ?? "not_required" });
        continue;
      }
      if (!deps.periods.calendar.runsOn(deps.config.tasks[task]!.days, date)) {
        outcomes.push({ job, pushed: [], skipped: "not_running_day" });
        continue;
      }
      const pushes =
        slot.kind === "reminder"
          ? await buildReminders(deps, { task, period, slot: slot.spec })
          : [await buildTally(deps, { task, period, now: at })].filter((p): p is Push => p !== undefined);
      if (options.dryRun) {
        pushes.forEach((push) => options.show?.(push));
      } else {
        for (const push of pushes) await deps.push.enqueue(push);
        // Reports after this moment go into the 补报 note; the first tally's time counts.
        if (slot.kind === "tally") {
          await deps.redis.set(deps.keys.jobDone(`tally:${task}:${period.id}`), at.toISOString(), "EX", TTL.jobDoneSeconds, "NX");
        }
      }
      outcomes.push({ job, pushed: pushes.map((p) => p.idempotencyKey), ...(pushes.length === 0 && { skipped: "none_missing" }) });
    }
  }
  return outcomes;
}

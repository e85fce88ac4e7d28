import { addDays, toLocalDate } from "../src/calendar/local-time.js";
import type { TaskId } from "../src/config/schema.js";
import { formatPeriod } from "../src/reporting/format-time.js";
import type { Push } from "../src/push/push-queue.js";
import { TTL } from "../src/redis/keys.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "../src/schedule/job-deps.js";
import { isWorkingTime } from "../src/schedule/working-hours.js";
import { scheduleText } from "../src/text/schedule-text.js";

/** How far back a tally's late reports are still gathered. */
const LOOKBACK_DAYS = 7;

interface LateEntry {
  task: TaskId;
  period: string;
  school: string;
  at: string;
  late: boolean;
}

/**
 * The 补报 note: reports that arrived after their period's tally was posted, gathered into one
 * message at the configured time instead of a stream of pushes; each report is noted once.
 * Nothing is sent when there were none. The list is fixed on the first run of the day, so a
 * retried job sends the same note.
 */
export async function runLateNote(
  deps: JobDeps,
  at: Date,
  options: JobRunOptions = {},
): Promise<JobOutcome> {
  const zone = deps.config.timezone;
  const today = toLocalDate(at, zone);
  const job = `late-note:${today}`;
  if (!isWorkingTime(deps.config, at)) return { job, pushed: [], skipped: "quiet_hours" };
  const planKey = deps.keys.jobDone(job);
  const planned = await deps.redis.get(planKey);
  const entries: LateEntry[] = planned ? (JSON.parse(planned) as LateEntry[]) : await findLateReports(deps, today, at);
  if (entries.length === 0) return { job, pushed: [], skipped: "none_late" };
  const push: Push = {
    idempotencyKey: job,
    group: deps.config.late_note.group,
    message: {
      msgtype: "markdown",
      header: scheduleText.lateNoteTitle(at, zone),
      lines: [scheduleText.lateNoteIntro, ...entries.map((entry) => lineOf(deps, entry))].map((text) => ({ text })),
    },
  };
  if (options.dryRun) {
    options.show?.(push);
    return { job, pushed: [push.idempotencyKey] };
  }
  await deps.redis.set(planKey, JSON.stringify(entries), "EX", TTL.jobDoneSeconds, "NX");
  await deps.push.enqueue(push);
  for (const entry of entries) {
    const key = deps.keys.lateNoted(entry.task, entry.period);
    await deps.redis.multi().sadd(key, entry.school).expire(key, TTL.periodSeconds).exec();
  }
  return { job, pushed: [push.idempotencyKey] };
}

async function findLateReports(deps: JobDeps, today: string, at: Date): Promise<LateEntry[]> {
  const entries: LateEntry[] = [];
  for (const task of deps.periods.tasks) {
    for (const period of deps.periods.periods.listPeriods(task, addDays(today, -LOOKBACK_DAYS), today)) {
      const posted = await deps.redis.get(deps.keys.jobDone(`tally:${task}:${period.id}`));
      if (!posted) continue;
      const noted = new Set(await deps.redis.smembers(deps.keys.lateNoted(task, period.id)));
      for (const report of (await deps.store.list(task, period.id)).values()) {
        if (report.at <= posted || report.at > at.toISOString() || noted.has(report.school)) continue;
        entries.push({ task, period: period.id, school: report.school, at: report.at, late: report.late });
      }
    }
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

function lineOf(deps: JobDeps, entry: LateEntry): string {
  const school = deps.roster.byCode(entry.school)!;
  const period = deps.periods.byId(entry.task, entry.period);
  const label = period ? formatPeriod(period) : entry.period;
  return scheduleText.lateNoteLine(school, deps.periods.taskName(entry.task), label, new Date(entry.at), deps.config.timezone, entry.late);
}

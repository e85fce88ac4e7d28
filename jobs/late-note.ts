import { addDays, toLocalDate } from "../src/time/local-time.js";
import { formatPeriod } from "../src/time/periods.js";
import type { Push, PushMessage } from "../src/message/push.js";
import type { LateEntry } from "../src/store/job-ledger.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";
import { groupsByScope, leadersGroupsOf, leadersPushKey } from "../src/config/scope.js";
import { areaKey, areaLabel } from "../src/config/roster-tree.js";
import { isWorkingTime } from "../src/time/due.js";
import { scheduleText } from "../src/features/tallies/tally-text.js";

/** How far back a tally's late reports are still gathered. */
const LOOKBACK_DAYS = 7;

/**
 * The 补报 note: reports that arrived after their period's tally was posted, gathered into one
 * message at the configured time instead of a stream of pushes; each report is noted once.
 * Each leaders group (leadersGroupsOf `late_note.group`) is told of its node's schools, and none
 * with no late report of its own. The list is fixed on the first run of the day, so a
 * retried job sends the same notes. It reads only the schools logged since each tally and their
 * reports in force, never a period's whole log.
 */
export async function runLateNote(deps: JobDeps, at: Date, options: JobRunOptions = {}): Promise<JobOutcome> {
  const today = toLocalDate(at, deps.config.timezone);
  const job = `late-note:${today}`;
  if (!isWorkingTime(deps.config, at)) return { job, pushed: [], skipped: "quiet_hours" };
  const scopes = groupsByScope(deps.roster, deps.config, leadersGroupsOf(deps.config, deps.config.late_note.group));
  // Found once for every group's schools: a school no group is told of is not noted.
  const told = (school: string) => scopes.some(({ roster }) => roster.byCode(school) !== undefined);
  const entries = (await deps.jobs.latePlan(today)) ?? (await findLateReports(deps, today, at, told));
  const pushes = scopes.flatMap(({ roster, groups }) => {
    const own = entries.filter((entry) => roster.byCode(entry.school) !== undefined);
    if (own.length === 0) return [];
    const message: PushMessage = {
      msgtype: "markdown",
      header: scheduleText.lateNoteTitle(at, deps.config.timezone),
      lines: [scheduleText.lateNoteIntro, ...own.map((entry) => lineOf({ ...deps, roster }, entry))].map((text) => ({ text })),
    };
    return groups.map((group): Push => ({ idempotencyKey: leadersPushKey(job, group, deps.config.late_note.group), group, message }));
  });
  if (pushes.length === 0) return { job, pushed: [], skipped: "none_late" };
  if (options.dryRun) {
    pushes.forEach((push) => options.show?.(push));
    return { job, pushed: pushes.map((push) => push.idempotencyKey) };
  }
  await deps.jobs.keepLatePlan(today, entries);
  for (const push of pushes) await deps.push.enqueue(push);
  return { job, pushed: pushes.map((push) => push.idempotencyKey) };
}

async function findLateReports(deps: JobDeps, today: string, at: Date, told: (school: string) => boolean): Promise<LateEntry[]> {
  const entries: LateEntry[] = [];
  for (const task of deps.calendar.tasks) {
    for (const period of deps.calendar.list(task, addDays(today, -LOOKBACK_DAYS), today)) {
      const since = await deps.jobs.loggedSinceTally(task, period.id);
      if (!since || since.schools.length === 0) continue;
      const noted = await deps.jobs.lateNoted(task, period.id);
      const owed = since.schools.filter((school) => !noted.has(school) && told(school));
      const reports = await deps.store.current(task, period.id, owed);
      for (const report of reports.values()) {
        if (report.at <= since.at || report.at > at.toISOString()) continue;
        entries.push({ task, period: period.id, school: report.school, at: report.at, late: report.late });
      }
    }
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at));
}

function lineOf(deps: JobDeps, entry: LateEntry): string {
  const school = deps.roster.byCode(entry.school)!;
  const period = deps.calendar.byId(entry.task, entry.period);
  const label = period ? formatPeriod(period) : entry.period;
  const area = areaLabel(deps.roster.node, areaKey(school));
  return scheduleText.lateNoteLine(school, area, deps.calendar.taskName(entry.task), label, new Date(entry.at), deps.config.timezone, entry.late);
}

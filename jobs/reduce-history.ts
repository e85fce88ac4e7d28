import { addDays, toLocalDate } from "../src/time/local-time.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";

/** Days before the retention's edge still looked at, so a night the job missed is caught up. */
const CATCH_UP_DAYS = 30;

/**
 * The retention (limits.history_days): every period that ended more than that many days ago is
 * reduced to each school's final report, kept for good with its counts and exemptions, while
 * its audit log, msgids and replies go. Nothing is pushed; reducing twice changes nothing. Then
 * the embedded Redis's append-only file is rewritten, at night rather than during check-ins.
 */
export async function runReduceHistory(
  deps: Pick<JobDeps, "config" | "calendar" | "store" | "exemptions" | "log" | "rewriteAof">,
  at: Date,
  options: JobRunOptions = {},
): Promise<JobOutcome> {
  const today = toLocalDate(at, deps.config.timezone);
  const edge = addDays(today, -deps.config.limits.history_days);
  const job = `reduce-history:${today}`;
  let reduced = 0;
  for (const task of deps.calendar.tasks) {
    for (const period of deps.calendar.list(task, addDays(edge, -CATCH_UP_DAYS), edge)) {
      if (period.end >= edge) continue;
      reduced += 1;
      if (options.dryRun) continue;
      await deps.store.reduce(task, period.id);
      await deps.exemptions.keep(task, period.id);
    }
  }
  deps.log.info({ job, reduced, before: edge }, "periods past the retention reduced to their final reports");
  if (deps.rewriteAof && !options.dryRun) {
    // At night, while nothing else runs: the day's AOF rewritten down to the dataset.
    await deps.rewriteAof().then(
      () => deps.log.info({ job }, "append-only file rewrite started"),
      (error: unknown) => deps.log.warn({ job, err: error }, "append-only file not rewritten tonight"),
    );
  }
  return { job, pushed: [] };
}

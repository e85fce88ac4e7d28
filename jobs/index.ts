import type { Job } from "bullmq";
import type { Logger } from "pino";
import type { ScheduleKind } from "../src/schedule/derive-schedules.js";
import type { ScheduleJobData } from "../src/schedule/scheduler.js";
import type { PushJobSteps } from "../src/push/push-queue.js";
import type { DrainJobData, PartJobData, PushJobData } from "../src/push/push.js";
import type { JobDeps, JobOutcome, JobRunOptions } from "./job-deps.js";
import { runReduceHistory } from "./reduce-history.js";
import { runSlotsOf } from "./run-slots.js";

/** What each kind of scheduler runs when it fires at `at`: the pushes of its kind that are due then, or the nightly reduction. */
export const scheduledJobs: Record<ScheduleKind, (deps: JobDeps, at: Date, options?: JobRunOptions) => Promise<JobOutcome[]>> = {
  slots: runSlotsOf("slots"),
  weekly: runSlotsOf("weekly"),
  "late-note": runSlotsOf("late-note"),
  "reduce-history": async (deps, at, options) => [await runReduceHistory(deps, at, options)],
};

const MINUTE = 60_000;

/**
 * The schedule queue's processor: a job acts for the minute it was scheduled for (BullMQ's
 * `prevMillis`), not for when a worker got to it, so a late or retried job acts on the same
 * task, period and slot, and its pushes carry the same idempotency keys. Here, beside the jobs
 * it runs, so that a job's work starts in jobs/; the worker (src/main/schedule-worker.ts) only hosts it.
 */
export function processScheduledJob(deps: JobDeps, log: Pick<Logger, "info">) {
  return async function processScheduledJob(job: Job<ScheduleJobData>): Promise<JobOutcome[]> {
    const scheduledFor = job.opts.prevMillis ?? job.timestamp;
    const at = new Date(Math.floor(scheduledFor / MINUTE) * MINUTE);
    const outcomes = await scheduledJobs[job.data.kind](deps, at);
    log.info({ schedule: job.data.scheduleId, at: at.toISOString(), outcomes }, "scheduled job done");
    return outcomes;
  };
}

/**
 * The push queue's processor: a part is delivered (push/deliver.ts), a turn drains its group's
 * alert mailbox (push/mailbox.ts). Here like the schedule's: a job of either queue starts in
 * jobs/, and the queue modules only host their workers with the steps they are given.
 */
export function processPushJob(steps: PushJobSteps) {
  return function processPushJob(job: Job<PushJobData>, token?: string): Promise<string> {
    return job.data.kind === "drain" ? steps.drain(job as Job<DrainJobData>, token) : steps.deliver(job as Job<PartJobData>, token);
  };
}

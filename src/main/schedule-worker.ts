import { Worker, type Job } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import { scheduledJobs } from "../../jobs/index.js";
import type { JobDeps } from "../../jobs/job-deps.js";
import { SCHEDULE_QUEUE_NAME, type ScheduleJobData } from "../schedule/scheduler.js";

const MINUTE = 60_000;

/**
 * Runs the scheduler's jobs. A job acts for the minute it was scheduled for (BullMQ's
 * `prevMillis`), not for when a worker got to it, so a late or retried job acts on the same
 * task, period and slot, and its pushes carry the same idempotency keys.
 */
export function createScheduleWorker({
  connection,
  deps,
  log,
  queueName = SCHEDULE_QUEUE_NAME,
  prefix,
}: {
  connection: Redis | Cluster;
  deps: JobDeps;
  log: Pick<Logger, "info" | "warn" | "error">;
  queueName?: string;
  /** The product's key prefix (keys.bullPrefix()), as the scheduler's. */
  prefix: string;
}): Worker<ScheduleJobData> {
  const worker = new Worker<ScheduleJobData>(
    queueName,
    async (job: Job<ScheduleJobData>) => {
      const scheduledFor = job.opts.prevMillis ?? job.timestamp;
      const at = new Date(Math.floor(scheduledFor / MINUTE) * MINUTE);
      const outcomes = await scheduledJobs[job.data.kind](deps, at);
      log.info({ schedule: job.data.scheduleId, at: at.toISOString(), outcomes }, "scheduled job done");
      return outcomes;
    },
    { connection, concurrency: 1, prefix },
  );
  worker.on("failed", (job, error) => log.error({ schedule: job?.data.scheduleId, error: error.message }, "scheduled job failed"));
  worker.on("error", (error) => log.warn({ error: error.message }, "schedule worker error"));
  return worker;
}

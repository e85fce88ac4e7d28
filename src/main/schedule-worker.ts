import { Worker } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import { processScheduledJob } from "../../jobs/index.js";
import type { JobDeps } from "../../jobs/job-deps.js";
import { SCHEDULE_QUEUE_NAME, type ScheduleJobData } from "../schedule/scheduler.js";

/** Runs the scheduler's jobs, one at a time, with jobs/index.ts processScheduledJob. */
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
  const worker = new Worker<ScheduleJobData>(queueName, processScheduledJob(deps, log), { connection, concurrency: 1, prefix });
  worker.on("failed", (job, error) => log.error({ schedule: job?.data.scheduleId, error: error.message }, "scheduled job failed"));
  worker.on("error", (error) => log.warn({ error: error.message }, "schedule worker error"));
  return worker;
}

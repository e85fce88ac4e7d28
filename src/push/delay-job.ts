import { DelayedError, type Job } from "bullmq";

/** Puts a job back for `ms` without counting an attempt (waiting for a turn, a lease or the rate limit). */
export async function delayJob(job: Job, token: string | undefined, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}

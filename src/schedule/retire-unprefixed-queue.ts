import { Queue, type JobsOptions } from "bullmq";
import type { Cluster, Redis } from "ioredis";

/** BullMQ's own prefix, under which releases before this one kept the schedule queue. */
const BULLMQ_PREFIX = "bull";

/**
 * Empties the schedule queue an earlier release kept under BullMQ's own prefix (`bull:`), for
 * the same queue under the product's prefix (`into`): its schedulers go (sync creates them from
 * the config, once, under the prefix), a firing that fell due and was never taken (the service
 * was down) is queued again under the prefix, so it still runs, and every old key goes. Safe to
 * run from several processes at once: a moved firing keeps one job id. Returns how many firings
 * moved, or undefined when there was no old queue.
 */
export async function retireUnprefixedQueue<T>(connection: Redis | Cluster, into: Queue<T>, tickOptions: JobsOptions): Promise<number | undefined> {
  if (into.opts.prefix === BULLMQ_PREFIX) return undefined;
  const base = `${BULLMQ_PREFIX}:${into.name}:`;
  // Checked on the keys first: a Queue object would write its meta key, the thing this removes.
  if ((await connection.exists(`${base}meta`, `${base}repeat`, `${base}wait`, `${base}delayed`)) === 0) return undefined;
  const old = new Queue<T>(into.name, { connection, prefix: BULLMQ_PREFIX, skipMetasUpdate: true });
  try {
    // With every process stopped, a firing that fell due is still among the delayed jobs; those
    // still ahead go, as the schedulers create them again.
    const [seconds, micros] = await connection.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    const delayed = (await old.getJobs(["delayed"])).filter((job) => job.timestamp + job.delay <= now);
    const due = [...(await old.getJobs(["waiting", "prioritized"])), ...delayed];
    for (const job of due) {
      // BullMQ refuses ':' in a custom id; a scheduler's job id is `repeat:<key>:<ms>`.
      const jobId = `moved-${(job.id ?? "").replaceAll(":", "-")}`;
      await into.add(job.name, job.data, { ...tickOptions, jobId, prevMillis: job.opts.prevMillis ?? job.timestamp });
    }
    await old.obliterate({ force: true });
    return due.length;
  } finally {
    await old.close();
  }
}

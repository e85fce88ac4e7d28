import { Queue } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { ScheduleEntry, ScheduleKind } from "./derive-schedules.js";
import { retireUnprefixedQueue } from "./retire-unprefixed-queue.js";

/** The braces are a Redis Cluster hash tag: all of the queue's keys land in one slot. */
export const SCHEDULE_QUEUE_NAME = "{schedule}";

/** What a scheduled job carries. */
export interface ScheduleJobData {
  kind: ScheduleKind;
  scheduleId: string;
}

/** Each firing's job: a finished tick is of no further use; failures stay for the dashboard. */
const TICK_OPTIONS = { removeOnComplete: 500, removeOnFail: 1000, attempts: 3, backoff: { type: "exponential", delay: 5000 } };

export interface Scheduler {
  readonly queue: Queue<ScheduleJobData>;
  /**
   * Upserts every entry and removes schedulers the config no longer has, after moving a queue an
   * earlier release kept outside the prefix (retireUnprefixedQueue). Safe to run from many processes.
   */
  sync(): Promise<{ upserted: number; removed: string[] }>;
  /** Re-syncs whenever a scheduler has gone missing (e.g. Redis lost its data). */
  startWatchdog(intervalMs?: number): void;
  /** The next firing of each scheduler, as BullMQ has it. */
  next(): Promise<{ entry: ScheduleEntry; next?: Date }[]>;
  close(): Promise<void>;
}

export function createScheduler({
  connection,
  entries,
  log,
  queueName = SCHEDULE_QUEUE_NAME,
  prefix,
}: {
  connection: Redis | Cluster;
  entries: readonly ScheduleEntry[];
  log: Pick<Logger, "info" | "warn">;
  queueName?: string;
  /** The product's key prefix (keys.bullPrefix()): the queue's keys are under it like every other. */
  prefix: string;
}): Scheduler {
  const queue = new Queue<ScheduleJobData>(queueName, { connection, prefix });
  let watchdog: NodeJS.Timeout | undefined;
  let syncing: Promise<unknown> | undefined;

  const sync = async () => {
    const moved = await retireUnprefixedQueue(connection, queue, TICK_OPTIONS);
    if (moved !== undefined) log.info({ moved }, "moved the schedule queue under the key prefix");
    for (const entry of entries) {
      await queue.upsertJobScheduler(
        entry.id,
        { pattern: entry.pattern, tz: entry.tz },
        {
          name: entry.kind,
          data: { kind: entry.kind, scheduleId: entry.id },
          opts: TICK_OPTIONS,
        },
      );
    }
    const wanted = new Set(entries.map((e) => e.id));
    const removed: string[] = [];
    for (const existing of await queue.getJobSchedulers(0, -1)) {
      const id = existing.id ?? existing.key;
      if (!wanted.has(id)) {
        await queue.removeJobScheduler(id);
        removed.push(id);
      }
    }
    if (removed.length > 0) log.info({ removed }, "removed schedulers no longer in the config");
    return { upserted: entries.length, removed };
  };

  const missing = async () => {
    const present = new Set((await queue.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key));
    return entries.filter((e) => !present.has(e.id)).map((e) => e.id);
  };

  return {
    queue,
    sync,
    startWatchdog(intervalMs = 60_000) {
      watchdog = setInterval(() => {
        if (syncing) return;
        syncing = missing()
          .then(async (gone) => {
            if (gone.length === 0) return;
            log.warn({ missing: gone }, "schedulers missing (Redis lost data?): restoring");
            await sync();
          })
          .catch((error: Error) => log.warn({ error: error.message }, "scheduler watchdog failed"))
          .finally(() => {
            syncing = undefined;
          });
      }, intervalMs);
      watchdog.unref();
    },
    async next() {
      const byId = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.id ?? s.key, s]));
      return entries.map((entry) => {
        const next = byId.get(entry.id)?.next;
        return { entry, ...(next !== undefined && { next: new Date(next) }) };
      });
    },
    async close() {
      if (watchdog) clearInterval(watchdog);
      await syncing;
      await queue.close();
    },
  };
}

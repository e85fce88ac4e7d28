import { Queue, Worker } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { Keys } from "../store/keys.js";
import { createDeliver } from "./deliver.js";
import { createEnqueue } from "./enqueue.js";
import { createPartState } from "./part-state.js";
import { recordPushResult } from "./push-status.js";
import { createRateLimiter } from "./rate-limit.js";
import type { Push, PushJobData, PushMetrics } from "./push.js";

export interface PushQueueOptions {
  /** Shared by the queue and the workers; needs `maxRetriesPerRequest: null`. */
  connection: Redis | Cluster;
  keys: Keys;
  groups: Config["groups"];
  /** WeCom API base (WECOM_API_BASE). */
  apiBase: string;
  fetch: typeof globalThis.fetch;
  log: Pick<Logger, "debug" | "info" | "warn" | "error">;
  metrics?: PushMetrics;
  /** Carries a hash tag so that all of the queue's keys share one Redis Cluster slot. */
  queueName?: string;
  /** Per webhook key: at most `perWindow` sends in any `windowMs` (WeCom: 20 a minute). */
  rateLimit?: { perWindow?: number; windowMs?: number };
  /** Attempts for network errors, 5xx, 45009 and -1, with exponential backoff from `delayMs`. */
  retry?: { attempts?: number; delayMs?: number };
  requestTimeoutMs?: number;
  /** How often a part re-checks whether the part before it has gone out. */
  orderPollMs?: number;
  /** Jobs one worker runs at once. */
  concurrency?: number;
}

export interface PushQueue {
  /** Splits the message and adds one job per part; a no-op for a push already enqueued or delivered. */
  enqueue(push: Push): Promise<void>;
  /** Starts a worker on this queue (one per process is enough; more are safe). */
  startWorker(): Worker<PushJobData>;
  /** Closes the workers started here and the queue; the connection stays open. */
  close(): Promise<void>;
  readonly queue: Queue<PushJobData>;
}

export const PUSH_QUEUE_NAME = "{push}";

/** How long one webhook request may take before it is given up and retried (see below). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 35_000;


/**
 * The push pipeline: one BullMQ job per message part, delivered to the group's robot webhook
 * in order, within WeCom's rate limit, once. Built from its three parts: enqueueing (web and
 * jobs), delivering (the worker) and the per-part state machine.
 */
export function createPushQueue(options: PushQueueOptions): PushQueue {
  const { connection, keys, groups, log, metrics } = options;
  const queueName = options.queueName ?? PUSH_QUEUE_NAME;
  // A request is retried only after its timeout, and a request that timed out may still be
  // delivered: with WeCom hanging 30 s, a 10 s timeout sent each message up to three times.
  // 35 s lets a 30 s hang finish, so a longer hang costs at most one duplicate per message.
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const queue = new Queue<PushJobData>(queueName, {
    connection,
    prefix: keys.bullPrefix(),
    defaultJobOptions: {
      attempts: options.retry?.attempts ?? 10,
      backoff: { type: "exponential", delay: options.retry?.delayMs ?? 1_000, jitter: 0.2 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
  const parts = createPartState({ redis: connection, keys });
  const deliver = createDeliver({
    queue,
    groups,
    parts,
    limiter: createRateLimiter({
      redis: connection,
      keys,
      limit: options.rateLimit?.perWindow,
      windowMs: options.rateLimit?.windowMs,
      inFlightMs: requestTimeoutMs + 5_000,
    }),
    record: async (group, result, lost) => {
      await recordPushResult(connection, keys, group, result, lost);
      metrics?.observePush({ group, outcome: result.outcome, errcode: result.errcode });
    },
    apiBase: options.apiBase,
    fetch: options.fetch,
    log,
    requestTimeoutMs,
    leaseMs: requestTimeoutMs + 15_000,
    orderPollMs: options.orderPollMs ?? 500,
  });
  const workers: Worker<PushJobData>[] = [];
  return {
    queue,
    enqueue: createEnqueue({ queue, groups, parts }),
    startWorker() {
      const worker = new Worker<PushJobData>(queueName, deliver, {
        connection,
        prefix: keys.bullPrefix(),
        concurrency: options.concurrency ?? 4,
      });
      worker.on("error", (error) => log.error({ err: error }, "push worker error"));
      worker.on("failed", (job, error) => {
        if (job && error.message.includes("stalled")) {
          log.error({ groupId: job.data.group, idempotencyKey: job.data.idempotencyKey, reason: error.message }, "push job stalled");
        }
      });
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await queue.close();
    },
  };
}

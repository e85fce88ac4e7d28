import { Queue, Worker, type Job, type Processor } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { Keys } from "../store/keys.js";
import type { Clock } from "../clock/clock.js";
import { createDeliver, createGroupSend, createPartState, type SendViaBot } from "./deliver.js";
import { createEnqueue, isPushDone } from "./enqueue.js";
import { createTargetLimiter, type BotRateLimit } from "./rate-window.js";
import type { DrainJobData, PartJobData, PushJobData } from "./push.js";
import type { SettledCheck } from "../message/push.js";
import { createMailbox, type AlertDelivered, type MergeAlerts, type PrepareAlert } from "./mailbox.js";
import { createDeliveryLog, createPushRecorder, type DeliveryLog, type PushMetrics } from "./delivery-log.js";

export interface PushQueueOptions {
  /** Shared by the queue and the workers; needs `maxRetriesPerRequest: null`. */
  connection: Redis | Cluster;
  keys: Keys;
  groups: Config["groups"];
  /** WeCom API base (WECOM_API_BASE). */
  apiBase: string;
  fetch: typeof globalThis.fetch;
  log: Pick<Logger, "debug" | "info" | "warn" | "error">;
  /** When each result happened, as /healthz shows it. */
  clock: Clock;
  metrics?: PushMetrics;
  /** Carries a hash tag so that all of the queue's keys share one Redis Cluster slot. */
  queueName?: string;
  /** Per webhook key: at most `perWindow` sends in any `windowMs` (WeCom: 20 a minute). */
  rateLimit?: { perWindow?: number; windowMs?: number };
  /** Per bot conversation (groups `via: bot`), replies included: at most `perWindow` in any `windowMs` and `perHour` in any hour (WeCom: 30 a minute, 1000 an hour). */
  botRateLimit?: BotRateLimit;
  /** Pushes of groups `via: bot`, through the long connection's holder. */
  viaBot?: SendViaBot;
  /**
   * Attempts for network errors, 5xx, 45009 and -1, with exponential backoff from `delayMs`.
   * Alerts are tried until they go out, from the same `delayMs` (see mailbox.ts).
   */
  retry?: { attempts?: number; delayMs?: number };
  requestTimeoutMs?: number;
  /** How often a part re-checks whether the part before it has gone out. */
  orderPollMs?: number;
  /** Jobs one worker runs at once. */
  concurrency?: number;
  /** How queued alerts become one message; by default their lines one after another. */
  mergeAlerts?: MergeAlerts;
  /** Which subjects of a re-checked push (reminders) are settled at delivery; see deliver.ts reviseBody. */
  settled?: SettledCheck;
  /** What an alert says when it goes out (see mailbox.ts); as queued by default. */
  prepareAlert?: PrepareAlert;
  /** Told each alert delivered (see mailbox.ts). */
  alertDelivered?: AlertDelivered;
  /** Days the delivery log keeps an entry (limits.history_days); 400. */
  retentionDays?: number;
}

export interface PushQueue {
  /**
   * Splits the message and adds one job per part; a no-op for a push already enqueued or
   * delivered. With `estimate`, answers roughly the ms until it has gone out (rate-window.ts).
   */
  enqueue: ReturnType<typeof createEnqueue>;
  /**
   * Starts a worker on this queue (one per process is enough; more are safe), running the
   * processor `processorOf` makes of the queue's two kinds of job (jobs/index.ts processPushJob).
   */
  startWorker(processorOf: (steps: PushJobSteps) => Processor<PushJobData>): Worker<PushJobData>;
  /** Closes the workers started here and the queue; the connection stays open. */
  close(): Promise<void>;
  /**
   * Queues a turn for every group's alert mailbox that holds alerts no turn will send (its turn
   * never queued, or given up); the workers' sweep calls it. Returns the groups it queued for.
   */
  ensureAlertTurns(): Promise<string[]>;
  /** Whether every part of the push went out: false while one waits or is retried, or failed. */
  isDone(idempotencyKey: string): Promise<boolean>;
  readonly queue: Queue<PushJobData>;
  /** Every part of every push, from its enqueueing to its end (pingan deliveries, /healthz). */
  readonly deliveries: DeliveryLog;
}

/** What a job of the push queue does: deliver one part of a push, or take a turn at a group's alert mailbox. */
export interface PushJobSteps {
  deliver(job: Job<PartJobData>, token?: string): Promise<string>;
  drain(job: Job<DrainJobData>, token?: string): Promise<string>;
}

export const PUSH_QUEUE_NAME = "{push}";

/** The first retry's delay; each next one doubles. */
const DEFAULT_RETRY_DELAY_MS = 1_000;

/** How long one webhook request may take before it is given up and retried (see below). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 35_000;


/**
 * The push pipeline: one BullMQ job per message part, delivered to the group's robot webhook
 * in order, within WeCom's rate limit, once. Built from its parts: enqueueing (web and jobs),
 * delivering (the worker), the per-part state machine, and the groups' alert mailboxes.
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
      backoff: { type: "exponential", delay: options.retry?.delayMs ?? DEFAULT_RETRY_DELAY_MS, jitter: 0.2 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
  const parts = createPartState({ redis: connection, keys });
  const limiter = createTargetLimiter({
    redis: connection,
    keys,
    webhook: { limit: options.rateLimit?.perWindow, windowMs: options.rateLimit?.windowMs, inFlightMs: requestTimeoutMs + 5_000 },
    ...(options.botRateLimit && { bot: options.botRateLimit }),
    groups,
  });
  const record = createPushRecorder({ redis: connection, keys, clock: options.clock, ...(metrics && { metrics }) });
  const send = createGroupSend({ apiBase: options.apiBase, fetch: options.fetch, requestTimeoutMs, limiter, ...(options.viaBot && { viaBot: options.viaBot }) });
  const deliveries = createDeliveryLog({
    redis: connection,
    keys,
    clock: options.clock,
    retentionDays: options.retentionDays ?? 400,
    ...(metrics && { metrics }),
  });
  const delivery = { send, log, requestTimeoutMs, deliveries };
  const mailbox = createMailbox({
    ...delivery,
    redis: connection,
    keys,
    queue,
    groups,
    limiter,
    record,
    clock: options.clock,
    retryDelayMs: options.retry?.delayMs ?? DEFAULT_RETRY_DELAY_MS,
    ...(options.prepareAlert && { prepare: options.prepareAlert }),
    ...(options.alertDelivered && { delivered: options.alertDelivered }),
    merge: options.mergeAlerts ?? (async (_group, pushes) => ({ message: { msgtype: "markdown", lines: pushes.flatMap((push) => push.message.lines) }, shown: [] })),
  });
  const deliver = createDeliver({
    ...delivery,
    // A group that took a part can be reached again: what it is owed goes back to its mailbox.
    onDelivered: mailbox.resendOwed,
    queue,
    groups,
    parts,
    limiter,
    record,
    orderPollMs: options.orderPollMs ?? 500,
    ...(options.settled && { settled: options.settled }),
  });
  const steps: PushJobSteps = { deliver, drain: mailbox.drain };
  const workers: Worker<PushJobData>[] = [];
  return {
    queue,
    deliveries,
    enqueue: createEnqueue({ redis: connection, keys, queue, groups, mailbox, deliveries, windows: limiter.groupWindows }),
    ensureAlertTurns: mailbox.ensureTurns,
    isDone: (idempotencyKey) => isPushDone(connection, keys, idempotencyKey),
    startWorker(processorOf) {
      const worker = new Worker<PushJobData>(queueName, processorOf(steps), {
        connection,
        prefix: keys.bullPrefix(),
        concurrency: options.concurrency ?? 4,
      });
      worker.on("error", (error) => log.error({ err: error }, "push worker error"));
      worker.on("failed", (job, error) => {
        if (job && error.message.includes("stalled")) {
          log.error({ groupId: job.data.group, job: job.id, reason: error.message }, "push job stalled");
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

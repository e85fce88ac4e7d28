import { randomUUID } from "node:crypto";
import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { TTL, type Keys } from "../store/keys.js";
import { recordPushResult, type PushResult } from "./push-status.js";
import { createRateLimiter } from "./rate-limit.js";
import { defineScript } from "../store/scripts.js";
import { splitMessage, type PushMessage, type WebhookBody } from "./split-message.js";
import { sendWebhook } from "./webhook-client.js";

/** One logical push: a message for one group, sent once however often it is enqueued. */
export interface Push {
  /** Names the push for deduplication, e.g. `remind:safety:2026-11-20:09:30`. Same key, same message. */
  idempotencyKey: string;
  /** Group id, a key of `config.groups`. */
  group: string;
  message: PushMessage;
}

/** The data of one job: one part of a push, already rendered. */
export interface PushJobData {
  idempotencyKey: string;
  group: string;
  /** 0-based. */
  part: number;
  parts: number;
  body: WebhookBody;
}

/** Counters for /metrics, if the caller keeps them. */
export interface PushMetrics {
  observePush(event: { group: string; outcome: PushResult["outcome"]; errcode?: number }): void;
}

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

const SENT = "sent";
const SENDING = "sending:";
const FAILED = "failed:";

/** Claims a part for sending unless it was sent or someone else is sending it right now. */
const claimScript = defineScript(`
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 7) ~= 'failed:' then
  return {v, redis.call('PTTL', KEYS[1])}
end
redis.call('SET', KEYS[1], 'sending:' .. ARGV[1], 'PX', ARGV[2])
return {'claimed', 0}
`);

const releaseScript = defineScript(`
if redis.call('GET', KEYS[1]) == 'sending:' .. ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`);

/** A job id per part; BullMQ ids may not contain ':' (idempotency keys often do). */
export function formatPushJobId(idempotencyKey: string, part: number): string {
  return `${idempotencyKey.replaceAll("%", "%25").replaceAll(":", "%3A")}#${part}`;
}

/**
 * The push pipeline: one BullMQ job per message part, delivered to the group's robot webhook
 * in order, within WeCom's rate limit, once.
 *
 * Delivery guarantee: each part has a state key (keys.pushPart). A worker claims the part with
 * a lease before calling the webhook and marks it `sent` after WeCom answers errcode 0; a
 * retried or duplicated job that finds `sent` does not call again, and one that finds a live
 * lease waits. The one gap is a crash (or lost answer) between WeCom accepting the message and
 * the `sent` mark: the webhook has no idempotency of its own, so the part is sent again after
 * the lease runs out. That is at-least-once, chosen over losing a message.
 */
export function createPushQueue(options: PushQueueOptions): PushQueue {
  const { connection, keys, groups, apiBase, fetch, log, metrics } = options;
  const queueName = options.queueName ?? PUSH_QUEUE_NAME;
  const attempts = options.retry?.attempts ?? 10;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const leaseMs = requestTimeoutMs + 15_000;
  const orderPollMs = options.orderPollMs ?? 500;
  const limiter = createRateLimiter({
    redis: connection,
    keys,
    limit: options.rateLimit?.perWindow,
    windowMs: options.rateLimit?.windowMs,
    inFlightMs: requestTimeoutMs + 5_000,
  });
  const queue = new Queue<PushJobData>(queueName, {
    connection,
    prefix: keys.bullPrefix(),
    defaultJobOptions: {
      attempts,
      backoff: { type: "exponential", delay: options.retry?.delayMs ?? 1_000, jitter: 0.2 },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
  const workers: Worker<PushJobData>[] = [];

  const record = async (group: string, result: PushResult) => {
    await recordPushResult(connection, keys, group, result);
    metrics?.observePush({ group, outcome: result.outcome, errcode: result.errcode });
  };

  const markFailed = (data: PushJobData, why: string) =>
    connection.set(keys.pushPart(data.idempotencyKey, data.part), FAILED + why, "EX", TTL.pushDoneSeconds);

  const markSent = async (data: PushJobData) => {
    const tx = connection.multi().set(keys.pushPart(data.idempotencyKey, data.part), SENT, "EX", TTL.pushDoneSeconds);
    if (data.part === data.parts - 1) tx.set(keys.pushDone(data.idempotencyKey), "1", "EX", TTL.pushDoneSeconds);
    await tx.exec();
  };

  const delay = async (job: Job<PushJobData>, token: string | undefined, ms: number): Promise<never> => {
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  };

  /** Whether the part before this one is out of the way: sent, failed, or gone. */
  const checkPrevious = async (data: PushJobData): Promise<"go" | "wait" | "failed"> => {
    if (data.part === 0) return "go";
    const state = await connection.get(keys.pushPart(data.idempotencyKey, data.part - 1));
    if (state === SENT) return "go";
    if (state?.startsWith(FAILED)) return "failed";
    const previous = await queue.getJob(formatPushJobId(data.idempotencyKey, data.part - 1));
    if (!previous) return "go";
    const jobState = await previous.getState();
    if (jobState === "failed") return "failed";
    if (jobState === "completed" || jobState === "unknown") return "go";
    return "wait";
  };

  const processPart = async (job: Job<PushJobData>, token?: string): Promise<string> => {
    const data = job.data;
    const group = groups[data.group];
    const where = {
      group: group?.name ?? data.group,
      groupId: data.group,
      idempotencyKey: data.idempotencyKey,
      part: `${data.part + 1}/${data.parts}`,
    };
    if (!group) {
      await markFailed(data, "unknown group");
      await record(data.group, { at: new Date().toISOString(), outcome: "failed", reason: "unknown group" });
      log.error(where, "push failed: the group is not in the config");
      throw new UnrecoverableError(`unknown group ${data.group}`);
    }
    const partKey = keys.pushPart(data.idempotencyKey, data.part);
    if ((await connection.get(partKey)) === SENT) {
      await markSent(data);
      return "already sent";
    }
    const previous = await checkPrevious(data);
    if (previous === "wait") return delay(job, token, orderPollMs);
    if (previous === "failed") {
      const reason = "an earlier part of this push was not delivered";
      await markFailed(data, "earlier part");
      await record(data.group, { at: new Date().toISOString(), outcome: "failed", reason });
      log.error(where, `push failed: ${reason}`);
      throw new UnrecoverableError(reason);
    }

    const claim = randomUUID();
    const [state, pttl] = (await claimScript(connection, [partKey], [claim, leaseMs])) as [string, number];
    if (state === SENT) {
      await markSent(data);
      return "already sent";
    }
    if (state.startsWith(SENDING)) {
      log.debug({ ...where, waitMs: pttl }, "push waits for another sender's lease");
      return delay(job, token, Math.max(Number(pttl), 10));
    }

    const slot = randomUUID();
    const wait = await limiter.reserve(group.webhook_key, slot);
    if (wait > 0) {
      await releaseScript(connection, [partKey], [claim]);
      log.debug({ ...where, waitMs: wait }, "push waits for the rate limit");
      return delay(job, token, wait);
    }

    const result = await sendWebhook({ apiBase, key: group.webhook_key, body: data.body, fetch, timeoutMs: requestTimeoutMs });
    if (result.outcome === "ok") await markSent(data);
    // Unsettled, the slot just counts a little longer than needed.
    await limiter.settle(group.webhook_key, slot).catch((error: unknown) => log.warn({ ...where, err: error }, "rate slot not settled"));
    const at = new Date().toISOString();
    if (result.outcome === "ok") {
      await record(data.group, { at, outcome: "sent" });
      log.info(where, "push delivered");
      return "sent";
    }
    const { reason, errcode } = result;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (result.outcome === "retry" && !lastAttempt) {
      await releaseScript(connection, [partKey], [claim]);
      await record(data.group, { at, outcome: "retry", errcode, reason });
      log.warn({ ...where, errcode, reason, attempt: job.attemptsMade + 1 }, "push will be retried");
      throw new Error(reason);
    }
    await markFailed(data, errcode === undefined ? "error" : String(errcode));
    await record(data.group, { at, outcome: "failed", errcode, reason });
    log.error({ ...where, errcode, reason }, "push failed");
    throw new UnrecoverableError(reason);
  };

  return {
    queue,
    async enqueue(push) {
      if (!groups[push.group]) throw new Error(`push to unknown group "${push.group}"`);
      if (push.idempotencyKey === "") throw new Error("a push needs an idempotency key");
      if (await connection.exists(keys.pushDone(push.idempotencyKey))) return;
      const bodies = splitMessage(push.message);
      if (bodies.length === 0) return;
      await queue.addBulk(
        bodies.map((body, part) => ({
          name: "push",
          data: { idempotencyKey: push.idempotencyKey, group: push.group, part, parts: bodies.length, body },
          opts: { jobId: formatPushJobId(push.idempotencyKey, part) },
        })),
      );
    },
    startWorker() {
      const worker = new Worker<PushJobData>(queueName, processPart, {
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

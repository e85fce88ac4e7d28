import { randomUUID } from "node:crypto";
import { UnrecoverableError, type Job, type Queue } from "bullmq";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { PartState } from "./part-state.js";
import { delayJob } from "./delay-job.js";
import type { SettledCheck } from "../message/push.js";
import { formatPushJobId, type PartJobData, type PushJobData } from "./push.js";
import { reviseBody } from "./recheck.js";
import type { PushResult, RecordPushResult } from "./push-status.js";
import { BOT_WAIT_MS, type GroupSend } from "./group-send.js";
import { pushTargetOf, type TargetLimiter } from "./rate-window.js";
import type { DeliveryWay } from "./delivery-log.js";
import { deliveryId, type DeliveryLog } from "./delivery-log.js";
import { leaseFor, requestTimeoutAfter } from "./request-timeout.js";

export interface DeliverOptions {
  queue: Queue<PushJobData>;
  groups: Config["groups"];
  parts: PartState;
  limiter: TargetLimiter;
  /** Stores a result of a push to a group, stamped with the time it happened; `lost` names a push that will not go out. */
  record: RecordPushResult;
  send: GroupSend;
  log: Pick<Logger, "debug" | "info" | "warn" | "error">;
  deliveries: DeliveryLog;
  /** The first request's timeout; see request-timeout.ts for the next ones. */
  requestTimeoutMs: number;
  /** Told each part delivered to a group: the group can be reached again (its owed alerts go). */
  onDelivered?: (group: string) => Promise<unknown>;
  /** How often a part re-checks whether the part before it has gone out. */
  orderPollMs: number;
  /** For parts of pushes with `recheck`: which of their subjects are settled (see recheck.ts). */
  settled?: SettledCheck;
}

/**
 * The worker's side: delivers one part to the group (its robot webhook, or the smart bot), after the part before it,
 * within WeCom's rate limit, once (see PartState). The one gap is a crash (or lost answer)
 * between WeCom accepting the message and the `sent` mark: the webhook has no idempotency of
 * its own, so the part is sent again after the lease runs out. That is at-least-once, chosen
 * over losing a message.
 */
const EARLIER_PART = "earlier part";

export function createDeliver(options: DeliverOptions) {
  const { queue, groups, parts, limiter, record, log, deliveries } = options;

  /** A part that will not go out; the push counts as lost once, at the part that failed first. */
  const fail = async (data: PartJobData, why: string, result: Omit<PushResult, "at" | "outcome"> & { way?: DeliveryWay }): Promise<never> => {
    await parts.markFailed(data, why);
    await deliveries.attempted(deliveryId(data.idempotencyKey, data.part), { outcome: "failed", ...result });
    const lost = why === EARLIER_PART ? undefined : data.idempotencyKey;
    await record(data.group, { outcome: "failed", ...result }, { lost });
    throw new UnrecoverableError(result.reason ?? why);
  };

  /** Whether the part before this one is out of the way: sent, failed, or gone. */
  const checkPrevious = async (data: PartJobData): Promise<"go" | "wait" | "failed"> => {
    if (data.part === 0) return "go";
    const state = await parts.previous(data);
    if (state !== "unknown") return state === "sent" ? "go" : "failed";
    const previous = await queue.getJob(formatPushJobId(data.idempotencyKey, data.part - 1));
    if (!previous) return "go";
    const jobState = await previous.getState();
    if (jobState === "failed") return "failed";
    if (jobState === "completed" || jobState === "unknown") return "go";
    return "wait";
  };

  return async function deliver(job: Job<PartJobData>, token?: string): Promise<string> {
    const data = job.data;
    const group = groups[data.group];
    const where = { group: group?.name ?? data.group, groupId: data.group, idempotencyKey: data.idempotencyKey, part: `${data.part + 1}/${data.parts}` };
    if (!group) {
      log.error(where, "push failed: the group is not in the config");
      return fail(data, "unknown group", { reason: "unknown group" });
    }
    const id = deliveryId(data.idempotencyKey, data.part);
    // Read together: whether it went out already, and how long its next request may take.
    const [sent, timeouts] = await Promise.all([parts.isSent(data), deliveries.timeouts(id)]);
    if (sent) {
      await parts.markSent(data);
      return "already sent";
    }
    const previous = await checkPrevious(data);
    if (previous === "wait") return delayJob(job, token, options.orderPollMs);
    if (previous === "failed") {
      const reason = "an earlier part of this push was not delivered";
      log.error(where, `push failed: ${reason}`);
      return fail(data, EARLIER_PART, { reason });
    }

    // A request that timed out may have been delivered late: the next one waits longer, so a hang costs one copy at most.
    const timeoutMs = requestTimeoutAfter(options.requestTimeoutMs, timeouts);
    const claim = randomUUID();
    const claimed = await parts.claim(data, claim, leaseFor(timeoutMs));
    if (claimed.state === "sent") {
      await parts.markSent(data);
      return "already sent";
    }
    if (claimed.state === "leased") {
      log.debug({ ...where, waitMs: claimed.waitMs }, "push waits for another sender's lease");
      return delayJob(job, token, claimed.waitMs);
    }

    // Right before the send: a part that waited for the window says only what is still true.
    const body = await reviseBody(data, options.settled);
    if (!body) {
      await parts.markSent(data);
      await deliveries.attempted(id, { outcome: "settled" });
      log.info(where, "push part not sent: everything it said was settled meanwhile");
      return "settled";
    }

    const target = pushTargetOf(group);
    const slot = randomUUID();
    const wait = await limiter.reserve(target, slot);
    if (wait > 0) {
      await parts.release(data, claim);
      log.debug({ ...where, waitMs: wait }, "push waits for the rate limit");
      return delayJob(job, token, wait);
    }

    const result = await options.send(target, body, timeoutMs);
    if (result.outcome === "wait") {
      // Nothing went out: the part waits in Redis, however long the bot stays disconnected.
      await limiter.release(target, slot);
      await parts.release(data, claim);
      log.info({ ...where, reason: result.reason }, "push waits for the long connection");
      return delayJob(job, token, result.waitMs ?? BOT_WAIT_MS);
    }
    // Unsettled, the slot just counts a little longer than needed.
    const settled = limiter.settle(target, slot).catch((error: unknown) => log.warn({ ...where, err: error }, "rate slot not settled"));
    await Promise.all([result.outcome === "ok" && parts.markSent(data), settled]);
    const { way } = result;
    if (result.outcome === "ok") {
      await Promise.all([deliveries.attempted(id, { outcome: "sent", way, digest: result.digest }), record(data.group, { outcome: "sent" })]);
      await options.onDelivered?.(data.group);
      log.info({ ...where, way }, "push delivered");
      return "sent";
    }
    const { reason, errcode } = result;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (result.outcome === "retry" && !lastAttempt) {
      await parts.release(data, claim);
      await deliveries.attempted(id, { outcome: "retrying", way, errcode, reason, digest: result.digest, ...(result.timedOut && { timedOut: true }) });
      await record(data.group, { outcome: "retry", errcode, reason });
      log.warn({ ...where, errcode, reason, way, attempt: job.attemptsMade + 1 }, "push will be retried");
      throw new Error(reason);
    }
    log.error({ ...where, errcode, reason, way }, "push failed");
    return fail(data, errcode === undefined ? "error" : String(errcode), { errcode, reason, way });
  };
}

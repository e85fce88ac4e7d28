import { randomUUID } from "node:crypto";
import type { Job, Queue } from "bullmq";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import type { RedisClient } from "../store/connect-redis.js";
import { TTL, type Keys } from "../store/keys.js";
import { loadScript } from "../store/scripts.js";
import { delayJob } from "./delay-job.js";
import type { DrainJobData, PushJobData } from "./push.js";
import type { Push, PushMessage } from "../message/push.js";
import { BOT_WAIT_MS, type GroupSend, leaseFor, requestTimeoutAfter } from "./deliver.js";
import { pushTargetOf, type TargetLimiter } from "./rate-window.js";
import { alertBodies, splitMessage } from "./enqueue.js";
import { deliveryId, type DeliveryLog, type RecordPushResult } from "./delivery-log.js";
import type { Clock } from "../clock/clock.js";

/**
 * Turns alerts that queued up into one message that gives each school's current status, so
 * the last word the leaders read about a school is its state, whatever happened meanwhile.
 * `shown` lists the msgids of the reports it showed: an alert of one of those still queued
 * behind would only repeat it, and is dropped.
 */
export type MergeAlerts = (group: string, pushes: readonly Push[]) => Promise<{ message: PushMessage; shown: readonly string[] }>;

/** How soon a turn looks again when another turn of the group is sending. */
const LEASE_POLL_MS = 500;

/**
 * The longest wait between tries of alerts the webhook does not take: they are tried until
 * they go out, and go within this long of the webhook working again.
 */
export const ALERT_RETRY_MAX_MS = 30_000;

/** How long after its last try an owed alert is tried again by the sweep, when nothing else to its group went out meanwhile. */
export const OWED_PROBE_MS = 5 * 60_000;

/**
 * Failures that say the group could not be reached (a revoked key, a chat the bot left, busy or
 * unreachable WeCom): its alert is owed, and sent again once the group can be reached. Any other
 * errcode refuses the message itself, and sending it again cannot help.
 */
const UNREACHABLE_ERRCODES = new Set([93000, 93001, 93006, 45009, 45033, -1]);

/** At most this many queued alerts go into one merged message; fewer when their lines would not fit one (mergeFitting). */
export const MAX_MERGED = 12;

/** Adds an alert once (by its idempotency key); answers its id, '' when it was there. */
const addScript = loadScript("mailbox-add", {
  keys: (k: { mailbox: string; seen: string }) => [k.mailbox, k.seen],
  args: (a: { push: Push; ttl: number }) => [a.push.idempotencyKey, JSON.stringify(a.push), a.ttl],
});

/** The id of the oldest alert past the cursor, '' when none. */
const firstPendingScript = loadScript("mailbox-first-pending", {
  keys: (k: { cursor: string; mailbox: string }) => [k.cursor, k.mailbox],
  args: () => [],
});

/** Puts owed alerts back in the order of their events, with those waiting; -1 while another turn holds the lease. */
const resendScript = loadScript("mailbox-resend", {
  keys: (k: { mailbox: string; cursor: string; lease: string }) => [k.mailbox, k.cursor, k.lease],
  args: (a: { token: string; ttl: number; owed: readonly Push[] }) => [a.token, a.ttl, ...a.owed.map((push) => JSON.stringify(push))],
});

/** States of a turn that will still run by itself. */
const LIVE_STATES = new Set(["waiting", "delayed", "active", "prioritized", "waiting-children"]);

/** Takes or extends the lease on delivering a group's alerts; answers 0, or the ms another's lease has left. */
const leaseScript = loadScript("mailbox-lease", {
  keys: (k: { lease: string }) => [k.lease],
  args: (a: { token: string; ms: number }) => [a.token, a.ms],
});

/** Gives the lease back, and advances the cursor to the last alert delivered (dropping those before it). */
const releaseScript = loadScript("mailbox-release", {
  keys: (k: { lease: string; cursor: string; mailbox: string }) => [k.lease, k.cursor, k.mailbox],
  args: (a: { token: string; cursor: string; ttl: number }) => [a.token, a.cursor, a.ttl],
});

export interface MailboxOptions {
  redis: RedisClient;
  keys: Keys;
  queue: Queue<PushJobData>;
  groups: Config["groups"];
  limiter: TargetLimiter;
  /** Stores a result of a push to a group, stamped with the time it happened; returns the waiting alerts' failed tries. */
  record: RecordPushResult;
  merge: MergeAlerts;
  send: GroupSend;
  /** The wait after an alert's first failed try; it doubles with each next one, up to ALERT_RETRY_MAX_MS. */
  retryDelayMs: number;
  /** The first request's timeout; see requestTimeoutAfter for the next ones. */
  requestTimeoutMs: number;
  log: Pick<Logger, "debug" | "info" | "warn" | "error">;
  deliveries: DeliveryLog;
  clock: Clock;
  /**
   * What an alert says when it goes out, read at that time (the incident it opened, numbered);
   * its message as queued by default. Runs at every turn that sends it: idempotent.
   */
  prepare?: PrepareAlert;
  /**
   * Told each alert WeCom accepted, before the cursor moves past it (so at least once, like the
   * alert): what follows an alert (an incident's 收到 card) is queued behind it, never ahead
   * of it, and never for an alert that failed for good.
   */
  delivered?: AlertDelivered;
}

/** The message an alert goes out with (see MailboxOptions.prepare). */
export type PrepareAlert = (push: Push) => Promise<PushMessage>;

/** See MailboxOptions.delivered. */
export type AlertDelivered = (push: Push) => Promise<void>;

/**
 * A group's alerts, in the order of their events. `add` puts an alert in (once) and asks for
 * a turn, and `ensureTurns` (the workers' sweep) asks again for any mailbox holding alerts with
 * no turn that will run: nothing depends on a later alert arriving. A turn (`drain`, one at a
 * time per group under a lease) sends what is queued: one alert as it is, several merged into
 * one message of current statuses, one webhook message per rate slot, through the group's
 * robot or the smart bot. The cursor advances after WeCom accepted a message; a crash just
 * before that sends it again (at-least-once, like the parts of a push).
 */
export function createMailbox(options: MailboxOptions) {
  const { redis, keys, queue, groups, limiter, record, log, deliveries, clock } = options;
  const leaseMs = leaseFor(options.requestTimeoutMs);

  const turnJobId = (group: string, alertId: string) => `drain#${group}#${alertId}`;

  /**
   * Queues a turn for the group's oldest alert past the cursor unless one will run: the turn
   * was never queued (the process died, or Redis refused, right after the alert went in), or
   * BullMQ gave it up (attempts used, stalled). Returns whether it queued one.
   */
  const ensureTurn = async (group: string): Promise<boolean> => {
    const first = (await firstPendingScript(redis, { cursor: keys.mailboxCursor(group), mailbox: keys.mailbox(group) }, {})) as string;
    if (first === "") return false;
    const jobId = turnJobId(group, first);
    const job = await queue.getJob(jobId);
    if (job) {
      const state = await job.getState();
      if (LIVE_STATES.has(state)) return false;
      if (state === "failed" || state === "completed") {
        await job.retry(state, { resetAttemptsMade: true, resetAttemptsStarted: true });
        return true;
      }
      // Half there (in no list): make it anew.
      await job.remove();
    }
    await queue.add("drain", { kind: "drain", group }, { jobId });
    return true;
  };

  const add = async (push: Push): Promise<void> => {
    const id = (await addScript(redis, { mailbox: keys.mailbox(push.group), seen: keys.mailboxSeen(push.group) }, { push, ttl: TTL.pushDoneSeconds })) as string;
    // A turn per alert added; one already running takes it along, and the extra turn finds nothing.
    if (id !== "") await queue.add("drain", { kind: "drain", group: push.group }, { jobId: turnJobId(push.group, id) });
    // Handed on again (the outbox retries after a failure): its turn may never have been queued.
    else await ensureTurn(push.group);
  };

  /**
   * Puts the alerts owed to `group` back in its mailbox (their group can be reached again), or,
   * as a probe, only when none was tried for OWED_PROBE_MS. Returns how many went back.
   */
  const resendOwed = async (group: string, { probe = false, lease = "" } = {}): Promise<number> => {
    const owed = await deliveries.owed(group);
    if (owed.length === 0) return 0;
    if (probe) {
      const tried = await Promise.all(owed.map(({ id }) => deliveries.read(id)));
      const latest = Math.max(...tried.map((entry) => Date.parse(entry?.triedAt ?? entry?.enqueuedAt ?? "")));
      if (clock.now().getTime() - latest < OWED_PROBE_MS) return 0;
    }
    // In the order of their events with the alerts waiting (a later alert of the school goes after it),
    // and back in the stream before it leaves the owed list: a crash between the two sends it twice, never not at all.
    const queued = Number(
      await resendScript(redis, { mailbox: keys.mailbox(group), cursor: keys.mailboxCursor(group), lease: keys.mailboxLease(group) }, { token: lease, ttl: TTL.pushDoneSeconds, owed: owed.map(({ push }) => push) }),
    );
    // Another turn is sending: it puts them back itself after its next delivery.
    if (queued < 0) return 0;
    for (const { id } of owed) await deliveries.unowe(id);
    log.info({ group, alerts: owed.length, probe }, "owed alerts sent again");
    await ensureTurn(group);
    return owed.length;
  };

  /** ensureTurn for every group, after a probe of its owed alerts; returns the groups it queued a turn for. */
  const ensureTurns = async (): Promise<string[]> => {
    const queued: string[] = [];
    for (const group of Object.keys(groups)) {
      const resent = await resendOwed(group, { probe: true });
      if ((await ensureTurn(group)) || resent > 0) queued.push(group);
    }
    return queued;
  };

  /** The alerts past the cursor, each as queued (`push`, what is owed if it fails) and as it goes out (`sent`). */
  const pending = async (group: string): Promise<{ id: string; push: Push; sent: Push }[]> => {
    const cursor = (await redis.get(keys.mailboxCursor(group))) ?? "0";
    const entries = await redis.xrange(keys.mailbox(group), `(${cursor}`, "+", "COUNT", MAX_MERGED);
    const queued = entries.map(([id, fields]) => ({ id, push: JSON.parse(fields[fields.indexOf("push") + 1]!) as Push }));
    const { prepare } = options;
    if (!prepare) return queued.map((q) => ({ ...q, sent: q.push }));
    return Promise.all(queued.map(async (q) => ({ ...q, sent: { ...q.push, message: await prepare(q.push) } })));
  };

  /**
   * The merged message of the longest run of queued alerts, oldest first, that fits one
   * message: a turn sends one message, and a school is marked shown only once it was sent.
   * `count` says how many alerts it covers; the others wait for the next turn.
   */
  const mergeFitting = async (group: string, queued: readonly { sent: Push }[]) => {
    for (let count = queued.length; ; count -= 1) {
      const merged = await options.merge(group, queued.slice(0, count).map((q) => q.sent));
      const [body, ...rest] = splitMessage(merged.message);
      // One school's line always fits a message of its own.
      if (rest.length === 0 || count === 1) return { body: body!, shown: merged.shown, count };
    }
  };

  const drain = async (job: Job<DrainJobData>, token?: string): Promise<string> => {
    const { group } = job.data;
    const config = groups[group];
    if (config === undefined) throw new Error(`alerts for unknown group "${group}"`);
    const target = pushTargetOf(config);
    const lease = randomUUID();
    const release = (cursor = "") =>
      releaseScript(redis, { lease: keys.mailboxLease(group), cursor: keys.mailboxCursor(group), mailbox: keys.mailbox(group) }, { token: lease, cursor, ttl: TTL.pushDoneSeconds });
    let sent = 0;
    let owedBack = false;
    for (;;) {
      const held = Number(await leaseScript(redis, { lease: keys.mailboxLease(group) }, { token: lease, ms: leaseMs }));
      // Another turn is sending: it takes along what is queued, but may be just finishing, so look again soon.
      if (held > 0) return delayJob(job, token, Math.min(held, LEASE_POLL_MS));
      if (!owedBack) {
        // A new alert tries the group again: what it owes goes first, before later alerts of the same schools.
        owedBack = true;
        await resendOwed(group, { lease });
      }
      const batch = await pending(group);
      if (batch.length === 0) {
        await release();
        return `sent ${sent}`;
      }
      // What an alert would say about a report a merged message already showed has been said:
      // leave it out wherever it stands in the queue, and move past it with the rest.
      const known = await redis.smismember(keys.mailboxShown(group), ...batch.map((q) => q.push.about?.msgid ?? ""));
      const queued = batch.filter((_, i) => known[i] === 0);
      for (const { push } of batch.filter((_, i) => known[i] !== 0)) await deliveries.attempted(deliveryId(push.idempotencyKey, 0), { outcome: "settled" });
      if (queued.length === 0) {
        await release(batch[batch.length - 1]!.id);
        continue;
      }
      const slot = randomUUID();
      const wait = await limiter.reserve(target, slot);
      if (wait > 0) {
        // Alerts added meanwhile wait too, and go out merged with these when the slot frees.
        await release();
        log.debug({ group, queued: queued.length, waitMs: wait }, "alerts wait for the rate limit");
        return delayJob(job, token, wait);
      }
      // An alert that goes out as written (`whole`) goes alone; the alerts before it merge among themselves.
      const wholeAt = queued.findIndex((q) => q.push.whole === true);
      const run = wholeAt === 0 ? queued.slice(0, 1) : wholeAt > 0 ? queued.slice(0, wholeAt) : queued;
      const single = run.length === 1 ? alertBodies(run[0]!.sent) : [];
      const { body, shown, count } = single.length >= 1 && (single.length === 1 || wholeAt === 0) ? { body: single[0]!, shown: [], count: 1 } : await mergeFitting(group, run);
      // The cursor moves past the alerts this message covers; the rest go in the next turn.
      const last = run[count - 1]!.id;
      const covered = run.slice(0, count).map(({ push }) => ({ push, id: deliveryId(push.idempotencyKey, 0) }));
      // A request that timed out may have been delivered late: the next one waits longer, so a hang costs one copy at most.
      const timeouts = Math.max(...(await Promise.all(covered.map(({ id }) => deliveries.timeouts(id)))));
      const timeoutMs = requestTimeoutAfter(options.requestTimeoutMs, timeouts);
      await leaseScript(redis, { lease: keys.mailboxLease(group) }, { token: lease, ms: leaseFor(timeoutMs) });
      const result = await options.send(target, body, timeoutMs);
      const { way } = result;
      if (result.outcome === "wait") {
        // Nothing went out: the alerts stay queued, however long the bot stays disconnected.
        await limiter.release(target, slot);
        await release();
        log.info({ group, queued: queued.length, reason: result.reason }, "alerts wait for the long connection");
        return delayJob(job, token, result.waitMs ?? BOT_WAIT_MS);
      }
      await limiter.settle(target, slot).catch((error: unknown) => log.warn({ group, err: error }, "rate slot not settled"));
      if (result.outcome === "ok") {
        if (shown.length > 0) {
          await redis.multi().sadd(keys.mailboxShown(group), ...shown).expire(keys.mailboxShown(group), TTL.pushDoneSeconds).exec();
        }
        // Logged sent before the cursor moves: a crash in between sends it again (logged twice), never leaves it logged as waiting.
        for (const { id } of covered) await deliveries.attempted(id, { outcome: "sent", way, merged: count, digest: result.digest });
        for (const { push } of covered) await options.delivered?.(push);
        // The cursor moves on and the lease stays: owed alerts go back in order while no one else sends.
        await releaseScript(redis, { lease: keys.mailboxLease(group), cursor: keys.mailboxCursor(group), mailbox: keys.mailbox(group) }, { token: "", cursor: last, ttl: TTL.pushDoneSeconds });
        await record(group, { outcome: "sent" }, { alerts: count });
        log.info({ group, alerts: count, merged: single.length !== 1, way }, "alerts delivered");
        sent += 1;
        await resendOwed(group, { lease });
        continue;
      }
      const { reason, errcode } = result;
      // A card only adds a button to what was said: it never holds up the alerts behind it, and is not owed.
      const cardOnly = covered.length === 1 && covered[0]!.push.card !== undefined;
      if (result.outcome === "retry" && !cardOnly) {
        // Not given up after a number of attempts: an alert is owed until it goes out, and the
        // group's waiting alerts are shown (/healthz, leaders' replies) from the first failed try.
        await release();
        for (const { id } of covered) await deliveries.attempted(id, { outcome: "retrying", way, errcode, reason, digest: result.digest, ...(result.timedOut && { timedOut: true }) });
        const tries = await record(group, { outcome: "retry", errcode, reason }, { alerts: count });
        const waitMs = Math.min(options.retryDelayMs * 2 ** Math.max(tries - 1, 0), ALERT_RETRY_MAX_MS);
        log.warn({ group, errcode, reason, tries, waitMs }, "alerts will be retried");
        return delayJob(job, token, waitMs);
      }
      // Trying again now cannot help: the group's failure says so, and the delivery log keeps
      // the alerts, sent again once the group can be reached, or listed until an admin clears them.
      await release(last);
      for (const { push, id } of covered) {
        await deliveries.attempted(id, { outcome: "failed", way, errcode, reason });
        if (cardOnly) continue;
        if (errcode === undefined || UNREACHABLE_ERRCODES.has(errcode)) await deliveries.owe(id, push);
        await record(group, { outcome: "failed", errcode, reason }, { lost: push.idempotencyKey, alerts: count });
      }
      log.error({ group, errcode, reason, alerts: count, way }, "alerts failed");
    }
  };

  return { add, drain, ensureTurns, resendOwed };
}

import { createHash } from "node:crypto";
import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import type { Clock } from "../clock/clock.js";
import type { Push } from "../message/push.js";
import type { PartBody } from "./push.js";
import { loadScript, namedInOrder } from "../store/scripts.js";

/**
 * Which way a message went: the group robot's webhook, the smart bot over the long connection,
 * or the webhook after the long connection refused it (`bot→webhook`).
 */
export type DeliveryWay = "webhook" | "bot" | "bot→webhook";

/** Where a push's part stands: waiting (`queued`, `retrying`), out (`sent`, `settled`: nothing left to say), or not (`failed`, then `cleared` by an admin). */
export type DeliveryOutcome = "queued" | "retrying" | "sent" | "settled" | "failed" | "cleared";

/** One part of one push, from its enqueueing to its end. Never holds the text: only its digest. */
export interface DeliveryEntry {
  /** `<idempotency key>#<part>`. */
  id: string;
  /** The push's kind (alert, remind, tally, weekly, late-note; an escalation would be one more). */
  kind: string;
  /** Group id (a key of `config.groups`). */
  group: string;
  /** 1-based part and the push's part count, e.g. "2/3". */
  part: string;
  /** The first 12 hex digits of the text's sha256: tells copies apart without keeping the text. */
  digest: string;
  /** ISO time the push was queued. */
  enqueuedAt: string;
  /** ISO time of the event that caused it (an alert's report); the enqueueing when not known. */
  causedAt: string;
  attempts: number;
  /** Attempts whose request timed out: WeCom may still have taken the message. */
  timeouts: number;
  outcome: DeliveryOutcome;
  errcode?: number;
  /** Why it is not out yet, or not at all; never the webhook key. */
  reason?: string;
  way?: DeliveryWay;
  deliveredAt?: string;
  /** ISO time of the latest attempt. */
  triedAt?: string;
  /** The digest of the message that went out: the alert's own, or the merged message it went in. */
  sentDigest?: string;
  /** Digests of requests that timed out: WeCom may have delivered those too (a late copy). */
  mayHaveArrived?: string[];
  /** From `causedAt` to the delivery. */
  latencyMs?: number;
  /** For an alert that went out merged with others: how many the message carried. */
  merged?: number;
}

/** What an attempt came to, as the log keeps it. */
export interface DeliveryAttempt {
  outcome: "sent" | "retrying" | "failed" | "settled";
  way?: DeliveryWay;
  errcode?: number;
  reason?: string;
  /** The request timed out (the message may have arrived). */
  timedOut?: boolean;
  merged?: number;
  /** The digest of what was sent (digestOf): kept for `sent`, and for a try that timed out. */
  digest?: string;
}

/** What `list` shows. */
export interface DeliveryFilter {
  /** Only entries enqueued at or after this time. */
  since?: Date;
  group?: string;
  /** Only parts not delivered: failed for good (not cleared), or still waiting. */
  failed?: boolean;
}

/** Entries trimmed per write at most: the log shrinks steadily without one long step. */
const TRIM_BATCH = 200;

/** The digest of a part's text (or of a picture's bytes, a card's JSON). */
export function digestOf(body: PartBody | { msgtype: string }): string {
  const text =
    body.msgtype === "text" ? (body as { text: { content: string } }).text.content
    : body.msgtype === "markdown" ? (body as { markdown: { content: string } }).markdown.content
    : JSON.stringify(body);
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/** The kind of a push, from its idempotency key (`alert:<msgid>:leaders` → `alert`). */
export function pushKind(idempotencyKey: string): string {
  return idempotencyKey.split(":", 1)[0] ?? "push";
}

/**
 * An alert that is a card alone (an incident's 收到 card) is a `card`: it only adds a button to
 * what was said, so WeCom refusing it loses no news (the mailbox gives it up at once, never owes
 * it) and it is never among the alerts not delivered.
 */
function deliveryKind(push: Pick<Push, "idempotencyKey" | "about" | "card">): string {
  return push.about && push.card ? "card" : pushKind(push.idempotencyKey);
}

/** The id of a part's entry. */
export function deliveryId(idempotencyKey: string, part: number): string {
  return `${idempotencyKey}#${part}`;
}

/**
 * The delivery log (keys.deliveries): one entry per part of every push, kept `retentionDays`
 * (limits.history_days) and trimmed as new ones come. An alert that failed for good is also
 * kept whole (keys.deliveriesOwed) to be sent again once its group can be reached, until it is
 * delivered or an admin clears it; alerts not yet delivered (a card alone is none: deliveryKind) are indexed by their enqueueing
 * (keys.deliveriesOpen) for /healthz and the leaders' replies.
 */
export function createDeliveryLog({
  redis,
  keys,
  clock,
  retentionDays,
  metrics,
}: {
  redis: RedisClient;
  keys: Keys;
  clock: Clock;
  retentionDays: number;
  /** Told how long each alert took to go out. */
  metrics?: { observeAlertDelivered?(seconds: number): void };
}) {
  // The log's keys take no argument: named once, not at every part.
  const key = { entries: keys.deliveries(), byTime: keys.deliveriesByTime(), open: keys.deliveriesOpen(), owed: keys.deliveriesOwed() };
  const read = async (id: string): Promise<DeliveryEntry | undefined> => {
    const raw = await redis.hget(key.entries, id);
    return raw === null ? undefined : (JSON.parse(raw) as DeliveryEntry);
  };

  /** Drops entries past the retention, found by the read that `queued` sends with its writes. */
  const trim = async (old: readonly string[]): Promise<void> => {
    if (old.length === 0) return;
    await redis.multi().hdel(key.entries, ...old).zrem(key.byTime, ...old).zrem(key.open, ...old).hdel(key.owed, ...old).exec();
  };

  return {
    /** Logs the parts of a push as queued; a push queued again keeps its entries. */
    async queued(push: Pick<Push, "idempotencyKey" | "group" | "causedAt" | "about" | "card">, bodies: readonly (PartBody | { msgtype: string })[]): Promise<void> {
      const now = clock.now();
      const kind = deliveryKind(push);
      const tx = redis.multi();
      bodies.forEach((body, part) => {
        const entry: DeliveryEntry = {
          id: deliveryId(push.idempotencyKey, part),
          kind,
          group: push.group,
          part: `${part + 1}/${bodies.length}`,
          digest: digestOf(body),
          enqueuedAt: now.toISOString(),
          causedAt: push.causedAt ?? now.toISOString(),
          attempts: 0,
          timeouts: 0,
          outcome: "queued",
        };
        tx.hsetnx(key.entries, entry.id, JSON.stringify(entry)).zadd(key.byTime, "NX", now.getTime(), entry.id);
        if (push.about && kind !== "card") tx.zadd(key.open, "NX", Date.parse(entry.causedAt), entry.id);
      });
      const cutoff = now.getTime() - retentionDays * 24 * 3600_000;
      const answers = await tx.zrangebyscore(key.byTime, "-inf", cutoff, "LIMIT", 0, TRIM_BATCH).exec();
      await trim((answers?.at(-1)?.[1] as string[] | undefined) ?? []);
    },

    /**
     * Logs an attempt at a part; answers the entry as it now stands (undefined for a part queued
     * before the log existed) and, read in the same write, how many alerts are owed (any group;
     * undefined when not read). Only the part's current sender writes it (under its lease), so
     * the entry it read under that lease (`known`) still stands: given, it is not read again.
     */
    async attempted(id: string, attempt: DeliveryAttempt, known?: { entry: DeliveryEntry | undefined }): Promise<{ entry?: DeliveryEntry; owed?: number }> {
      const entry = known ? known.entry : await read(id);
      if (entry === undefined) return {};
      const at = clock.now();
      const next: DeliveryEntry = {
        ...entry,
        attempts: entry.attempts + (attempt.outcome === "settled" ? 0 : 1),
        timeouts: entry.timeouts + (attempt.timedOut ? 1 : 0),
        outcome: attempt.outcome,
        triedAt: at.toISOString(),
        ...(attempt.way && { way: attempt.way }),
        ...(attempt.merged !== undefined && { merged: attempt.merged }),
      };
      delete next.errcode;
      delete next.reason;
      if (attempt.errcode !== undefined) next.errcode = attempt.errcode;
      if (attempt.reason !== undefined) next.reason = attempt.reason;
      // Sent again after a crash (logged sent, the cursor not moved): the first copy went out too,
      // so it stays as one that may have arrived, and its delivery stands as the part's.
      const again = attempt.outcome === "sent" && entry.deliveredAt !== undefined;
      if (attempt.outcome === "sent") {
        if (!again) {
          next.deliveredAt = at.toISOString();
          next.latencyMs = at.getTime() - Date.parse(entry.causedAt);
        }
        if (attempt.digest !== undefined) next.sentDigest = attempt.digest;
      }
      const copies = [...(again && entry.sentDigest !== undefined ? [entry.sentDigest] : []), ...(attempt.timedOut && attempt.digest !== undefined ? [attempt.digest] : [])];
      if (copies.length > 0) next.mayHaveArrived = [...(entry.mayHaveArrived ?? []), ...copies];
      const tx = redis.multi().hset(key.entries, id, JSON.stringify(next));
      if (attempt.outcome === "sent" || attempt.outcome === "settled") tx.zrem(key.open, id).hdel(key.owed, id);
      const answers = await tx.hlen(key.owed).exec();
      if (next.outcome === "sent" && !again && next.kind === "alert" && next.latencyMs !== undefined) metrics?.observeAlertDelivered?.(next.latencyMs / 1000);
      const owed = answers?.at(-1)?.[1];
      return { entry: next, ...(typeof owed === "number" && { owed }) };
    },

    /** Timeouts so far of a part (0 when not logged): each one lengthens the next request's timeout. */
    async timeouts(id: string): Promise<number> {
      return (await read(id))?.timeouts ?? 0;
    },

    /** Keeps an alert that failed for good, to be sent again when its group can be reached. */
    async owe(id: string, push: Push): Promise<void> {
      await redis.hset(key.owed, id, JSON.stringify(push));
    },

    /** An owed alert went back to its mailbox. */
    async unowe(id: string): Promise<void> {
      await redis.hdel(key.owed, id);
    },

    /** The alerts owed to `group` (all groups when not given), oldest first. */
    async owed(group?: string): Promise<{ id: string; push: Push }[]> {
      const all = Object.entries(await redis.hgetall(key.owed)).map(([id, raw]) => ({ id, push: JSON.parse(raw) as Push }));
      return all.filter(({ push }) => group === undefined || push.group === group).sort((a, b) => (a.id < b.id ? -1 : 1));
    },

    /** An admin gave up on an undelivered part: it is no longer sent again nor warned about. False when no such part waits. */
    async clear(id: string): Promise<boolean> {
      const entry = await read(id);
      if (entry === undefined || entry.outcome === "sent" || entry.outcome === "settled" || entry.outcome === "cleared") return false;
      await redis
        .multi()
        .hset(key.entries, id, JSON.stringify({ ...entry, outcome: "cleared" }))
        .zrem(key.open, id)
        .hdel(key.owed, id)
        .exec();
      return true;
    },

    /** The entries that match, oldest first. */
    async list(filter: DeliveryFilter = {}): Promise<DeliveryEntry[]> {
      const ids = await redis.zrangebyscore(key.byTime, filter.since ? filter.since.getTime() : "-inf", "+inf");
      if (ids.length === 0) return [];
      const raws = await redis.hmget(key.entries, ...ids);
      return raws
        .flatMap((raw) => (raw === null ? [] : [JSON.parse(raw) as DeliveryEntry]))
        .filter((entry) => filter.group === undefined || entry.group === filter.group)
        .filter((entry) => !filter.failed || isUndelivered(entry));
    },

    read,
  };
}

/** How long an alert may take before /healthz and the leaders' replies say it has not been delivered. */
export const ALERT_LATE_MS = 60_000;

/** Alerts not delivered whose report came `ALERT_LATE_MS` or more before `now`, oldest first. */
export async function readLateAlerts(redis: RedisClient, keys: Keys, now: Date): Promise<DeliveryEntry[]> {
  const ids = await redis.zrangebyscore(keys.deliveriesOpen(), "-inf", now.getTime() - ALERT_LATE_MS);
  if (ids.length === 0) return [];
  const raws = await redis.hmget(keys.deliveries(), ...ids);
  return raws.flatMap((raw) => (raw === null ? [] : [JSON.parse(raw) as DeliveryEntry]));
}

/** A part that has not gone out and was not cleared: failed, or still waiting. */
export function isUndelivered(entry: Pick<DeliveryEntry, "outcome">): boolean {
  return entry.outcome === "failed" || entry.outcome === "queued" || entry.outcome === "retrying";
}

export type DeliveryLog = ReturnType<typeof createDeliveryLog>;

// Each group's push status (keys.pushStatus): its last result, its counts, what it lost and what
// waits, kept beside the log of parts and stamped by the same clock at the same attempts.

/** The last webhook result of a group, for /healthz. */
export interface PushResult {
  /** ISO time of the result. */
  at: string;
  outcome: "sent" | "retry" | "failed";
  errcode?: number;
  /** Why it did not go out; never contains the webhook key. */
  reason?: string;
}

/** What a group's pushes lost since its last successful one: kept until a push to it succeeds. */
export interface GroupFailure {
  /** ISO time of the latest loss. */
  at: string;
  errcode?: number;
  reason?: string;
  /** Lost pushes by kind (the idempotency key's first word: alert, remind, tally, weekly, late-note). */
  lost: Record<string, number>;
}

/** Alerts a group's webhook (or bot) has not taken yet, and is being retried for: kept until they are delivered. */
export interface AlertsWaiting {
  /** ISO time of the first failed try. */
  since: string;
  /** ISO time of the latest failed try, and why it failed. */
  at: string;
  errcode?: number;
  reason?: string;
  /** Failed tries so far. */
  tries: number;
  /** Alerts the message that failed carried. */
  alerts: number;
}

/** Per group: the last result, running counts, and what is failing right now. */
export interface GroupPushStatus {
  last?: PushResult;
  sent: number;
  retried: number;
  failed: number;
  failing?: GroupFailure;
  waiting?: AlertsWaiting;
}

/** What a result of a push to a group also says. */
export interface PushResultNotes {
  /** The idempotency key of a push that will not go out. */
  lost?: string;
  /** Set for a message of the group's alert mailbox: how many alerts it carried. */
  alerts?: number;
}

const COUNT_FIELD = { sent: "sent", retry: "retried", failed: "failed" } as const;

/** One step for the whole hash (keys.pushStatus); answers the failed tries of the waiting alerts, 0 when none wait. */
const recordScript = loadScript("push-status-record", {
  keys: namedInOrder("status"),
  args: namedInOrder("group", "result", "count", "outcome", "lost", "alerts"),
});

/**
 * Stores a result of a push to `group` in `status` (keys.pushStatus). A failure names the push it lost
 * (`lost`, its idempotency key), counted once per push by its kind. A result of the alert
 * mailbox (`alerts`) opens, extends or closes the group's waiting alerts; returns their failed
 * tries so far (0 when none wait).
 */
async function recordPushResult(redis: RedisClient, status: string, group: string, result: PushResult, notes: PushResultNotes = {}): Promise<number> {
  const args = {
    group,
    result: JSON.stringify(result),
    count: COUNT_FIELD[result.outcome],
    outcome: result.outcome,
    lost: notes.lost === undefined ? "" : pushKind(notes.lost),
    alerts: notes.alerts === undefined ? "" : String(notes.alerts),
  };
  return Number(await recordScript(redis, { status }, args));
}

/**
 * Counters for /metrics, if the caller keeps them: prom-client's own functions (ops/metrics.ts),
 * so that counting a delivery runs no project code beyond the call.
 */
export interface PushMetrics {
  /** A push attempt to a group (pingan_pushes_total). */
  countPush(labels: { group: string; outcome: PushResult["outcome"] }): void;
  /** An attempt WeCom did not take (pingan_push_failures_total); errcode `none`: a network error or timeout. */
  countFailure(labels: { errcode: string; outcome: Exclude<PushResult["outcome"], "sent"> }): void;
  /** An alert delivered, `seconds` after the report that caused it. */
  observeAlertDelivered?(seconds: number): void;
}

/** What delivering records of a result: stamped with the time it happened (the injected clock), stored, and counted. */
export type RecordPushResult = (group: string, result: Omit<PushResult, "at">, notes?: PushResultNotes) => Promise<number>;

/** Records each result of a push to a group (recordPushResult) and tells the metrics; answers as recordPushResult. */
export function createPushRecorder({ redis, keys, clock, metrics }: { redis: RedisClient; keys: Keys; clock: Clock; metrics?: PushMetrics }): RecordPushResult {
  const status = keys.pushStatus();
  return async (group, result, notes) => {
    const tries = await recordPushResult(redis, status, group, { at: clock.now().toISOString(), ...result }, notes);
    const { outcome, errcode } = result;
    metrics?.countPush({ group, outcome });
    if (outcome !== "sent") metrics?.countFailure({ errcode: errcode === undefined ? "none" : String(errcode), outcome });
    return tries;
  };
}

/** Reads keys.pushStatus back, by group id. */
export async function readPushStatus(redis: RedisClient, keys: Keys): Promise<Record<string, GroupPushStatus>> {
  const fields = await redis.hgetall(keys.pushStatus());
  const status: Record<string, GroupPushStatus> = {};
  const entry = (group: string) => (status[group] ??= { sent: 0, retried: 0, failed: 0 });
  for (const [field, value] of Object.entries(fields)) {
    const colon = field.lastIndexOf(":");
    const suffix = colon < 0 ? undefined : field.slice(colon + 1);
    const group = colon < 0 ? field : field.slice(0, colon);
    if (suffix === "sent" || suffix === "retried" || suffix === "failed") entry(group)[suffix] = Number(value);
    else if (suffix === "failing") entry(group).failing = JSON.parse(value) as GroupFailure;
    else if (suffix === "waiting") entry(group).waiting = JSON.parse(value) as AlertsWaiting;
    else entry(field).last = JSON.parse(value) as PushResult;
  }
  return status;
}

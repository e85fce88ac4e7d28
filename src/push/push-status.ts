import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { loadScript, namedInOrder } from "../store/scripts.js";
import type { Clock } from "../time/clock.js";
import { pushKind } from "./delivery-log.js";

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
 * Stores a result of a push to `group` in keys.pushStatus. A failure names the push it lost
 * (`lost`, its idempotency key), counted once per push by its kind. A result of the alert
 * mailbox (`alerts`) opens, extends or closes the group's waiting alerts; returns their failed
 * tries so far (0 when none wait).
 */
async function recordPushResult(redis: RedisClient, keys: Keys, group: string, result: PushResult, notes: PushResultNotes = {}): Promise<number> {
  const args = {
    group,
    result: JSON.stringify(result),
    count: COUNT_FIELD[result.outcome],
    outcome: result.outcome,
    lost: notes.lost === undefined ? "" : pushKind(notes.lost),
    alerts: notes.alerts === undefined ? "" : String(notes.alerts),
  };
  return Number(await recordScript(redis, { status: keys.pushStatus() }, args));
}

/** Counters for /metrics, if the caller keeps them. */
export interface PushMetrics {
  observePush(event: { group: string; outcome: PushResult["outcome"]; errcode?: number }): void;
  /** An alert delivered, `seconds` after the report that caused it. */
  observeAlertDelivered?(seconds: number): void;
}

/** What delivering records of a result: stamped with the time it happened (the injected clock), stored, and counted. */
export type RecordPushResult = (group: string, result: Omit<PushResult, "at">, notes?: PushResultNotes) => Promise<number>;

/** Records each result of a push to a group (recordPushResult) and tells the metrics; answers as recordPushResult. */
export function createPushRecorder({ redis, keys, clock, metrics }: { redis: RedisClient; keys: Keys; clock: Clock; metrics?: PushMetrics }): RecordPushResult {
  return async (group, result, notes) => {
    const tries = await recordPushResult(redis, keys, group, { at: clock.now().toISOString(), ...result }, notes);
    metrics?.observePush({ group, outcome: result.outcome, errcode: result.errcode });
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

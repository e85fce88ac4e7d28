import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { loadScript } from "../store/scripts.js";

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
  keys: (k: { status: string }) => [k.status],
  args: (a: { group: string; result: PushResult; lostKind?: string; alerts?: number }) => [
    a.group,
    JSON.stringify(a.result),
    COUNT_FIELD[a.result.outcome],
    a.result.outcome,
    a.lostKind ?? "",
    a.alerts === undefined ? "" : String(a.alerts),
  ],
});

/** The kind of a push, from its idempotency key (`alert:<msgid>:leaders` → `alert`). */
export function pushKind(idempotencyKey: string): string {
  return idempotencyKey.split(":", 1)[0] ?? "push";
}

/**
 * Stores a result of a push to `group` in keys.pushStatus. A failure names the push it lost
 * (`lost`, its idempotency key), counted once per push by its kind. A result of the alert
 * mailbox (`alerts`) opens, extends or closes the group's waiting alerts; returns their failed
 * tries so far (0 when none wait).
 */
export async function recordPushResult(redis: RedisClient, keys: Keys, group: string, result: PushResult, notes: PushResultNotes = {}): Promise<number> {
  const lostKind = notes.lost === undefined ? undefined : pushKind(notes.lost);
  return Number(await recordScript(redis, { status: keys.pushStatus() }, { group, result, lostKind, alerts: notes.alerts }));
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

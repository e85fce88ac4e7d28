import type { Cluster, Redis } from "ioredis";
import type { Keys } from "../store/keys.js";

/** The last webhook result of a group, for /healthz. */
export interface PushResult {
  /** ISO time of the result. */
  at: string;
  outcome: "sent" | "retry" | "failed";
  errcode?: number;
  /** Why it did not go out; never contains the webhook key. */
  reason?: string;
}

/** Per group: the last result and running counts of sends, retries and failures. */
export interface GroupPushStatus {
  last?: PushResult;
  sent: number;
  retried: number;
  failed: number;
}

const COUNT_FIELD = { sent: "sent", retry: "retried", failed: "failed" } as const;

/** Stores a result in keys.pushStatus: field `<group>` holds the last one, `<group>:<count>` the counts. */
export async function recordPushResult(
  redis: Redis | Cluster,
  keys: Keys,
  group: string,
  result: PushResult,
): Promise<void> {
  const key = keys.pushStatus();
  await redis
    .multi()
    .hset(key, group, JSON.stringify(result))
    .hincrby(key, `${group}:${COUNT_FIELD[result.outcome]}`, 1)
    .exec();
}

/** Reads keys.pushStatus back, by group id. */
export async function readPushStatus(redis: Redis | Cluster, keys: Keys): Promise<Record<string, GroupPushStatus>> {
  const fields = await redis.hgetall(keys.pushStatus());
  const status: Record<string, GroupPushStatus> = {};
  const entry = (group: string) => (status[group] ??= { sent: 0, retried: 0, failed: 0 });
  for (const [field, value] of Object.entries(fields)) {
    const colon = field.lastIndexOf(":");
    const count = colon < 0 ? undefined : field.slice(colon + 1);
    if (count === "sent" || count === "retried" || count === "failed") {
      entry(field.slice(0, colon))[count] = Number(value);
    } else {
      entry(field).last = JSON.parse(value) as PushResult;
    }
  }
  return status;
}

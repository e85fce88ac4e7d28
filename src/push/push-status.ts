import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { defineScript } from "../store/scripts.js";

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

/** Per group: the last result, running counts, and what is failing right now. */
export interface GroupPushStatus {
  last?: PushResult;
  sent: number;
  retried: number;
  failed: number;
  failing?: GroupFailure;
}

const COUNT_FIELD = { sent: "sent", retry: "retried", failed: "failed" } as const;

/**
 * One step for the whole hash (keys.pushStatus): field `<group>` holds the last result,
 * `<group>:<count>` the counts, `<group>:failing` the open failure. A success closes it.
 * ARGV: group, result JSON, count field, outcome, the lost push's kind ('' when none is lost).
 */
const recordScript = defineScript(`
local key, group = KEYS[1], ARGV[1]
redis.call('HSET', key, group, ARGV[2])
redis.call('HINCRBY', key, group .. ':' .. ARGV[3], 1)
if ARGV[4] == 'sent' then
  redis.call('HDEL', key, group .. ':failing')
elseif ARGV[4] == 'failed' then
  local open = redis.call('HGET', key, group .. ':failing')
  local failure = cjson.decode(ARGV[2])
  failure['outcome'] = nil
  failure['lost'] = open and cjson.decode(open)['lost'] or {}
  if ARGV[5] ~= '' then failure['lost'][ARGV[5]] = (failure['lost'][ARGV[5]] or 0) + 1 end
  redis.call('HSET', key, group .. ':failing', cjson.encode(failure))
end
return 0
`);

/** The kind of a push, from its idempotency key (`alert:<msgid>:leaders` → `alert`). */
export function pushKind(idempotencyKey: string): string {
  return idempotencyKey.split(":", 1)[0] ?? "push";
}

/**
 * Stores a result of a push to `group` in keys.pushStatus. A failure names the push it lost
 * (`lost`, its idempotency key), counted once per push by its kind.
 */
export async function recordPushResult(redis: RedisClient, keys: Keys, group: string, result: PushResult, lost?: string): Promise<void> {
  const kind = lost === undefined ? "" : pushKind(lost);
  await recordScript(redis, [keys.pushStatus()], [group, JSON.stringify(result), COUNT_FIELD[result.outcome], result.outcome, kind]);
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
    else entry(field).last = JSON.parse(value) as PushResult;
  }
  return status;
}

// What the store keeps for reminders: the cooldown per task, period and group. The check a reminder
// is put through at delivery is reminder-recheck.ts, the worker's side.
import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import { loadScript, namedInOrder } from "./scripts.js";

/** A reminder that went to a group: when, to how many schools, and which push carried it. */
export interface ReminderRecord {
  /** When it was asked for (ms since the epoch, the service's clock). */
  at: number;
  /** Schools it named. */
  schools: number;
  /** Idempotency key of its push: the same push asked for again (a retried job) is no repeat. */
  key: string;
  /** When it was expected to go out, given the group's rate window (ms since the epoch). */
  eta?: number;
}

/** The outcome of a claim: recorded, or refused because of `last`. */
export type CooldownClaim = { claimed: true } | { claimed: false; last: ReminderRecord };

/**
 * The reminder cooldown: at most one reminder per task, period and group within `ms`. Time is
 * the service's clock (passed in, so that tests and the demo move it); the key's expiry only
 * clears it away.
 */
export interface ReminderCooldowns {
  /**
   * Records `record` as the group's last reminder, unless another one (with another push key)
   * was recorded less than `ms` before `record.at`; `force` records it regardless. Atomic, so
   * two leaders asking at once send one reminder.
   */
  claim(task: TaskId, period: string, group: string, record: ReminderRecord, ms: number, force?: boolean): Promise<CooldownClaim>;
  /** The group's last reminder if it was less than `ms` before `now` (what a claim would be refused for). */
  last(task: TaskId, period: string, group: string, now: number, ms: number): Promise<ReminderRecord | undefined>;
  /** Adds the expected send time to the record of push `key`, if it is still the last one. */
  setEta(task: TaskId, period: string, group: string, key: string, eta: number): Promise<void>;
  /** Forgets the record of push `key` (it could not be queued), if it is still the last one. */
  release(task: TaskId, period: string, group: string, key: string): Promise<void>;
}

const claimScript = loadScript("reminder-cooldown-claim", {
  keys: namedInOrder("cooldown"),
  args: namedInOrder("record", "ms", "key", "force", "at"),
});

const etaScript = loadScript("reminder-cooldown-eta", {
  keys: namedInOrder("cooldown"),
  args: namedInOrder("key", "eta"),
});

const releaseScript = loadScript("reminder-cooldown-release", {
  keys: namedInOrder("cooldown"),
  args: namedInOrder("key"),
});

export function createReminderCooldowns({ redis, keys }: { redis: RedisClient; keys: Keys }): ReminderCooldowns {
  return {
    async claim(task, period, group, record, ms, force = false) {
      const last = await claimScript(
        redis,
        { cooldown: keys.remindCooldown(task, period, group) },
        { record: JSON.stringify(record), ms: Math.max(1, Math.round(ms)), key: record.key, force: force ? "1" : "0", at: record.at },
      );
      return typeof last === "string" ? { claimed: false, last: JSON.parse(last) as ReminderRecord } : { claimed: true };
    },
    async last(task, period, group, now, ms) {
      const json = await redis.get(keys.remindCooldown(task, period, group));
      const last = json ? (JSON.parse(json) as ReminderRecord) : undefined;
      return last && now - last.at < ms ? last : undefined;
    },
    async setEta(task, period, group, key, eta) {
      await etaScript(redis, { cooldown: keys.remindCooldown(task, period, group) }, { key, eta: Math.round(eta) });
    },
    async release(task, period, group, key) {
      await releaseScript(redis, { cooldown: keys.remindCooldown(task, period, group) }, { key });
    },
  };
}

import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import { TTL, type Keys } from "./keys.js";

/** A late report to put in a 补报 note. */
export interface LateEntry {
  task: TaskId;
  period: string;
  school: string;
  /** ISO instant of the report. */
  at: string;
  late: boolean;
}

/**
 * What scheduled work remembers between runs: when each period's tally was first posted (later
 * reports go into the 补报 note), the note's fixed list per day, and which late reports a note
 * has already named.
 */
export interface JobLedger {
  /** Records the first posting of a period's tally; later calls keep the first time. */
  markTallyPosted(task: TaskId, period: string, at: Date): Promise<void>;
  /**
   * When the period's tally was first posted (ISO instant) and the schools with an entry in the
   * period's log since (the 补报 note's candidates: only those entries are read); undefined when
   * it was not posted.
   */
  loggedSinceTally(task: TaskId, period: string): Promise<{ at: string; schools: string[] } | undefined>;
  /** The 补报 note's list for a day, once fixed (a retried job sends the same note). */
  latePlan(day: string): Promise<LateEntry[] | undefined>;
  /** Fixes the day's list unless already fixed, and marks its reports as noted. */
  keepLatePlan(day: string, entries: readonly LateEntry[]): Promise<void>;
  /** Schools of a period already named in a 补报 note. */
  lateNoted(task: TaskId, period: string): Promise<Set<string>>;
}

export function createJobLedger({ redis, keys }: { redis: RedisClient; keys: Keys }): JobLedger {
  const tallyKey = (task: TaskId, period: string) => keys.jobDone(`tally:${task}:${period}`);
  /** The last entry of the period's log when its tally was posted. */
  const tallyLogKey = (task: TaskId, period: string) => keys.jobDone(`tally-log:${task}:${period}`);
  const planKey = (day: string) => keys.jobDone(`late-note:${day}`);
  return {
    async markTallyPosted(task, period, at) {
      const [last] = await redis.xrevrange(keys.periodLog(task, period), "+", "-", "COUNT", 1);
      if ((await redis.set(tallyKey(task, period), at.toISOString(), "EX", TTL.jobDoneSeconds, "NX")) === null) return;
      await redis.set(tallyLogKey(task, period), last?.[0] ?? "0-0", "EX", TTL.jobDoneSeconds);
    },
    async loggedSinceTally(task, period) {
      const [at, since] = await Promise.all([redis.get(tallyKey(task, period)), redis.get(tallyLogKey(task, period))]);
      if (!at) return undefined;
      // A tally posted before its log position was kept: the whole log, as then.
      const entries = await redis.xrange(keys.periodLog(task, period), since ? `(${since}` : "-", "+");
      const schools = new Set(entries.map(([, fields]) => fields[fields.indexOf("school") + 1]!));
      return { at, schools: [...schools] };
    },
    async latePlan(day) {
      const json = await redis.get(planKey(day));
      return json ? (JSON.parse(json) as LateEntry[]) : undefined;
    },
    async keepLatePlan(day, entries) {
      await redis.set(planKey(day), JSON.stringify(entries), "EX", TTL.jobDoneSeconds, "NX");
      for (const entry of entries) {
        const key = keys.lateNoted(entry.task, entry.period);
        await redis.multi().sadd(key, entry.school).expire(key, TTL.periodSeconds).exec();
      }
    },
    async lateNoted(task, period) {
      return new Set(await redis.smembers(keys.lateNoted(task, period)));
    },
  };
}

import { createRoster, type Roster } from "../config/roster.js";
import type { LocalDate } from "../time/local-time.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import { loadScript } from "./scripts.js";

/**
 * The first day of a service that counted reports before its first day was kept: it has run
 * since before any period it holds, and owes the periods it counted then as it did.
 */
export const SINCE_EVER = "1970-01-01";

/** When reports began to be owed: the first day the service ran, and the schools that joined the roster after it. */
export interface RosterDays {
  liveSince: LocalDate;
  /** School code → the day it first appeared on the roster, for those that came after `liveSince`. */
  joined: ReadonlyMap<string, LocalDate>;
}

/**
 * The first day, kept once: today, or SINCE_EVER when the counts were already kept under a
 * roster (a service upgraded in place).
 */
const liveSinceScript = loadScript("roster-live-since", {
  keys: (k: { liveSince: string; countedUnder: string }) => [k.liveSince, k.countedUnder],
  args: (a: { today: LocalDate }) => [a.today, SINCE_EVER],
});

/**
 * The first day the service ran, recorded on its first start (by whichever process gets there
 * first; the others read it). The day each school joined is recorded where it gets its number
 * (loadSchoolPlaces).
 */
export async function recordLiveSince(redis: RedisClient, keys: Keys, today: LocalDate): Promise<LocalDate> {
  return (await liveSinceScript(redis, { liveSince: keys.liveSince(), countedUnder: keys.rosterFingerprint() }, { today })) as LocalDate;
}

/** What the service recorded; a Redis no service has run on yet owes since ever. */
export async function readRosterDays(redis: RedisClient, keys: Keys): Promise<RosterDays> {
  const [liveSince, joined] = await Promise.all([redis.get(keys.liveSince()), redis.hgetall(keys.schoolsJoined())]);
  return { liveSince: liveSince ?? SINCE_EVER, joined: new Map(Object.entries(joined)) };
}

/** The roster with each school's day of joining, where it came after the first day (School.joined). */
export function withJoinedDays(roster: Roster, days: RosterDays): Roster {
  if (days.joined.size === 0) return roster;
  return createRoster(
    roster.schools.map((school) => {
      const joined = days.joined.get(school.code);
      return joined !== undefined && joined > days.liveSince ? { ...school, joined } : school;
    }),
  );
}

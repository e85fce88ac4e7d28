import type { School } from "../config/roster.js";
import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import { periodKeys, type PeriodKeys } from "./report-scripts.js";
import type { SchoolPlaces } from "./school-numbers.js";
import { loadScript } from "./scripts.js";

/** Recounts one period's counts in one step under the roster given (recount-period.lua says how). */
const recountScript = loadScript("recount-period", {
  keys: (k: PeriodKeys) => [k.state, k.log, k.counts, k.reported, k.listed, k.onBehalf, k.abnormalAt, k.resolved, k.remarked, k.countedUnder],
  args: ({ version, roster }: { version: string; roster: readonly (string | number)[] }) => [version, ...roster],
});

/** The roster as the script takes it, built once per roster: code, area, number and nodes of each numbered school. */
const packed = new WeakMap<readonly School[], (string | number)[]>();
function packRoster(schools: readonly School[], places: SchoolPlaces): (string | number)[] {
  let roster = packed.get(schools);
  if (roster) return roster;
  roster = schools.flatMap((school) => {
    const place = places.of(school.code);
    return place ? [school.code, place.area, place.number, place.nodes.join("\t")] : [];
  });
  packed.set(schools, roster);
  return roster;
}

/**
 * Recounts a period's counts from its reports in force under `schools`, atomically: a check-in
 * recorded meanwhile is counted once, never lost. Answers how many reports it counted, or
 * "reduced" for a reduced period, which it leaves as it is (no report comes to one any more).
 */
export async function recountPeriodInPlace(
  store: { redis: RedisClient; keys: Keys; places: SchoolPlaces },
  schools: readonly School[],
  task: TaskId,
  period: string,
): Promise<number | "reduced"> {
  const answer = await recountScript(store.redis, periodKeys(store.keys, task, period), { version: store.places.version, roster: packRoster(schools, store.places) });
  return answer === "reduced" ? "reduced" : Number(answer);
}

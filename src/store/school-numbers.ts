import { createHash } from "node:crypto";
import type { School } from "../config/roster.js";
import type { LocalDate } from "../time/local-time.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import { loadScript } from "./scripts.js";
import { areaKey, nodeKeysOf } from "../config/roster-tree.js";

/** Where a school is counted: its area (areaKey), the nodes above it (nodeKeysOf) and its number (a bit of each period's reported bitmap). */
export interface SchoolPlace {
  area: string;
  nodes: readonly string[];
  number: number;
}

/** The roster's schools with their numbers, as the record script and 汇总 use them. */
export interface SchoolPlaces {
  /** The roster's version as the counts depend on it (rosterFingerprint): the counts of a period carry the one they were kept under. */
  version: string;
  of(code: string): SchoolPlace | undefined;
  /**
   * The numbers of these schools, in order (-1 for a school without one), kept per list: 汇总
   * walks an area's schools in roster order, and a look-up per school and period was its cost.
   */
  numbersOf(schools: readonly School[]): Int32Array;
}

/**
 * Gives each code without a number the next one, in order. Numbers are never reused or moved,
 * so a bitmap written under one roster reads right under the next (a school added later gets a
 * new number; a removed one leaves its bit unused). A school numbered after the service's first
 * day joined the roster that day: the day is kept (roster-days.ts). KEYS: the numbers hash, the
 * joined hash, the first day. ARGV: today ('' to keep no day), then codes.
 */
const assignScript = loadScript("school-numbers-assign", {
  keys: (k: { numbers: string; joined: string; liveSince: string }) => [k.numbers, k.joined, k.liveSince],
  args: (a: { today?: LocalDate; codes: readonly string[] }) => [a.today ?? "", ...a.codes],
});

/** Codes per script call: a province roster is numbered in a few short calls, none blocking Redis long. */
const CHUNK = 2000;

/**
 * How the counts are kept, part of the roster's version: counts kept before the nodes' totals
 * (the levels above the 片区) are recounted once, at the first start that keeps them.
 */
const COUNTING = "nodes";

/** What the counts depend on in a roster: each school's code and the area it is counted under (a move between counties too). */
export function rosterFingerprint(schools: readonly School[]): string {
  const lines = schools.map((school) => `${school.code}\t${areaKey(school)}`).sort();
  return createHash("sha1").update(`${COUNTING}\n${lines.join("\n")}`).digest("hex");
}

/**
 * Numbers the roster's schools (once, at start) and answers where each is counted. `today`: the
 * local date, kept as the day a school new to the roster joined it (the service, at start).
 */
export async function loadSchoolPlaces(redis: RedisClient, keys: Keys, schools: readonly School[], today?: LocalDate): Promise<SchoolPlaces> {
  const places = new Map<string, SchoolPlace>();
  for (let i = 0; i < schools.length; i += CHUNK) {
    const chunk = schools.slice(i, i + CHUNK);
    const numbers = (await assignScript(redis, { numbers: keys.schoolNumbers(), joined: keys.schoolsJoined(), liveSince: keys.liveSince() }, { today, codes: chunk.map((s) => s.code) })) as string[];
    chunk.forEach((school, j) => places.set(school.code, { area: areaKey(school), nodes: nodeKeysOf(school), number: Number(numbers[j]) }));
  }
  const lists = new WeakMap<readonly School[], Int32Array>();
  return {
    version: rosterFingerprint(schools),
    // The map's own look-up, handed to the store: a report's record finds its school's place without a call into this file.
    of: places.get.bind(places),
    numbersOf(list) {
      let numbers = lists.get(list);
      if (!numbers) lists.set(list, (numbers = Int32Array.from(list, (school) => places.get(school.code)?.number ?? -1)));
      return numbers;
    },
  };
}

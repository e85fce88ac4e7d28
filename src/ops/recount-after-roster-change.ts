import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { School } from "../config/roster.js";
import { areaKey } from "../config/roster-tree.js";
import { addDays } from "../time/local-time.js";
import { recountPeriodsInPlace, type RecountDeps } from "./recount-periods.js";

/** How far back the counts are recounted: the days 汇总 and 历史 are asked about in practice. */
export const RECOUNT_DAYS = 62;

/** How long one process may take the recount for itself. */
const LOCK_SECONDS = 30 * 60;

/** What the counts depend on in a roster: each school's code and the area it is counted under (a move between counties too). */
export function rosterFingerprint(schools: readonly School[]): string {
  const lines = schools.map((school) => `${school.code}\t${areaKey(school)}`).sort();
  return createHash("sha1").update(lines.join("\n")).digest("hex");
}

/**
 * The counts 汇总 reads are kept by area as reports come: a school added, removed or moved to
 * another area leaves them wrong until they are recounted. At start the workers compare the
 * roster with the one the counts were kept under, and when it changed (or the counts are new,
 * after an upgrade) recount the last {@link RECOUNT_DAYS} days of every task, each period in one
 * step in Redis, so that a check-in meanwhile is counted exactly once; one process does it.
 * Returns what was recounted, or undefined when nothing had changed or another process has it.
 */
export async function recountAfterRosterChange(
  deps: RecountDeps & { schools: readonly School[]; today: string; log: Pick<Logger, "info" | "warn"> },
): Promise<{ periods: number; reports: number; reduced: number } | undefined> {
  const { redis, keys, log } = deps;
  const fingerprint = rosterFingerprint(deps.schools);
  if ((await redis.get(keys.rosterFingerprint())) === fingerprint) return undefined;
  if ((await redis.set(keys.rosterRecountLock(), fingerprint, "EX", LOCK_SECONDS, "NX")) !== "OK") return undefined;
  try {
    const from = addDays(deps.today, -RECOUNT_DAYS);
    log.info({ from, to: deps.today }, "roster changed since the counts were kept: recounting");
    const result = await recountPeriodsInPlace(deps, { from, to: deps.today });
    await redis.set(keys.rosterFingerprint(), fingerprint);
    log.info(result, "counts recounted for the roster");
    return result;
  } finally {
    await redis.del(keys.rosterRecountLock());
  }
}

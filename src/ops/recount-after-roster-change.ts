import type { Logger } from "pino";
import type { School } from "../config/roster.js";
import { addDays } from "../time/local-time.js";
import { recountPeriodsInPlace, type RecountDeps } from "./recount-periods.js";
import { rosterFingerprint } from "../store/school-numbers.js";
import { recountPeriodInPlace } from "../store/recount-period.js";

/** How far back the counts are recounted: the days 汇总 and 历史 are asked about in practice. */
export const RECOUNT_DAYS = 62;

/** How long one process may take the recount for itself. */
const LOCK_SECONDS = 30 * 60;

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

/**
 * The periods of the last {@link RECOUNT_DAYS} days whose counts a process under another roster
 * left alone (a web process not restarted yet: its reports are recorded, not counted, and the
 * period marked stale), recounted under this roster when it is the one in force (the last the
 * start-up recount counted under). The workers run it every minute. Returns how many it recounted.
 */
export async function recountStalePeriods(
  deps: RecountDeps & { schools: readonly School[]; today: string; log: Pick<Logger, "info"> },
): Promise<number> {
  const { redis, keys, places } = deps;
  if ((await redis.get(keys.rosterFingerprint())) !== places.version) return 0;
  const periods = deps.calendar.tasks.flatMap((task) => deps.calendar.list(task, addDays(deps.today, -RECOUNT_DAYS), deps.today));
  const under = await Promise.all(periods.map((period) => redis.get(keys.periodCountedUnder(period.task, period.id))));
  const stale = periods.filter((_, i) => under[i] !== null && under[i] !== places.version);
  for (const period of stale) await recountPeriodInPlace(deps, deps.schools, period.task, period.id);
  if (stale.length > 0) deps.log.info({ periods: stale.length }, "counts kept under another roster recounted");
  return stale.length;
}

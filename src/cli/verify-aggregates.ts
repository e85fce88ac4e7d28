import type { Records } from "../main/open-records.js";
import { recountPeriods } from "../ops/recount-periods.js";
import { loadSchoolPlaces } from "../store/school-numbers.js";
import { isValidLocalDate, toLocalDate } from "../time/local-time.js";

/** Differences shown per period; the count says how many more. */
const SHOWN = 5;

/** `pingan verify-aggregates`' range, checked before anything is opened: throws the Chinese line that says what is wrong. */
export function checkVerifyRange(from: string, to: string): void {
  for (const date of [from, to]) if (!isValidLocalDate(date)) throw new Error(`日期 ${date} 无效，写成 YYYY-MM-DD，例如 2026-11-01`);
  if (to < from) throw new Error(`--to ${to} 早于 --from ${from}`);
}

/**
 * `pingan verify-aggregates --from --to [--repair]`: recounts every task's periods in the range
 * from their reports in force and compares the counts 汇总 reads (after a restore from backup,
 * say); `repair` rewrites the ones that differ (the records must then be the service's own, not
 * a copy). Returns how many periods differed.
 */
export async function verifyAggregates(
  records: Records,
  { from, to, repair = false }: { from: string; to: string; repair?: boolean },
  say: (line: string) => void,
): Promise<number> {
  const { redis, keys, reports, calendar, roster, config } = records;
  // A school new to the roster is numbered here first when the admin checks before restarting: it joined today.
  const places = await loadSchoolPlaces(redis, keys, roster.schools, toLocalDate(records.clock.now(), config.timezone));
  const { periods, differing } = await recountPeriods(
    { redis, keys, places, reports, calendar },
    {
      from,
      to,
      repair,
      onDiffer(period, outcome) {
        say(`${period.taskName} ${period.id}：${outcome.reports} 份上报，统计有 ${outcome.differences.length} 处不符${outcome.repaired ? "，已按上报重算修复" : ""}`);
        for (const line of outcome.differences.slice(0, SHOWN)) say(`  ${line}`);
        if (outcome.differences.length > SHOWN) say(`  ……另有 ${outcome.differences.length - SHOWN} 处`);
      },
    },
  );
  say(
    differing === 0
      ? `核对了 ${periods} 期，统计与上报完全一致。`
      : `核对了 ${periods} 期，${differing} 期不符${repair ? "，均已修复" : "；加 --repair 按上报重算修复"}。`,
  );
  return differing;
}

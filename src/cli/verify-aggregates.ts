import { loadConfig } from "../config/load-config.js";
import { isValidLocalDate, toLocalDate } from "../time/local-time.js";
import { createKeys } from "../store/keys.js";
import { createReportStore } from "../store/reports.js";
import { loadSchoolPlaces } from "../store/school-numbers.js";
import { createTaskCalendar } from "../time/task-calendar.js";
import { openLedgerRedis } from "../features/ledger/open-ledger-redis.js";
import type { Settings } from "../main/settings.js";
import { recountPeriods } from "../ops/recount-periods.js";

export interface VerifyAggregatesOptions {
  settings: Pick<Settings, "configPath" | "variables" | "redisUrl" | "dataDir" | "now">;
  from: string;
  to: string;
  repair?: boolean;
  say: (line: string) => void;
}

/** Differences shown per period; the count says how many more. */
const SHOWN = 5;

/**
 * `pingan verify-aggregates --from --to [--repair]`: recounts every task's periods in the range
 * from their reports in force and compares the counts 汇总 reads (after a restore from backup,
 * say); `--repair` rewrites the ones that differ. Returns how many periods differed.
 */
export async function verifyAggregates(options: VerifyAggregatesOptions): Promise<number> {
  const { from, to, say } = options;
  for (const date of [from, to]) if (!isValidLocalDate(date)) throw new Error(`日期 ${date} 无效，写成 YYYY-MM-DD，例如 2026-11-01`);
  if (to < from) throw new Error(`--to ${to} 早于 --from ${from}`);
  const { config, roster } = await loadConfig({ path: options.settings.configPath, env: options.settings.variables });
  const calendar = await createTaskCalendar(config, { configPath: options.settings.configPath });
  // A repair writes where the service reads: its own embedded server, never a copy.
  const { redis, close } = await openLedgerRedis({ settings: options.settings, say, write: options.repair ?? false });
  try {
    const keys = createKeys();
    // A school new to the roster is numbered here first when the admin checks before restarting: it joined today.
    const places = await loadSchoolPlaces(redis, keys, roster.schools, toLocalDate(options.settings.now ?? new Date(), config.timezone));
    const reports = createReportStore({ redis, keys, places });
    const { periods, differing } = await recountPeriods(
      { redis, keys, places, reports, calendar },
      {
        from,
        to,
        repair: options.repair ?? false,
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
        : `核对了 ${periods} 期，${differing} 期不符${options.repair ? "，均已修复" : "；加 --repair 按上报重算修复"}。`,
    );
    return differing;
  } finally {
    await close();
  }
}

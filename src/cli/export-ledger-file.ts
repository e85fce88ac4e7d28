import type { TaskId } from "../config/schema.js";
import type { Records } from "../main/open-records.js";
import { planLedger, type LedgerPlan } from "../features/ledger/build-ledger.js";
import { checkLedgerRange, MAX_LEDGER_DAYS } from "../features/ledger/check-ledger-range.js";
import { forkLedgerExport } from "../main/run-ledger-export.js";

/** What `pingan export` is asked for, checked. */
export interface ExportRequest {
  from: string;
  to: string;
  out: string;
  /** One task's CSV instead of the workbook: its id (safety) or a word that names it (平安), as given; readCliTask reads it against the config. */
  taskWord?: string;
}

/** What `pingan export` writes: the request with its task read. */
export interface LedgerFileRequest {
  from: string;
  to: string;
  out: string;
  task?: TaskId;
}

/**
 * `pingan export`'s options, checked before anything is opened: throws the Chinese line that
 * says what is wrong. `task` is `safety` / `drowning` / `study` or a task word (平安, 防溺水, 学习),
 * and only goes with `csv`.
 */
export function readExportRequest(options: { from: string; to: string; out: string; csv?: boolean; task?: string }): ExportRequest {
  const { from, to, out } = options;
  const problem = checkLedgerRange(from, to);
  if (problem?.problem === "bad_date") throw new Error(`日期 ${problem.date} 无效，写成 YYYY-MM-DD，例如 2026-11-01`);
  if (problem?.problem === "reversed") throw new Error(`--to ${to} 早于 --from ${from}`);
  if (problem?.problem === "too_long") throw new Error(`一次最多导出 ${MAX_LEDGER_DAYS} 天（现在是 ${problem.days} 天）`);
  const taskWord = options.task;
  if (options.csv && !taskWord) throw new Error("CSV 每个文件只含一项任务，请加上 --task 和任务（配置里 tasks 下的名字如 safety，或任务名称如 平安）");
  if (!options.csv && taskWord) throw new Error("--task 只用于 --csv；Excel 文件包含全部任务");
  return { from, to, out, ...(taskWord && { taskWord }) };
}

/** `pingan export`: writes the same ledger as the 导出 link, as .xlsx or one task's CSV, from the service's records, as it reads them. */
export async function exportLedgerFile(records: Records, { from, to, out, task }: LedgerFileRequest, say: (line: string) => void = () => {}): Promise<{ plan: LedgerPlan; bytes: number }> {
  const { config } = records;
  const plan = planLedger({ calendar: records.calendar, kinds: config, from, to, timeZone: config.timezone, now: records.clock.now() });
  // As the service owes them: from its first day, each school from the day it joined; written
  // as the service's 导出 link writes it, in a process whose heap is bounded by the roster's size.
  const { bytes, rows } = await forkLedgerExport({ redisUrl: records.url, schools: records.roster.schools, people: config, plan, out, ...(task && { task }) });
  const written = plan.tasks
    .filter((t) => !task || t.task === task)
    .map((t) => `${t.taskName} ${rows.get(t.task) ?? 0} 行`)
    .join("，");
  say(`已写入 ${out}（${from} 至 ${to}：${written}）`);
  return { plan, bytes };
}


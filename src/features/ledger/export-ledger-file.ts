import { writeFile } from "node:fs/promises";
import { loadConfig } from "../../config/load-config.js";
import { TASK_IDS, type TaskId } from "../../config/schema.js";
import { createKeys } from "../../store/keys.js";
import { createExemptionStore } from "../../store/exemptions.js";
import { createReportStore } from "../../store/reports.js";
import { readRosterDays, withJoinedDays } from "../../store/roster-days.js";
import { createTaskCalendar } from "../../time/task-calendar.js";
import { parseTaskWord } from "../../bot/words.js";
import { buildLedger, type Ledger } from "./build-ledger.js";
import { checkLedgerRange, MAX_LEDGER_DAYS } from "./check-ledger-range.js";
import { openLedgerRedis } from "./open-ledger-redis.js";
import { writeLedgerCsv } from "./write-ledger-csv.js";
import { writeLedgerXlsx } from "./write-ledger-xlsx.js";
import type { Settings } from "../../main/settings.js";

export interface ExportLedgerFileOptions {
  /** The config file, its `${NAME}` references, and where Redis is. */
  settings: Pick<Settings, "configPath" | "variables" | "redisUrl" | "dataDir">;
  from: string;
  to: string;
  out: string;
  /** One task's CSV instead of the workbook; needs `task`. */
  csv?: boolean;
  /** `safety` / `drowning` / `study`, or a task word (平安, 防溺水, 学习). */
  task?: string;
  /** The data is as of this instant (PINGAN_NOW); defaults to the real time. */
  now?: Date;
  say?: (line: string) => void;
}

/** `pingan export`: writes the same ledger as the 导出 link, as .xlsx or one task's CSV. */
export async function exportLedgerFile(options: ExportLedgerFileOptions): Promise<{ ledger: Ledger; bytes: number }> {
  const { from, to, say = () => {} } = options;
  const problem = checkLedgerRange(from, to);
  if (problem?.problem === "bad_date") throw new Error(`日期 ${problem.date} 无效，写成 YYYY-MM-DD，例如 2026-11-01`);
  if (problem?.problem === "reversed") throw new Error(`--to ${to} 早于 --from ${from}`);
  if (problem?.problem === "too_long") throw new Error(`一次最多导出 ${MAX_LEDGER_DAYS} 天（现在是 ${problem.days} 天）`);
  const task = options.task === undefined ? undefined : readTask(options.task);
  if (options.csv && !task) throw new Error("CSV 每个文件只含一项任务，请加上 --task safety|drowning|study");
  if (!options.csv && task) throw new Error("--task 只用于 --csv；Excel 文件包含全部任务");

  const loaded = await loadConfig({ path: options.settings.configPath, env: options.settings.variables });
  const { config } = loaded;
  if (task && !config.tasks[task]?.enabled) throw new Error(`任务 ${task} 没有启用`);
  const { redis, close } = await openLedgerRedis({ settings: options.settings, say });
  try {
    const keys = createKeys();
    // As the service owes them: from its first day, each school from the day it joined.
    const days = await readRosterDays(redis, keys);
    const calendar = await createTaskCalendar(config, { configPath: options.settings.configPath, liveSince: days.liveSince });
    const ledger = await buildLedger({
      roster: withJoinedDays(loaded.roster, days),
      people: config,
      store: createReportStore({ redis, keys }),
      exemptions: createExemptionStore({ redis, keys }),
      calendar,
      from,
      to,
      timeZone: config.timezone,
      now: options.now ?? new Date(),
    });
    const body = task ? writeLedgerCsv(ledger, task) : await writeLedgerXlsx(ledger);
    await writeFile(options.out, body);
    const rows = ledger.tasks
      .filter((t) => !task || t.task === task)
      .map((t) => `${t.taskName} ${t.rows.length} 行`)
      .join("，");
    say(`已写入 ${options.out}（${from} 至 ${to}：${rows}）`);
    return { ledger, bytes: body.length };
  } finally {
    await close();
  }
}

function readTask(word: string): TaskId {
  const task = (TASK_IDS as readonly string[]).includes(word) ? (word as TaskId) : parseTaskWord(word);
  if (!task) throw new Error(`不认识的任务“${word}”，写 safety、drowning 或 study`);
  return task;
}

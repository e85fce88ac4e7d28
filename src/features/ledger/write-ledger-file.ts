import { createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { TaskId } from "../../config/schema.js";
import type { LedgerPlan, LedgerSources } from "./build-ledger.js";
import { readLedgerSource, type LedgerSource } from "./ledger-source.js";
import { writeLedgerCsv } from "./write-ledger-csv.js";
import { writeLedgerXlsx } from "./write-ledger-xlsx.js";

/**
 * Writes the ledger of `plan` to the file `out` as it reads it: the workbook, or one task's CSV
 * when `task` is given. Returns the file's size and the rows written of each task.
 */
export async function writeLedgerFile(sources: LedgerSources, plan: LedgerPlan, out: string, task?: TaskId): Promise<{ bytes: number; rows: Map<TaskId, number> }> {
  const read = readLedgerSource(sources, plan);
  const rows = new Map<TaskId, number>();
  const ledger: LedgerSource = {
    ...read,
    async *rows(part) {
      for await (const batch of read.rows(part)) {
        rows.set(part.task, (rows.get(part.task) ?? 0) + batch.length);
        yield batch;
      }
    },
  };
  const file = createWriteStream(out);
  const failed = new Promise<never>((_, fail) => file.once("error", fail));
  await Promise.race([task ? writeLedgerCsv(ledger, task, file) : writeLedgerXlsx(ledger, file), failed]);
  return { bytes: (await stat(out)).size, rows };
}

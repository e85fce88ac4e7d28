import type { TaskId } from "../../config/schema.js";
import { formatRate, toWallClock } from "../../time/local-time.js";
import { ledgerText } from "./ledger-text.js";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { LedgerSource } from "./ledger-source.js";
import { listTaskColumns, type ColumnKind } from "./ledger-columns.js";
import { defuseFormula } from "./defuse-formula.js";

/** Excel reads a CSV as UTF-8 only when it starts with a byte-order mark. */
const BOM = "\uFEFF";

/**
 * One task's sheet of the ledger as CSV (RFC 4180, CRLF) into `out`, UTF-8 with a BOM so that
 * Excel shows the Chinese text, a batch of rows at a time (waiting for `out` to drain), and ends
 * `out`. Dates are `YYYY-MM-DD`, times `YYYY-MM-DD HH:MM` in the ledger's zone.
 * Throws when the ledger has no such task.
 */
export async function writeLedgerCsv(ledger: LedgerSource, task: TaskId, out: Writable): Promise<void> {
  const part = ledger.tasks.find((t) => t.task === task);
  if (!part) throw new Error(`the ledger has no task "${task}"`);
  const columns = listTaskColumns(part);
  const line = (cells: readonly string[]) => `${cells.join(",")}\r\n`;
  const write = async (text: string) => {
    if (!out.write(text, "utf8")) await new Promise((drained) => out.once("drain", drained));
  };
  await write(BOM + line(columns.map((c) => quote(c.header))));
  for await (const rows of ledger.rows(part)) {
    await write(rows.map((row) => line(columns.map((c) => quote(toText(c.kind, c.value(row), ledger.timeZone))))).join(""));
  }
  out.end();
  await finished(out, { readable: false });
}

function toText(kind: ColumnKind, value: string | number | Date | boolean | undefined, timeZone: string): string {
  if (value === undefined) return "";
  if (typeof value === "boolean") return value ? ledgerText.yes : ledgerText.no;
  if (value instanceof Date) return toWallClock(value, timeZone).toISOString().slice(0, 16).replace("T", " ");
  if (kind === "percent" && typeof value === "number") return formatRate(value * 1000, 1000);
  return String(value);
}

/** Quotes a field when it holds a comma, quote or line break; a formula is defused. */
function quote(text: string): string {
  const safe = defuseFormula(text);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

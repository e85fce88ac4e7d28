import type { TaskId } from "../../config/schema.js";
import { formatRate } from "../../time/format-time.js";
import { ledgerText } from "./ledger-text.js";
import type { Ledger } from "./build-ledger.js";
import { listTaskColumns, type ColumnKind } from "./ledger-columns.js";
import { toWallClock } from "../../time/local-time.js";
import { defuseFormula } from "./defuse-formula.js";

/** Excel reads a CSV as UTF-8 only when it starts with a byte-order mark. */
const BOM = "\uFEFF";

/**
 * One task's sheet of the ledger as CSV (RFC 4180, CRLF), UTF-8 with a BOM so that Excel
 * shows the Chinese text. Dates are `YYYY-MM-DD`, times `YYYY-MM-DD HH:MM` in the ledger's zone.
 * Throws when the ledger has no such task.
 */
export function writeLedgerCsv(ledger: Ledger, task: TaskId): Buffer {
  const part = ledger.tasks.find((t) => t.task === task);
  if (!part) throw new Error(`the ledger has no task "${task}"`);
  const columns = listTaskColumns(part);
  const lines = [columns.map((c) => quote(c.header))];
  for (const row of part.rows) {
    lines.push(columns.map((c) => quote(toText(c.kind, c.value(row), ledger.timeZone))));
  }
  return Buffer.from(BOM + lines.map((cells) => cells.join(",")).join("\r\n") + "\r\n", "utf8");
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

import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import ExcelJS from "exceljs";
import { ledgerText } from "./ledger-text.js";
import type { LedgerSource } from "./ledger-source.js";
import { LEDGER_BATCH } from "./build-ledger.js";
import { listSummaryLines, listTaskColumns, SUMMARY_COLUMNS, type ColumnKind, type LedgerColumn, type SummaryLine } from "./ledger-columns.js";
import { toWallClock } from "../../time/local-time.js";
import { localDateToCell } from "./wall-clock.js";
import { defuseFormula } from "./defuse-formula.js";
import { INCIDENT_COLUMNS, INCIDENT_SHEET } from "./incident-sheet.js";

const FORMATS: Partial<Record<ColumnKind, string>> = {
  date: "yyyy-mm-dd",
  datetime: "yyyy-mm-dd hh:mm",
  percent: "0.0%",
};
const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };

/**
 * The ledger as an .xlsx workbook into `out`: the summary sheet (汇总) first, then one sheet per
 * task, each with a frozen, filterable header row; dates and times are real date cells in the
 * ledger's zone, rates are numbers formatted as percentages. Rows go into the zip as they are
 * read, batch by batch, and the zip into `out` as it is compressed: what is held is a batch and
 * one task's counts, whatever the range. The summary comes first, so its counts are read by a
 * pass of their own before the rows; the incidents opened in the range (异常事件, a row per step
 * with who took it) come last, where the source has them.
 */
export async function writeLedgerXlsx(ledger: LedgerSource, out: Writable): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = "平安助手";
  workbook.created = ledger.asOf;

  const summary = addSheet(workbook, ledgerText.summarySheet, SUMMARY_COLUMNS);
  await addRows(summary, SUMMARY_COLUMNS, summaryBatches(ledger), ledger.timeZone);
  summary.addRow([]).commit();
  for (const note of ledgerText.notes(ledger.from, ledger.to, ledger.asOf, ledger.timeZone)) summary.addRow([note]).commit();
  summary.commit();

  const used = new Set([ledgerText.summarySheet]);
  for (const task of ledger.tasks) {
    const columns = listTaskColumns(task);
    const sheet = addSheet(workbook, sheetName(task.taskName, used), columns);
    await addRows(sheet, columns, ledger.rows(task), ledger.timeZone);
    sheet.commit();
  }
  if (ledger.incidents) {
    const sheet = addSheet(workbook, sheetName(INCIDENT_SHEET, used), INCIDENT_COLUMNS);
    await addRows(sheet, INCIDENT_COLUMNS, [await ledger.incidents()], ledger.timeZone);
    sheet.commit();
  }
  await Promise.all([workbook.commit(), finished(out, { readable: false })]);
}

function addSheet<R>(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: readonly LedgerColumn<R>[]): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", xSplit: 0, ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ width: c.width }));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
  });
  header.commit();
  return sheet;
}

/** Writes the batches' rows under the header, then the filter over them; waits for the zip to take each batch. */
async function addRows<R>(
  sheet: ExcelJS.Worksheet,
  columns: readonly LedgerColumn<R>[],
  batches: AsyncIterable<readonly R[]> | Iterable<readonly R[]>,
  timeZone: string,
): Promise<void> {
  let count = 0;
  for await (const rows of batches) {
    for (const row of rows) {
      const line = sheet.addRow(columns.map((c) => toCell(c.kind, c.value(row), timeZone)));
      columns.forEach((c, i) => {
        const format = FORMATS[c.kind];
        if (format) line.getCell(i + 1).numFmt = format;
      });
      line.commit();
    }
    count += rows.length;
    await zipped(sheet);
  }
  if (count > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: count + 1, column: columns.length } };
}

/**
 * Waits until the zip has taken what the sheet wrote. exceljs's sheet stream pushes into the zip
 * without heeding its backpressure, so rows written faster than they are compressed piled up in
 * memory (0.75 KB a row: 336 MiB for 300,000); waiting on the zip's side after each batch keeps
 * the process at the same size whatever the rows (125 MiB for the same 300,000).
 */
async function zipped(sheet: ExcelJS.Worksheet): Promise<void> {
  const { pipes = [] } = (sheet as unknown as { stream: { pipes?: (Writable & { _writableState?: { needDrain?: boolean } })[] } }).stream;
  for (const pipe of pipes) {
    if (pipe.writableNeedDrain || pipe._writableState?.needDrain) await new Promise((drained) => pipe.once("drain", drained));
  }
}

/**
 * The summary's lines a task at a time, each task's counted just before its lines are written
 * and let go once they are: what is held is one task's counts, not every task's for the whole
 * export (held until the last row, they kept 28 MB live at 20,000 schools, which V8 let the
 * heap grow from). Batches like the task sheets', so the zip takes them as it takes those.
 */
async function* summaryBatches(ledger: LedgerSource): AsyncIterable<readonly SummaryLine[]> {
  for (const task of ledger.tasks) {
    const lines = listSummaryLines({ ...task, ...(await ledger.counts(task)) });
    for (let at = 0; at < lines.length; at += LEDGER_BATCH) yield lines.slice(at, at + LEDGER_BATCH);
  }
}

function toCell(kind: ColumnKind, value: string | number | Date | boolean | undefined, timeZone: string): ExcelJS.CellValue {
  if (value === undefined) return null;
  if (kind === "date" && typeof value === "string") return localDateToCell(value);
  if (kind === "datetime" && value instanceof Date) return toWallClock(value, timeZone);
  if (typeof value === "boolean") return value ? ledgerText.yes : ledgerText.no;
  // A string cell is no formula when the file is opened, but becomes one once edited or saved as CSV.
  if (typeof value === "string") return defuseFormula(value);
  return value;
}

/** Excel's sheet names: at most 31 characters, none of : \ / ? * [ ], unique. */
function sheetName(wanted: string, used: Set<string>): string {
  const base = wanted.replace(/[:\\/?*[\]]/g, "_").slice(0, 28) || "Sheet";
  let name = base;
  for (let i = 2; used.has(name); i += 1) name = `${base}${i}`;
  used.add(name);
  return name;
}

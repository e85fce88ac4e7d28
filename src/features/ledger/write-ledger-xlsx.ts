import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { ledgerText } from "./ledger-text.js";
import type { Ledger } from "./build-ledger.js";
import { listSummaryLines, listTaskColumns, SUMMARY_COLUMNS, type ColumnKind, type LedgerColumn } from "./ledger-columns.js";
import { toWallClock } from "../../time/local-time.js";
import { localDateToCell } from "./wall-clock.js";
import { defuseFormula } from "./defuse-formula.js";
import { INCIDENT_COLUMNS, INCIDENT_SHEET, type IncidentRow } from "./incident-sheet.js";

const FORMATS: Partial<Record<ColumnKind, string>> = {
  date: "yyyy-mm-dd",
  datetime: "yyyy-mm-dd hh:mm",
  percent: "0.0%",
};
const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDDEBF7" } };

/**
 * The ledger as an .xlsx workbook: the summary sheet (汇总) first, then one sheet per task,
 * each with a frozen, filterable header row; dates and times are real date cells in the
 * ledger's zone, rates are numbers formatted as percentages. Rows are streamed into the zip as
 * they are written (a county's year is some 180,000 rows), so only the compressed file is held.
 */
export async function writeLedgerXlsx(ledger: Ledger, { incidents }: { incidents?: readonly IncidentRow[] } = {}): Promise<Buffer> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((done, fail) => {
    stream.once("end", done);
    stream.once("error", fail);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = "平安助手";
  workbook.created = ledger.asOf;

  const summary = addSheet(workbook, ledgerText.summarySheet, SUMMARY_COLUMNS, listSummaryLines(ledger.tasks), ledger.timeZone);
  summary.addRow([]).commit();
  for (const note of ledgerText.notes(ledger.from, ledger.to, ledger.asOf, ledger.timeZone)) summary.addRow([note]).commit();
  summary.commit();

  const used = new Set([ledgerText.summarySheet]);
  for (const task of ledger.tasks) {
    addSheet(workbook, sheetName(task.taskName, used), listTaskColumns(task), task.rows, ledger.timeZone).commit();
  }
  // The incidents opened in the range, a row per step with who took it.
  if (incidents) addSheet(workbook, sheetName(INCIDENT_SHEET, used), INCIDENT_COLUMNS, incidents, ledger.timeZone).commit();
  await workbook.commit();
  await ended;
  return Buffer.concat(chunks);
}

function addSheet<R>(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  columns: readonly LedgerColumn<R>[],
  rows: readonly R[],
  timeZone: string,
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", xSplit: 0, ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({ width: c.width }));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
  });
  header.commit();
  for (const row of rows) {
    const line = sheet.addRow(columns.map((c) => toCell(c.kind, c.value(row), timeZone)));
    columns.forEach((c, i) => {
      const format = FORMATS[c.kind];
      if (format) line.getCell(i + 1).numFmt = format;
    });
    line.commit();
  }
  if (rows.length > 0) {
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: rows.length + 1, column: columns.length } };
  }
  return sheet;
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

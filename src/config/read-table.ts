import { extname } from "node:path";
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { configError } from "./config-error.js";
import { OLE2_MAGIC, ZIP_MAGIC, decodeText, startsWith, type TextEncoding } from "./decode-text.js";
import { text } from "./messages.js";
import { formatSize } from "./read-input-file.js";

/** One non-empty row of a table: its cells, trimmed, and its line (CSV) or row number (Excel). */
export interface TableRow {
  readonly fields: readonly string[];
  readonly line: number;
}

/** A table as read from a CSV file or one worksheet of an .xlsx workbook. */
export interface Table {
  readonly format: "csv" | "xlsx";
  /** The worksheet read (xlsx only). */
  readonly sheet?: string;
  /** The encoding the CSV was read in (csv only). */
  readonly encoding?: TextEncoding;
  readonly rows: readonly TableRow[];
}

/** The roster or the directory export: an .xlsx workbook is this size at most (a county's is well under 1 MB). */
export const MAX_TABLE_BYTES = 20 * 1024 * 1024;
/** What a workbook may unpack to: beyond it, it is a zip bomb or not a roster, and exceljs would hold it all. */
const MAX_UNZIPPED_BYTES = 50 * 1024 * 1024;

/** Rows above a header (a sheet's title, the date it was made) are passed over; so many at most. */
const MAX_TITLE_ROWS = 10;

/**
 * Reads a table the admin keeps: an Excel workbook (.xlsx; its first worksheet, or `sheet`) or a
 * CSV saved from Excel (in any encoding decodeText reads; comma or tab). The name
 * says which, and the content must agree: an .xlsx that is really CSV text, a workbook named .csv,
 * an old .xls or a damaged file are refused with one line saying what it is. Throws a CONFIG_INVALID error (configError).
 */
export async function readTable(bytes: Uint8Array, file: string, { sheet }: { sheet?: string } = {}): Promise<Table> {
  const refuse = (message: string, hint?: string): never => {
    throw configError([{ file, message, ...(hint && { hint }) }]);
  };
  const named = extname(file).toLowerCase();
  if (startsWith(bytes, OLE2_MAGIC)) refuse(text.tableIsXls, text.saveAsXlsxHint);
  const zipped = startsWith(bytes, ZIP_MAGIC);
  if (named === ".xlsx" || named === ".xlsm") {
    if (!zipped) {
      const isText = !("refused" in decodeText(bytes));
      refuse(isText ? text.xlsxIsText(file) : text.xlsxDamaged, isText ? text.renameToCsvHint(file) : text.saveAsXlsxHint);
    }
    return readWorkbook(bytes, file, sheet);
  }
  if (named === ".xls") refuse(text.tableIsXls, text.saveAsXlsxHint);
  if (zipped) refuse(text.csvIsXlsx(file), text.renameToXlsxHint(file));
  if (sheet !== undefined) refuse(text.sheetOfCsv(sheet));
  const decoded = decodeText(bytes);
  if ("refused" in decoded) return refuse(decoded.refused, text.notTextTableHint);
  return { format: "csv", encoding: decoded.encoding, rows: readCsvRows(decoded.text, file) };
}

/** The index of the first row (among the first few) in which `isColumn` knows `minimum` cells; undefined when none does. */
export function findHeaderRow(rows: readonly TableRow[], isColumn: (cell: string) => boolean, minimum: number): number | undefined {
  const index = rows.slice(0, MAX_TITLE_ROWS + 1).findIndex((row) => row.fields.filter(isColumn).length >= minimum);
  return index < 0 ? undefined : index;
}

/** A header cell as compared: NFKC, lower case, no spaces, no unit in brackets, no required-mark. */
export function normalizeHeader(cell: string): string {
  return cell
    .normalize("NFKC")
    .toLowerCase()
    .replace(/\s+/g, "")
    .replace(/\([^()]*\)$/, "")
    .replace(/^\*|\*$/g, "")
    .replace(/-/g, "_");
}

function readCsvRows(source: string, file: string): TableRow[] {
  const firstLine = source.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  const delimiter = firstLine.includes("\t") && !firstLine.includes(",") ? "\t" : ",";
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(source, {
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === "number" ? (error as { lines: number }).lines : undefined;
    throw configError([{ file, line, message: text.csvSyntax, hint: text.csvSyntaxHint }]);
  }
  return records
    .map(({ record, info }) => ({
      fields: record.map((field) => field.trim()),
      line: info.lines - record.reduce((n, field) => n + (field.match(/\r\n|\r|\n/g)?.length ?? 0), 0),
    }))
    .filter((row) => row.fields.some((field) => field !== ""));
}

async function readWorkbook(bytes: Uint8Array, file: string, wanted: string | undefined): Promise<Table> {
  const unzipped = measureZip(bytes);
  if (unzipped === undefined) throw configError([{ file, message: text.xlsxDamaged, hint: text.saveAsXlsxHint }]);
  if (unzipped > MAX_UNZIPPED_BYTES) {
    throw configError([{ file, message: text.xlsxTooLarge(formatSize(unzipped), formatSize(MAX_UNZIPPED_BYTES)) }]);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  } catch {
    throw configError([{ file, message: text.xlsxDamaged, hint: text.saveAsXlsxHint }]);
  }
  // A zip without a workbook in it (a .docx renamed) loads as a workbook of no sheets.
  if (workbook.worksheets.length === 0) throw configError([{ file, message: text.xlsxDamaged, hint: text.saveAsXlsxHint }]);
  const sheets = workbook.worksheets.filter((sheet) => sheet.state !== "hidden" && sheet.state !== "veryHidden");
  const sheet = wanted === undefined ? sheets[0] : workbook.worksheets.find((candidate) => candidate.name.trim() === wanted.trim());
  if (!sheet) {
    const names = workbook.worksheets.map((candidate) => candidate.name);
    throw configError([{ file, message: wanted === undefined ? text.xlsxNoSheet : text.noSuchSheet(wanted, names) }]);
  }
  const rows: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    const fields: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      fields[column - 1] = cellText(cell);
    });
    const filled = Array.from(fields, (field) => field ?? "");
    if (filled.some((field) => field !== "")) rows.push({ fields: filled, line });
  });
  return { format: "xlsx", sheet: sheet.name, rows };
}

/**
 * A cell as its text: a number as JavaScript writes it (2136, not 2136.0), a formula by its result
 * (by itself, =B2+B3, when the file holds no result), a date as Excel shows it (2026-09-01), rich
 * text as its text.
 */
function cellText(cell: ExcelJS.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  if (value instanceof Date) return formatCellDate(value);
  if (typeof value === "object" && "formula" in value && (value.result === undefined || value.result === null)) return `=${value.formula}`;
  if (typeof value === "object" && "result" in value) {
    const result = value.result;
    if (result === undefined || result === null) return "";
    if (result instanceof Date) return formatCellDate(result);
    return typeof result === "object" && "error" in result ? String(result.error) : String(result);
  }
  return cell.text.trim();
}

/** exceljs reads a date cell as that day (and time) in UTC. */
function formatCellDate(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/**
 * The bytes a zip unpacks to, as its central directory declares them; undefined when there is no
 * readable directory. A declared size larger than 4 GB (ZIP64) counts as too large.
 */
function measureZip(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return undefined;
  const entries = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) return undefined;
    const size = view.getUint32(at + 24, true);
    total += size === 0xffffffff ? Number.POSITIVE_INFINITY : size;
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return total;
}

import { parse } from "csv-parse/sync";
import type { School } from "./roster.js";
import { ConfigError } from "./config-error.js";
import type { ConfigProblem } from "./problems.js";
import { text } from "./messages.js";

type Field = "code" | "name" | "shortName" | "area" | "stage" | "reporters" | "reporterNames" | "pupils" | "staff";

/** The roster columns, with their English and Chinese header names, in the documented order. */
const COLUMNS: readonly { field: Field; en: string; zh: string; optional?: true }[] = [
  { field: "code", en: "code", zh: "学校代码" },
  { field: "name", en: "name", zh: "学校名称" },
  { field: "shortName", en: "short_name", zh: "简称" },
  { field: "area", en: "area", zh: "片区" },
  { field: "stage", en: "stage", zh: "学段" },
  { field: "reporters", en: "reporters", zh: "上报人" },
  { field: "reporterNames", en: "reporter_names", zh: "上报人姓名", optional: true },
  { field: "pupils", en: "pupils", zh: "学生数" },
  { field: "staff", en: "staff", zh: "教职工数" },
];

const CODE = /^[A-Za-z0-9_-]+$/;
const USERID = /^[A-Za-z0-9_.@-]+$/;
const WRONG_SEPARATOR = /[,，;；、/\\\s]/;

interface Row {
  fields: string[];
  line: number;
}

/**
 * Parses the roster CSV exported from Excel: UTF-8 (with or without BOM), GBK/GB18030 or
 * UTF-16; English or Chinese header in any column order. Throws a `ConfigError` naming the CSV
 * line and column of every bad row.
 */
export function parseRoster(bytes: Uint8Array, file: string): School[] {
  const rows = readRows(decodeText(bytes), file);
  if (rows.length === 0) throw new ConfigError([{ file, message: text.rosterEmpty, hint: text.rosterHeaderHint }]);
  const [headerRow, ...dataRows] = rows as [Row, ...Row[]];
  const columns = readHeader(headerRow, file);
  const problems: ConfigProblem[] = [];
  const schools: School[] = [];
  for (const row of dataRows) {
    const school = readSchool(row, columns, file, problems);
    if (school) schools.push(school);
  }
  checkUnique(schools, columns, file, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return schools.map((school) => Object.freeze({ ...school, reporters: Object.freeze([...school.reporters]) }));
}

function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Excel on Chinese Windows saves "CSV" in the ANSI code page, i.e. GBK; GB18030 is its superset.
    return new TextDecoder("gb18030").decode(bytes);
  }
}

function readRows(source: string, file: string): Row[] {
  const firstLine = source.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  const delimiter = firstLine.includes("\t") && !firstLine.includes(",") ? "\t" : ",";
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(source, {
      delimiter,
      info: true,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = typeof (error as { lines?: unknown }).lines === "number" ? (error as { lines: number }).lines : undefined;
    throw new ConfigError([{ file, line, message: text.csvSyntax, hint: text.csvSyntaxHint }]);
  }
  return records
    .map(({ record, info }) => ({
      fields: record.map((field) => field.trim()),
      line: info.lines - record.reduce((n, field) => n + (field.match(/\r\n|\r|\n/g)?.length ?? 0), 0),
    }))
    .filter((row) => row.fields.some((field) => field !== ""));
}

interface Columns {
  /** Position of each field in a row (an optional column that is absent has none). */
  index: Partial<Record<Field, number>> & Record<Exclude<Field, "reporterNames">, number>;
  /** The header cell as written, to name the column in problems. */
  label: Record<Field, string>;
  width: number;
}

function readHeader(row: Row, file: string): Columns {
  const cells = [...row.fields];
  while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
  const index: Partial<Record<Field, number>> = {};
  const label: Partial<Record<Field, string>> = {};
  const problems: ConfigProblem[] = [];
  const at = { file, line: row.line, hint: text.rosterHeaderHint };
  cells.forEach((cell, position) => {
    const name = cell.normalize("NFKC").trim();
    const column = COLUMNS.find((c) => c.en === name.toLowerCase() || c.zh === name);
    if (!column) problems.push({ ...at, message: text.unknownColumn(cell) });
    else if (index[column.field] !== undefined) problems.push({ ...at, message: text.duplicateColumn(cell) });
    else {
      index[column.field] = position;
      label[column.field] = cell;
    }
  });
  const missing = COLUMNS.filter((c) => !c.optional && index[c.field] === undefined).map((c) => `${c.zh}（${c.en}）`);
  if (missing.length > 0) problems.push({ ...at, message: text.missingColumns(missing) });
  if (problems.length > 0) throw new ConfigError(problems);
  return { index: index as Columns["index"], label: label as Record<Field, string>, width: cells.length };
}

function readSchool(row: Row, columns: Columns, file: string, problems: ConfigProblem[]): School | undefined {
  const { fields, line } = row;
  const used = fields.length - [...fields].reverse().findIndex((field) => field !== "");
  if (fields.length < columns.width) {
    problems.push({ file, line, message: text.tooFewFields(fields.length, columns.width), hint: text.fieldCountHint });
    return undefined;
  }
  if (used > columns.width) {
    problems.push({ file, line, message: text.tooManyFields(used, columns.width), hint: text.fieldCountHint });
    return undefined;
  }
  const before = problems.length;
  const report = (field: Field, message: string, hint: string) =>
    problems.push({ file, line, key: columns.label[field], message, hint });
  const get = (field: Field) => {
    const at = columns.index[field];
    return at === undefined ? "" : (fields[at] ?? "");
  };
  const required = (field: Field) => {
    const value = get(field);
    if (value === "") report(field, text.requiredCell(columnName(field)), text.cellHint(field));
    return value;
  };

  const code = required("code").normalize("NFKC");
  if (code && !CODE.test(code)) report("code", text.badCode(code), text.cellHint("code"));
  const name = required("name");
  const shortName = get("shortName");
  const area = required("area").normalize("NFKC");
  const stage = required("stage").normalize("NFKC");
  const reporterCell = required("reporters");
  const reporters = readReporters(reporterCell, (message) => report("reporters", message, text.cellHint("reporters")));
  const reporterNames = readReporterNames(reporterCell, get("reporterNames"), (message) =>
    report("reporterNames", message, text.cellHint("reporterNames")),
  );
  const pupils = readCount(required("pupils"), columnName("pupils"), (message) => report("pupils", message, text.cellHint("pupils")));
  const staff = readCount(required("staff"), columnName("staff"), (message) => report("staff", message, text.cellHint("staff")));

  if (problems.length > before) return undefined;
  return { code, name, shortName, area, stage, reporters, ...(reporterNames && { reporterNames }), pupils: pupils!, staff: staff!, line };
}

/**
 * The names of the 上报人姓名 cell, one per account of the 上报人 cell in the same order (a
 * name left empty stays ""); undefined when the cell is empty. Accounts written twice keep the
 * first name, as readReporters keeps the first account.
 */
function readReporterNames(reporterCell: string, cell: string, fail: (message: string) => void): string[] | undefined {
  if (cell.trim() === "") return undefined;
  const accounts = reporterCell.split("|").map((part) => part.normalize("NFKC").trim());
  const names = cell.split("|").map((part) => part.trim());
  if (names.length !== accounts.length) {
    fail(text.reporterNamesCount(names.length, accounts.length));
    return undefined;
  }
  const byAccount = new Map<string, string>();
  accounts.forEach((account, i) => {
    if (account !== "" && !byAccount.has(account)) byAccount.set(account, names[i]!);
  });
  return [...byAccount.values()];
}

function readReporters(cell: string, fail: (message: string) => void): string[] {
  if (cell === "") return [];
  const userids: string[] = [];
  for (const part of cell.split("|")) {
    const userid = part.normalize("NFKC").trim();
    if (userid === "") continue;
    if (!USERID.test(userid)) {
      fail(WRONG_SEPARATOR.test(userid) ? text.reporterSeparator : text.badReporter(userid));
      return [];
    }
    if (!userids.includes(userid)) userids.push(userid);
  }
  if (userids.length === 0) fail(text.requiredCell(columnName("reporters")));
  return userids;
}

function readCount(cell: string, label: string, fail: (message: string) => void): number | undefined {
  if (cell === "") return undefined;
  const value = cell.normalize("NFKC").replace(/\s/g, "");
  const digits = /^\d{1,3}(,\d{3})+$/.test(value) ? value.replace(/,/g, "") : value.replace(/\.0+$/, "");
  if (/^\d+$/.test(digits)) return Number(digits);
  if (/^-\d+(\.\d+)?$/.test(value)) fail(text.negativeCount(label, cell));
  else if (/^\d+\.\d+$/.test(value)) fail(text.fractionalCount(label, cell));
  else fail(text.notACount(label, cell));
  return undefined;
}

type IdentifierKind = "code" | "name" | "shortName";

/** Codes, names and short names must not collide, since a reporter may name a school by any of them. */
function checkUnique(schools: readonly School[], columns: Columns, file: string, problems: ConfigProblem[]): void {
  const taken = new Map<string, { school: School; kind: IdentifierKind }>();
  for (const school of schools) {
    const identifiers: [IdentifierKind, string][] = [
      ["code", school.code],
      ["name", school.name],
    ];
    if (school.shortName && school.shortName !== school.name) identifiers.push(["shortName", school.shortName]);
    for (const [kind, value] of identifiers) {
      const key = value.normalize("NFKC");
      const other = taken.get(key);
      if (other && other.school !== school) {
        problems.push({
          file,
          line: school.line,
          key: columns.label[kind],
          message: text.duplicateIdentifier(columnName(kind), value, other.school.line, columnName(other.kind)),
          hint: text.uniqueHint(kind, kind === "code" ? findFreeCode(school.code, schools) : undefined),
        });
      } else if (!other) {
        taken.set(key, { school, kind });
      }
    }
  }
}

/** A code of the same letters and width as `code` that no school uses (CG001 taken → CG009). */
function findFreeCode(code: string, schools: readonly School[]): string | undefined {
  const parts = /^(.*?)(\d+)$/.exec(code);
  if (!parts) return undefined;
  const prefix = parts[1]!;
  const digits = parts[2]!;
  const taken = new Set(schools.map((school) => school.code));
  for (let n = Number(digits) + 1; n < Number(digits) + 1000; n++) {
    const candidate = `${prefix}${String(n).padStart(digits.length, "0")}`;
    if (!taken.has(candidate)) return candidate;
  }
  return undefined;
}

function columnName(field: Field): string {
  return COLUMNS.find((c) => c.field === field)!.zh;
}

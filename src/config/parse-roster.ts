import type { School } from "./roster.js";
import { MAX_SCHOOL_FIGURE, tooLargeForASchool } from "./school.js";
import { configError } from "./config-error.js";
import type { ConfigProblem } from "../errors.js";
import type { TextEncoding } from "./decode-text.js";
import { text } from "./messages.js";
import { findHeaderRow, normalizeHeader, readTable, type TableRow } from "./read-table.js";
import { suggestClosest } from "./suggest-closest.js";
import { NODE_SEPARATOR, UPPER_LEVELS } from "./roster-tree.js";

export type RosterField =
  | "code"
  | "name"
  | "shortName"
  | "province"
  | "city"
  | "county"
  | "area"
  | "stage"
  | "reporters"
  | "reporterNames"
  | "pupils"
  | "staff";

/**
 * The roster columns in the documented order: the English and Chinese header names (the first
 * of each is the one documented first), and the other names offices give them. Headers are
 * compared without spaces, brackets' units (学生数（人）) and a required-mark *.
 */
export const ROSTER_COLUMNS: readonly { field: RosterField; en: readonly string[]; zh: readonly string[]; optional?: true }[] = [
  { field: "code", en: ["code", "school_code"], zh: ["学校代码", "学校编号", "学校标识码", "代码"] },
  { field: "name", en: ["name", "school_name"], zh: ["学校名称", "校名", "学校全称", "单位名称"] },
  { field: "shortName", en: ["short_name"], zh: ["简称", "学校简称"], optional: true },
  // The levels above the 片区, for a city's or a province's roster; a county's leaves them out.
  { field: "province", en: ["province"], zh: ["省", "省份", "所属省", "所属省份"], optional: true },
  { field: "city", en: ["city"], zh: ["市", "地市", "所属市", "所属地市", "设区市"], optional: true },
  { field: "county", en: ["county", "district"], zh: ["县", "县区", "区县", "县市区", "所属县", "所属县区", "所属区县"], optional: true },
  { field: "area", en: ["area"], zh: ["片区", "学区", "所属片区", "所属学区"] },
  { field: "stage", en: ["stage"], zh: ["学段", "学校类型", "办学类型"] },
  { field: "reporters", en: ["reporters", "userid"], zh: ["上报人", "上报人账号", "上报人帐号", "企业微信账号", "企业微信帐号"] },
  { field: "reporterNames", en: ["reporter_names"], zh: ["上报人姓名"], optional: true },
  { field: "pupils", en: ["pupils"], zh: ["学生数", "在校生数", "学生人数", "在校学生数", "学生总数"] },
  { field: "staff", en: ["staff"], zh: ["教职工数", "教师数", "教职工人数", "教师人数", "教职工总数"] },
];

/** A roster as read: its schools, and the header cells of the columns it does not use. */
export interface RosterFile {
  readonly schools: readonly School[];
  /** e.g. ["序号", "联系电话"], as written; empty when every column is used. */
  readonly ignoredColumns: readonly string[];
  /** The encoding a CSV roster was read in (see decodeText); unset for a workbook. */
  readonly encoding?: TextEncoding;
}

const CODE = /^[A-Za-z0-9_-]+$/;
const USERID = /^[A-Za-z0-9_.@-]+$/;
const WRONG_SEPARATOR = /[,，;；、/\\\s]/;
const HAN = /\p{Script=Han}/u;
/** The header is the first row that names this many roster columns. */
const MIN_HEADER_COLUMNS = 3;
/** A role's names column is the role's header with this after it (校医姓名), as 上报人姓名 is. */
const NAMES_SUFFIX = "姓名";

/** A roster as read, with every problem found in it rather than the first. */
export interface RosterReading extends RosterFile {
  readonly problems: readonly ConfigProblem[];
  /**
   * Every school row with a code and an area, bad cells and all (counts of bad cells read as 0):
   * what the config is checked against, so that fixing a row brings no new problem elsewhere.
   */
  readonly checkable: readonly School[];
}

/**
 * Parses the roster the bureau keeps: an Excel workbook (.xlsx, its first sheet or `sheet`) or a
 * CSV exported from Excel (see readTable). The header may sit under title rows, be in English or
 * Chinese or use common synonyms, in any order; columns the product does not use (序号, 联系电话)
 * are ignored and listed. Throws a CONFIG_INVALID error (configError) naming the line (row) and column of every bad row.
 */
export async function parseRoster(bytes: Uint8Array, file: string, options: { sheet?: string } = {}): Promise<RosterFile> {
  const { schools, ignoredColumns, encoding, problems } = await readRoster(bytes, file, options);
  if (problems.length > 0) throw configError(problems);
  return { schools, ignoredColumns, ...(encoding && { encoding }) };
}

/**
 * Reads the roster as parseRoster does, but returns its problems instead of throwing them: a
 * header that lacks a column still has its rows checked, a bad row still takes part in the
 * uniqueness checks. Throws a CONFIG_INVALID error only when the file cannot be read as a table at all.
 */
export async function readRoster(bytes: Uint8Array, file: string, { sheet, roles = [] }: { sheet?: string; roles?: readonly string[] } = {}): Promise<RosterReading> {
  const { format, encoding, rows } = await readTable(bytes, file, sheet === undefined ? {} : { sheet });
  if (rows.length === 0) throw configError([{ file, message: text.rosterEmpty, hint: text.rosterHeaderHint }]);
  const layout = locateRosterColumns(rows, roles);
  const problems: ConfigProblem[] = [];
  const columns = readHeader(layout, rows[layout.headerAt]!, file, format === "csv", problems);
  const read: School[] = [];
  for (const row of rows.slice(layout.headerAt + 1)) {
    if (isTotalRow(row, columns.index)) continue;
    const school = readSchool(row, columns, file, problems);
    if (school) read.push(school);
  }
  const checkable = read.filter((school) => school.code !== "" && school.area !== "");
  checkUnique(checkable, columns, file, problems);
  // Object.assign, not a frozen spread: V8 gives each frozen object-spread clone a hidden class of
  // its own, and 30,000 schools each with their own made every read of a school's field megamorphic.
  const frozen = (school: School) =>
    Object.freeze(
      Object.assign({}, school, {
        reporters: Object.freeze([...school.reporters]),
        ...(school.roles && { roles: Object.freeze({ ...school.roles }) }),
        ...(school.roleNames && { roleNames: Object.freeze({ ...school.roleNames }) }),
      }),
    );
  return {
    schools: problems.length > 0 ? [] : read.map(frozen),
    checkable: checkable.map(frozen),
    ignoredColumns: columns.ignored,
    ...(encoding && { encoding }),
    problems,
  };
}

/** Whether a header names one of the roster's fixed columns (a role column may not: 上报人, 学生数). */
export function isRosterColumn(cell: string): boolean {
  return columnOf(cell) !== undefined;
}

function columnOf(cell: string): (typeof ROSTER_COLUMNS)[number] | undefined {
  const name = normalizeHeader(cell);
  if (name === "") return undefined;
  return ROSTER_COLUMNS.find((c) => c.en.includes(name) || c.zh.includes(name));
}

/** Where a roster table's header is and what its columns are; nothing is required yet. */
export interface RosterLayout {
  /** Index in the table's rows of the header (0 when no row looks like one). */
  readonly headerAt: number;
  /** Position of each roster column found. */
  readonly index: Partial<Record<RosterField, number>>;
  /** The header cell as written, per column found. */
  readonly label: Partial<Record<RosterField, string>>;
  /** Position of each role column the config declares (校医), by the role as declared. */
  readonly roleIndex: Readonly<Record<string, number>>;
  /** Position of each role's names column (校医姓名, as 上报人姓名 is the 上报人's), by the role. */
  readonly roleNameIndex: Readonly<Record<string, number>>;
  /** Header cells of columns the roster does not use, as written. */
  readonly ignored: readonly string[];
  /** A second header cell for a column already found: [the cell, the first one]. */
  readonly repeated: readonly (readonly [string, string])[];
  /** Header cells up to the last non-empty one. */
  readonly width: number;
}

/**
 * Finds the header (the first row naming 3 roster columns, under any title rows) and its columns;
 * `roles`, the role columns the config declares (校医), are read where a header cell names one.
 */
export function locateRosterColumns(rows: readonly TableRow[], roles: readonly string[] = []): RosterLayout {
  const headerAt = findHeaderRow(rows, (cell) => columnOf(cell) !== undefined, MIN_HEADER_COLUMNS) ?? 0;
  const cells = [...(rows[headerAt]?.fields ?? [])];
  while (cells.length > 0 && cells[cells.length - 1] === "") cells.pop();
  const index: Partial<Record<RosterField, number>> = {};
  const label: Partial<Record<RosterField, string>> = {};
  const roleIndex: Record<string, number> = {};
  const roleNameIndex: Record<string, number> = {};
  const ignored: string[] = [];
  const repeated: [string, string][] = [];
  cells.forEach((cell, position) => {
    const column = columnOf(cell);
    const role = column ? undefined : roles.find((name) => normalizeHeader(name) === normalizeHeader(cell));
    const namesOf = column ? undefined : roles.find((name) => `${normalizeHeader(name)}${NAMES_SUFFIX}` === normalizeHeader(cell));
    if (role !== undefined) {
      if (roleIndex[role] === undefined) roleIndex[role] = position;
      else repeated.push([cell, role]);
    } else if (namesOf !== undefined) {
      if (roleNameIndex[namesOf] === undefined) roleNameIndex[namesOf] = position;
      else repeated.push([cell, `${namesOf}${NAMES_SUFFIX}`]);
    } else if (!column) {
      if (cell !== "") ignored.push(cell);
    } else if (index[column.field] !== undefined) {
      repeated.push([cell, label[column.field]!]);
    } else {
      index[column.field] = position;
      label[column.field] = cell;
    }
  });
  return { headerAt, index, label, roleIndex, roleNameIndex, ignored, repeated, width: cells.length };
}

const TOTAL_WORD = /^(合计|总计|小计)$/;

/**
 * The 合计 row under the schools (sums of 学生数 and 教职工数): a cell that says 合计, and no code
 * but that word (Excel's 合计 often sits in the first column, the code's).
 */
export function isTotalRow(row: TableRow, index: Partial<Record<RosterField, number>>): boolean {
  const isTotalWord = (field: string) => TOTAL_WORD.test(field.replace(/\s/g, ""));
  const code = index.code === undefined ? "" : (row.fields[index.code] ?? "");
  return (code === "" || isTotalWord(code)) && row.fields.some(isTotalWord);
}

interface Columns {
  /** Position of each field in a row; a column the header lacks has none. */
  index: Partial<Record<RosterField, number>>;
  /** The header cell as written, to name the column in problems. */
  label: Partial<Record<RosterField, string>>;
  /** Position of each declared role column found. */
  roleIndex: Readonly<Record<string, number>>;
  /** Position of each declared role's names column found (校医姓名). */
  roleNameIndex: Readonly<Record<string, number>>;
  /** Columns past the last header cell are data shifted by an unquoted comma (CSV only). */
  width?: number;
  ignored: string[];
}

/** The header's columns; a repeated or missing column is a problem, and the rows are still read by what is there. */
function readHeader(layout: RosterLayout, row: TableRow, file: string, csv: boolean, problems: ConfigProblem[]): Columns {
  const { index, label, roleIndex, roleNameIndex, ignored } = layout;
  const at = { file, line: row.line, hint: text.rosterHeaderHint };
  problems.push(...layout.repeated.map(([cell, other]) => ({ ...at, message: text.duplicateColumn(cell, other) })));
  const absent = ROSTER_COLUMNS.filter((c) => !c.optional && index[c.field] === undefined);
  if (absent.length > 0) {
    // An ignored header that is a typo of a missing column's name ("reporter") is named with it.
    const guesses = ignored.flatMap((cell) => {
      const guess = suggestClosest(normalizeHeader(cell), absent.flatMap((c) => [...c.en, ...c.zh]));
      return guess === undefined ? [] : [{ cell, guess }];
    });
    problems.push({ ...at, message: text.missingColumns(absent.map((c) => `${c.zh[0]}（${c.en[0]}）`), guesses) });
  }
  return { index, label, roleIndex, roleNameIndex, ...(csv && { width: layout.width }), ignored: [...ignored] };
}

/**
 * One school row, with whatever could be read (a bad count reads as 0; its problem is reported);
 * undefined when its cells do not line up with the header.
 */
function readSchool(row: TableRow, columns: Columns, file: string, problems: ConfigProblem[]): School | undefined {
  const { fields, line } = row;
  const used = fields.length - [...fields].reverse().findIndex((field) => field !== "");
  if (columns.width !== undefined && fields.length < columns.width) {
    problems.push({ file, line, message: text.tooFewFields(fields.length, columns.width), hint: text.fieldCountHint });
    return undefined;
  }
  if (columns.width !== undefined && used > columns.width) {
    problems.push({ file, line, message: text.tooManyFields(used, columns.width), hint: text.fieldCountHint });
    return undefined;
  }
  const report = (field: RosterField, message: string, hint: string) =>
    problems.push({ file, line, ...(columns.label[field] !== undefined && { key: columns.label[field] }), message, hint });
  const get = (field: RosterField) => {
    const at = columns.index[field];
    return at === undefined ? "" : (fields[at] ?? "");
  };
  // A column the header lacks is one problem of the header, not one of every row.
  const required = (field: RosterField, hint = text.cellHint(field)) => {
    const value = get(field);
    if (value === "" && columns.index[field] !== undefined) report(field, text.requiredCell(columnName(field)), hint);
    return value;
  };

  const code = required("code").normalize("NFKC");
  if (code && !CODE.test(code)) report("code", text.badCode(code), text.cellHint("code"));
  const name = required("name");
  const shortName = get("shortName");
  // A level's name is one node of a path the config writes with "/": it cannot hold one.
  const place = (field: RosterField) => {
    const value = required(field).normalize("NFKC");
    if (value.includes(NODE_SEPARATOR)) report(field, text.placeWithSeparator(columnName(field), value), text.cellHint(field));
    return value;
  };
  const upper = Object.fromEntries(UPPER_LEVELS.flatMap((level) => (columns.index[level] === undefined ? [] : [[level, place(level)]])));
  const area = place("area");
  const stage = required("stage").normalize("NFKC");
  // Names where the accounts go, or names with no accounts yet: `pingan roster ids` fills them in.
  const namesNotAccounts = get("reporters") === "" ? get("reporterNames") !== "" : HAN.test(get("reporters"));
  const reporterHint = namesNotAccounts ? text.reporterIdsHint : text.cellHint("reporters");
  const reporterCell = required("reporters", reporterHint);
  const reporters = readReporters(reporterCell, (message) => report("reporters", message, reporterHint));
  // Names are matched to accounts only when there are accounts: else the count is the cell's problem, told once.
  const reporterNames =
    reporters.length === 0
      ? undefined
      : readPeopleNames(reporterCell, get("reporterNames"), (counts) =>
          report("reporterNames", text.reporterNamesCount(counts.names, counts.accounts), text.cellHint("reporterNames")),
        );
  const roles = Object.entries(columns.roleIndex).map(([role, at]) => [
    role,
    Object.freeze(readAccounts(fields[at] ?? "", (message) => problems.push({ file, line, key: role, message, hint: text.roleCellHint(role) })) ?? []),
  ]);
  const roleNames = Object.entries(columns.roleNameIndex).flatMap(([role, at]) => {
    const key = `${role}${NAMES_SUFFIX}`;
    const names = readPeopleNames(fields[columns.roleIndex[role] ?? -1] ?? "", fields[at] ?? "", (counts) =>
      problems.push({ file, line, key, message: text.peopleNamesCount(key, role, counts), hint: text.roleCellHint(role) }),
    );
    return names ? [[role, Object.freeze(names)]] : [];
  });
  const pupils = readCount(required("pupils"), columnName("pupils"), (message) => report("pupils", message, text.cellHint("pupils")));
  const staff = readCount(required("staff"), columnName("staff"), (message) => report("staff", message, text.cellHint("staff")));

  return {
    code,
    name,
    shortName,
    ...upper,
    area,
    stage,
    reporters,
    ...(reporterNames && { reporterNames }),
    pupils: pupils ?? 0,
    staff: staff ?? 0,
    ...(roles.length > 0 && { roles: Object.fromEntries(roles) }),
    ...(roleNames.length > 0 && { roleNames: Object.fromEntries(roleNames) }),
    line,
  };
}

/**
 * The names of a names cell (上报人姓名, 校医姓名), one per account of its accounts cell in the
 * same order (a name left empty stays ""); undefined when the cell is empty. Accounts written
 * twice keep the first name, as readAccounts keeps the first account.
 */
function readPeopleNames(accountsCell: string, cell: string, fail: (counts: { names: number; accounts: number }) => void): string[] | undefined {
  if (cell.trim() === "") return undefined;
  const accounts = accountsCell.split("|").map((part) => part.normalize("NFKC").trim());
  const names = cell.split("|").map((part) => part.trim());
  if (names.length !== accounts.length) {
    fail({ names: names.length, accounts: accounts.length });
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
  const userids = readAccounts(cell, fail);
  if (userids?.length === 0) fail(text.requiredCell(columnName("reporters")));
  return userids ?? [];
}

/** The accounts of a cell, `|` between them (duplicates once); undefined, its problem told, when one is not an account. */
function readAccounts(cell: string, fail: (message: string) => void): string[] | undefined {
  const userids: string[] = [];
  for (const part of cell.split("|")) {
    const userid = part.normalize("NFKC").trim();
    if (userid === "") continue;
    if (!USERID.test(userid)) {
      fail(WRONG_SEPARATOR.test(userid) ? text.reporterSeparator : text.badReporter(userid));
      return undefined;
    }
    if (!userids.includes(userid)) userids.push(userid);
  }
  return userids;
}

function readCount(cell: string, label: string, fail: (message: string) => void): number | undefined {
  if (cell === "") return undefined;
  const value = cell.normalize("NFKC").replace(/\s/g, "");
  const digits = /^\d{1,3}(,\d{3})+$/.test(value) ? value.replace(/,/g, "") : value.replace(/\.0+$/, "");
  if (/^\d+$/.test(digits)) {
    if (!tooLargeForASchool(Number(digits))) return Number(digits);
    fail(text.countTooLarge(label, cell, MAX_SCHOOL_FIGURE));
    return undefined;
  }
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
    // A school listed twice is one problem, the row to delete, not a code and a name to change.
    const twin = taken.get(school.code.normalize("NFKC"));
    if (twin?.kind === "code" && school.name !== "" && twin.school.name.normalize("NFKC") === school.name.normalize("NFKC")) {
      problems.push({ file, line: school.line, message: text.schoolListedTwice(twin.school.line), hint: text.schoolListedTwiceHint });
      continue;
    }
    const identifiers: [IdentifierKind, string][] = [
      ["code", school.code],
      ["name", school.name],
    ];
    if (school.shortName && school.shortName !== school.name) identifiers.push(["shortName", school.shortName]);
    for (const [kind, value] of identifiers) {
      if (value === "") continue;
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

function columnName(field: RosterField): string {
  return ROSTER_COLUMNS.find((c) => c.field === field)!.zh[0]!;
}

import { existsSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import ExcelJS from "exceljs";
import { parseDocument } from "yaml";
import { encodingNote } from "../config/decode-text.js";
import { formatProblems } from "../config/format-problems.js";
import { listReporterRoles, MAX_CONFIG_BYTES, resolveRosterPath } from "../config/load-config.js";
import { isTotalRow, locateRosterColumns } from "../config/parse-roster.js";
import { readInputFile } from "../config/read-input-file.js";
import { MAX_TABLE_BYTES, readTable, type Table } from "../config/read-table.js";
import { readDirectoryExport, type DirectoryMember } from "./read-directory-export.js";
import { rosterIdsText as text } from "./roster-ids-text.js";
import { ErrorCode, hasCode } from "../errors.js";

export interface FillRosterIdsOptions {
  /** The member list exported from WeCom's admin console (.xlsx, or CSV). */
  directory: string;
  /** The roster to fill (.xlsx or CSV); the config's roster (and roster_sheet) when unset. */
  roster?: string;
  /** The roster workbook's sheet; its first visible one when unset. */
  sheet?: string;
  /** The config file whose roster is filled when `roster` is not given. */
  configPath: string;
  /** Where the filled roster goes; beside the roster, named …-已填账号, when unset. .csv writes CSV. */
  out?: string;
  /** Where the report goes, one line per call. */
  say(line: string): void;
}

/** What became of one reporter name of the roster. */
export type NameOutcome =
  | { kind: "filled"; userid: string }
  /** Namesakes, of whom only this one is in a department named as the school is. */
  | { kind: "byDepartment"; member: DirectoryMember; namesakes: number }
  | { kind: "ambiguous"; members: readonly DirectoryMember[] }
  | { kind: "missing" }
  | { kind: "disabled"; members: readonly DirectoryMember[] };

const USERID = /^[A-Za-z0-9_.@-]+$/;
/** Members that cannot be anyone's reporter: WeCom has switched their account off. */
const DISABLED = /^(已禁用|禁用|已退出|已离职)$/;

/**
 * `pingan roster ids 通讯录.xlsx`: fills the roster's 上报人 (userid) column from its 上报人姓名
 * column, looking each name up in the member list WeCom's admin console exports. A name found
 * once is filled; a name found twice or more, or not at all, is listed (with the namesakes'
 * departments) and left for the admin: it never guesses. Accounts already in the roster are kept.
 * Writes the filled roster as a new file (the input's format, or CSV) and prints a summary.
 * Returns the exit code: 0 when every name has an account, 1 otherwise.
 */
export async function fillRosterIds({ directory, configPath, out, say, ...given }: FillRosterIdsOptions): Promise<number> {
  const read = await readRosterSetting(configPath);
  // A roster given is filled without a readable config: its roles' columns are then not known.
  if (read && "refused" in read && given.roster === undefined) return refuse(say, read.refused);
  const config = read && !("refused" in read) ? read : undefined;
  const setting = given.roster === undefined ? config?.path && { path: config.path, sheet: config.sheet } : { path: given.roster, sheet: given.sheet };
  if (!setting) return refuse(say, text.noRoster(configPath));
  const roster = setting.path;
  const sheet = given.sheet ?? setting.sheet;
  const target = out ?? join(dirname(roster), `${basename(roster, extname(roster))}-已填账号${extname(roster) || ".csv"}`);
  if (resolve(target) === resolve(roster)) return refuse(say, text.sameAsInput(target));
  // The filled roster of a first run is where the admin types the accounts it could not find.
  if (out === undefined && existsSync(target)) return refuse(say, text.targetExists(target));
  const loaded = await readBoth(directory, roster, sheet, say);
  if (!loaded) return 1;
  const { members, table, rosterBytes, notes } = loaded;
  const roles = config?.roles ?? [];
  const layout = locateRosterColumns(table.rows, roles);
  // The 上报人 and each declared role (校医) whose names column (校医姓名) the roster has: each filled alike.
  let added = layout.width;
  const people: PeopleColumns[] = [
    { role: undefined, names: layout.index.reporterNames, accounts: layout.index.reporters },
    ...roles.map((role) => ({ role, names: layout.roleNameIndex[role], accounts: layout.roleIndex[role] })),
  ].flatMap(({ role, names, accounts }) => (names === undefined ? [] : [{ role, names, accounts: accounts ?? added++, added: accounts === undefined }]));
  if (people.length === 0) return refuse(say, `${roster}: ${text.noNamesColumn}`);
  const writeCsv = extname(target).toLowerCase() === ".csv";
  if (table.format === "csv" && !writeCsv) return refuse(say, text.csvOnlyToCsv(target));

  const byName = groupByName(members);
  const schoolAt = layout.index.shortName ?? layout.index.name;
  const cells = new Map<number, Map<number, string>>();
  const left = { ambiguous: [] as string[], missing: [] as string[], disabled: [] as string[], noName: [] as string[] };
  // Filled, and said, so the admin can check them: namesakes told apart by the school's department.
  const byDepartment: string[] = [];
  const counted = people.map(() => ({ names: 0, had: 0, filled: 0 }));
  for (const row of table.rows.slice(layout.headerAt + 1)) {
    if (isTotalRow(row, layout.index)) continue;
    const where = text.where(row.line, (schoolAt === undefined ? "" : row.fields[schoolAt]) || "");
    const schoolNames = [layout.index.name, layout.index.shortName].flatMap((at) => (at === undefined ? [] : [row.fields[at] ?? ""]));
    people.forEach((column, i) => {
      const names = (row.fields[column.names] ?? "").split("|").map((name) => name.trim());
      const accounts = (row.fields[column.accounts] ?? "").split("|").map((account) => account.trim());
      if (names.every((name) => name === "")) {
        // A school may have no 校医 (a leader reports for it); every school has a 上报人.
        if (column.role === undefined && accounts.every((account) => account === "")) left.noName.push(text.noName(where));
        return;
      }
      const who = (name: string) => (column.role === undefined ? name : text.withRole(column.role, name));
      const filled = names.map((name, n) => {
        const account = accounts[n] ?? "";
        if (name === "") return account;
        counted[i]!.names += 1;
        if (account !== "") {
          counted[i]!.had += 1;
          return account;
        }
        const outcome = lookUp(name, byName, schoolNames);
        if (outcome.kind === "filled") {
          counted[i]!.filled += 1;
          return outcome.userid;
        }
        if (outcome.kind === "byDepartment") {
          counted[i]!.filled += 1;
          const { member } = outcome;
          byDepartment.push(text.byDepartment(where, who(name), outcome.namesakes, text.candidate(member.userid, member.departments, member.position, member.status)));
          return member.userid;
        }
        if (outcome.kind === "ambiguous") {
          left.ambiguous.push(text.ambiguous(where, who(name), outcome.members.map((m) => text.candidate(m.userid, m.departments, m.position, m.status))));
        } else if (outcome.kind === "disabled") {
          left.disabled.push(text.disabled(where, who(name), outcome.members.map((m) => m.userid)));
        } else {
          left.missing.push(text.missing(where, who(name)));
        }
        return "";
      });
      // Accounts written past the names (a roster filled by hand) stay as they were.
      const cell = [...filled, ...accounts.slice(names.length)].join("|");
      if (cell === (row.fields[column.accounts] ?? "")) return;
      const changed = cells.get(row.line) ?? new Map<number, string>();
      changed.set(column.accounts, cell.replace(/^\|+$/, ""));
      cells.set(row.line, changed);
    });
  }

  for (const note of notes) say(note);
  say(text.directoryRead(directory, members.length));
  people.forEach((column, i) => say(text.rosterRead(roster, column.role ?? text.reporter, counted[i]!.names, counted[i]!.had, counted[i]!.filled)));
  for (const [header, lines] of [
    [text.byDepartmentHeader, byDepartment],
    [text.ambiguousHeader, left.ambiguous],
    [text.missingHeader, left.missing],
    [text.disabledHeader, left.disabled],
    [text.noNameHeader, left.noName],
  ] as const) {
    if (lines.length === 0) continue;
    say(header(lines.length));
    for (const line of lines) say(line);
  }

  const headers: ColumnHeaders = { line: table.rows[layout.headerAt]!.line, added: new Map(people.filter((c) => c.added).map((c) => [c.accounts, c.role ?? text.reporter])) };
  const bytes = writeCsv ? writeCsvTable(table, cells, headers) : await writeWorkbook(rosterBytes, table.sheet!, cells, headers);
  const draft = `${target}.${process.pid}.tmp`;
  await writeFile(draft, bytes);
  await rename(draft, target);
  say(text.written(target));
  const done = Object.values(left).every((lines) => lines.length === 0);
  say(done ? text.allFilled : text.someLeft(people.map((column) => column.role ?? text.reporter)));
  return done ? 0 : 1;
}

/** One names column and the accounts column it fills (added after the header's last cell when the roster has none). */
interface PeopleColumns {
  /** The role (校医); undefined for the 上报人. */
  role: string | undefined;
  names: number;
  accounts: number;
  added: boolean;
}

/** The header row's line, and the accounts columns added to it with their headers. */
interface ColumnHeaders {
  line: number;
  added: ReadonlyMap<number, string>;
}

/**
 * The roster the config names (relative to it), its sheet and the roles its kinds are reported
 * by, read from the YAML alone: the roster is being filled, so the config cannot pass its checks yet.
 * Undefined when there is no config file.
 */
async function readRosterSetting(configPath: string): Promise<{ path?: string; sheet?: string; roles: string[] } | { refused: string } | undefined> {
  const read = await readInputFile(configPath, MAX_CONFIG_BYTES);
  if ("refused" in read) return read.missing ? undefined : { refused: read.refused };
  const parsed = parseDocument(new TextDecoder("utf-8").decode(read.bytes)).toJS() as { roster?: unknown; roster_sheet?: unknown } | null;
  const roles = listReporterRoles(parsed);
  if (typeof parsed?.roster !== "string" || parsed.roster === "") return { roles };
  return {
    path: resolveRosterPath(configPath, parsed.roster),
    ...(typeof parsed.roster_sheet === "string" && { sheet: parsed.roster_sheet }),
    roles,
  };
}

/** A name as compared: NFKC, no spaces (张　伟), one kind of middle dot (阿卜杜·热合曼). */
function foldName(name: string): string {
  return name.normalize("NFKC").replace(/\s+/g, "").replace(/[·•・‧]/g, "·");
}

function groupByName(members: readonly DirectoryMember[]): Map<string, DirectoryMember[]> {
  const byName = new Map<string, DirectoryMember[]>();
  for (const member of members) {
    if (!USERID.test(member.userid)) continue;
    const key = foldName(member.name);
    byName.set(key, [...(byName.get(key) ?? []), member]);
  }
  return byName;
}

/**
 * The one account a name is, or why there is none; a disabled account is never anyone's. Of
 * namesakes, the one whose department is the school itself (a part of its path is the school's
 * name or 简称, exactly) is the school's person when no other namesake's is: two facts agree,
 * which is not a guess. Anything less is left to the admin.
 */
export function lookUp(name: string, byName: ReadonlyMap<string, readonly DirectoryMember[]>, schoolNames: readonly string[] = []): NameOutcome {
  const all = byName.get(foldName(name)) ?? [];
  const usable = all.filter((member) => !DISABLED.test(member.status));
  if (usable.length === 1) return { kind: "filled", userid: usable[0]!.userid };
  if (usable.length > 1) {
    const school = new Set(schoolNames.map(foldName).filter((n) => n !== ""));
    const inSchool = usable.filter((member) => member.departments.some((path) => path.split("/").some((part) => school.has(foldName(part)))));
    if (inSchool.length === 1) return { kind: "byDepartment", member: inSchool[0]!, namesakes: usable.length };
    return { kind: "ambiguous", members: usable };
  }
  return all.length > 0 ? { kind: "disabled", members: all } : { kind: "missing" };
}

async function readBoth(
  directory: string,
  roster: string,
  sheet: string | undefined,
  say: (line: string) => void,
): Promise<{ members: DirectoryMember[]; table: Table; rosterBytes: Uint8Array; notes: string[] } | undefined> {
  const directoryFile = await readInputFile(directory, MAX_TABLE_BYTES);
  const rosterFile = await readInputFile(roster, MAX_TABLE_BYTES);
  const refusals = [directoryFile, rosterFile].flatMap((file) => ("refused" in file ? [file.refused] : []));
  if (refusals.length > 0 || "refused" in directoryFile || "refused" in rosterFile) {
    for (const line of refusals) say(line);
    say(text.notWritten);
    return undefined;
  }
  try {
    const { members, encoding } = await readDirectoryExport(directoryFile.bytes, directory);
    const table = await readTable(rosterFile.bytes, roster, sheet === undefined ? {} : { sheet });
    const notes = [
      encoding && encodingNote(directory, encoding),
      table.encoding && encodingNote(roster, table.encoding),
    ].filter((note): note is string => note !== undefined);
    return { members, table, rosterBytes: rosterFile.bytes, notes };
  } catch (error) {
    if (!hasCode(error, ErrorCode.ConfigInvalid)) throw error;
    for (const line of formatProblems(error.details.problems).split("\n")) say(line);
    say(text.notWritten);
    return undefined;
  }
}

function refuse(say: (line: string) => void, line: string): number {
  say(line);
  say(text.notWritten);
  return 1;
}

/**
 * The roster workbook with the accounts cells changed (and each column the roster had not added
 * after the header's last cell); its other sheets, columns, formats and formulas as they were.
 */
async function writeWorkbook(bytes: Uint8Array, sheetName: string, cells: ReadonlyMap<number, ReadonlyMap<number, string>>, headers: ColumnHeaders): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  const sheet = workbook.getWorksheet(sheetName)!;
  for (const [column, header] of headers.added) sheet.getCell(headers.line, column + 1).value = header;
  for (const [line, changed] of cells) for (const [column, value] of changed) sheet.getCell(line, column + 1).value = value;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The roster as CSV (UTF-8 with BOM, CRLF, as Excel reads it), its rows as read with the accounts cells changed. */
function writeCsvTable(table: Table, cells: ReadonlyMap<number, ReadonlyMap<number, string>>, headers: ColumnHeaders): Buffer {
  const quote = (field: string) => (/[",\r\n]|^\s|\s$/.test(field) ? `"${field.replace(/"/g, '""')}"` : field);
  const lines = table.rows.map(({ fields, line }) => {
    const row = [...fields];
    const changed = line === headers.line ? headers.added : cells.get(line);
    for (const [column, value] of changed ?? []) {
      while (row.length < column) row.push("");
      row[column] = value;
    }
    return row.map(quote).join(",");
  });
  return Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8");
}

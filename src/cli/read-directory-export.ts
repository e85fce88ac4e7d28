import { configError } from "../config/config-error.js";
import type { TextEncoding } from "../config/decode-text.js";
import { findHeaderRow, normalizeHeader, readTable } from "../config/read-table.js";
import { rosterIdsText as text } from "./roster-ids-text.js";

/** One member of the WeCom directory, as the admin console exports it. */
export interface DirectoryMember {
  /** 姓名, as written. */
  readonly name: string;
  /** 帐号 (账号): the userid the roster needs. */
  readonly userid: string;
  /** 部门: each department's path, e.g. 平安县教育局/东部片区/平安县东湖镇中心小学. */
  readonly departments: readonly string[];
  /** 职务. */
  readonly position: string;
  /** 已激活, 未激活, 已禁用…; "" when the export has no such column. */
  readonly status: string;
  /** The row of the export. */
  readonly line: number;
}

type MemberField = "name" | "userid" | "departments" | "position" | "status";

/** The export's columns this reads; 别名, 手机, 邮箱 and the rest are not read (and never shown). */
const COLUMNS: readonly { field: MemberField; names: readonly string[]; required?: true }[] = [
  { field: "name", names: ["姓名", "成员姓名", "name"], required: true },
  { field: "userid", names: ["帐号", "账号", "成员帐号", "成员账号", "userid", "成员userid"], required: true },
  { field: "departments", names: ["部门", "所在部门", "department"] },
  { field: "position", names: ["职务", "position"] },
  { field: "status", names: ["状态", "激活状态", "status"] },
];

/**
 * Reads the member list WeCom's admin console exports (通讯录 → 导出成员): an .xlsx (or a CSV
 * saved from it) whose header, under a few title rows, has 姓名 and 帐号 among 别名, 职务, 部门,
 * 性别, 手机… Members without an account are left out; `encoding` is the CSV's (see decodeText).
 * Throws a CONFIG_INVALID error (configError) when the header is not there.
 */
export async function readDirectoryExport(
  bytes: Uint8Array,
  file: string,
  { sheet }: { sheet?: string } = {},
): Promise<{ members: DirectoryMember[]; encoding?: TextEncoding }> {
  const { rows, encoding } = await readTable(bytes, file, sheet === undefined ? {} : { sheet });
  const columnOf = (cell: string) => {
    const name = normalizeHeader(cell);
    return COLUMNS.find((column) => column.names.includes(name));
  };
  const headerAt = findHeaderRow(rows, (cell) => columnOf(cell)?.required === true, 2);
  if (headerAt === undefined) throw configError([{ file, line: rows[0]?.line, message: text.noDirectoryHeader }]);
  const index: Partial<Record<MemberField, number>> = {};
  rows[headerAt]!.fields.forEach((cell, position) => {
    const column = columnOf(cell);
    if (column && index[column.field] === undefined) index[column.field] = position;
  });
  const get = (fields: readonly string[], field: MemberField) => (index[field] === undefined ? "" : (fields[index[field]] ?? "").trim());
  const members = rows.slice(headerAt + 1).flatMap(({ fields, line }) => {
    const userid = get(fields, "userid").normalize("NFKC");
    const name = get(fields, "name");
    if (userid === "" || name === "") return [];
    const departments = get(fields, "departments").split(/[;；]/).map((part) => part.trim()).filter((part) => part !== "");
    return [{ name, userid, departments, position: get(fields, "position"), status: get(fields, "status"), line }];
  });
  return { members, ...(encoding && { encoding }) };
}

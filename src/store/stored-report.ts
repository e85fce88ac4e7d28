import type { TaskId } from "../config/schema.js";
import type { Report, ReportEvent } from "./report.js";

/**
 * How a report is kept in its period's audit log: without what its key and entry already say
 * (school, task, period, the value's task where the task implies it: valueTaskOf) and without
 * `late` when it was on time. One school-day of history must stay within 400 bytes.
 */
export function packReport(report: Report): string {
  const { school: _school, task, period: _period, value, late, ...rest } = report;
  const { task: valueTask, ...figures } = value;
  return JSON.stringify({ value: valueTask === valueTaskOf(task) ? figures : value, ...(late && { late }), ...rest });
}

export function unpackReport(json: string, task: TaskId, period: string, school: string): Report {
  const { value, late = false, ...rest } = JSON.parse(json) as Omit<Report, "school" | "task" | "period" | "late"> & { late?: boolean };
  return { school, task, period, value: { task: valueTaskOf(task), ...(value as object) } as Report["value"], late, ...rest };
}

/** The readers of today's three kinds, whose reports' values carry their kind's own id. */
const OWN_READERS: ReadonlySet<string> = new Set(["safety", "drowning", "study"]);

/**
 * The value's task a stored report leaves out: the kind's own for today's three kinds (their
 * reports, written before declarations, have none), else the declared fields' reader. A value
 * of another reader keeps its task, and so does one written before it was left out.
 */
function valueTaskOf(task: TaskId): Report["value"]["task"] {
  return OWN_READERS.has(task) ? (task as Report["value"]["task"]) : "fields";
}

/** Who withdrew a report, when, with which message: a withdrawal's log entry. */
export type WithdrawalFields = Pick<ReportEvent, "by" | "at" | "msgid" | "raw">;

/**
 * A period's state value: the school's log entry ids, oldest first, a withdrawal's marked `-`;
 * the report in force is the last id when unmarked. A period reduced to its final state
 * (after the retention) holds the report itself instead (`{…}`).
 */
export function readStateIds(value: string): { ids: string[]; current?: string } {
  const ids = value.split(" ");
  const last = ids[ids.length - 1]!;
  return { ids, ...(last !== "" && !last.startsWith("-") && { current: last }) };
}

export const isFinalState = (value: string) => value.startsWith("{");

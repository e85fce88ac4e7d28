import type { TaskId } from "../config/schema.js";
import type { Report, ReportEvent } from "./report.js";

/**
 * How a report is kept in its period's audit log: without what its key and entry already say
 * (school, task, period, the value's task where it is the report's) and without `late` when it
 * was on time. One school-day of history must stay within 400 bytes. A declared kind's value
 * keeps its `task: "fields"`: the reports of today's three kinds, written before declarations,
 * have none and are read as their own task's.
 */
export function packReport(report: Report): string {
  const { school: _school, task, period: _period, value, late, ...rest } = report;
  const { task: valueTask, ...figures } = value;
  return JSON.stringify({ value: valueTask === task ? figures : value, ...(late && { late }), ...rest });
}

export function unpackReport(json: string, task: TaskId, period: string, school: string): Report {
  const { value, late = false, ...rest } = JSON.parse(json) as Omit<Report, "school" | "task" | "period" | "late"> & { late?: boolean };
  return { school, task, period, value: { task, ...(value as object) } as Report["value"], late, ...rest };
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

import type { FieldDeclaration } from "../../config/kind-schema.js";
import { ledgerText } from "./ledger-text.js";
import type { LedgerCounts, LedgerRow, LedgerTask } from "./build-ledger.js";

/**
 * How a column's values are written: `date` values are `YYYY-MM-DD`, `datetime` values are
 * instants (shown in the ledger's zone), `percent` values are fractions, `flag` values booleans.
 */
export type ColumnKind = "text" | "int" | "date" | "datetime" | "percent" | "flag";

/** One column of a ledger sheet or CSV file. */
export interface LedgerColumn<R> {
  header: string;
  /** Width in characters for the spreadsheet. */
  width: number;
  kind: ColumnKind;
  value(row: R): string | number | Date | boolean | undefined;
}

/** A line of the summary sheet: a school's counts for one task, or the task's total. */
export interface SummaryLine extends LedgerCounts {
  taskName: string;
  schoolCode: string;
  schoolName: string;
  area: string;
}

const h = ledgerText.headers;
type Column = LedgerColumn<LedgerRow>;
const col = <R = LedgerRow>(header: string, width: number, kind: ColumnKind, value: LedgerColumn<R>["value"]): LedgerColumn<R> => ({
  header,
  width,
  kind,
  value,
});

/** A declared kind's columns: one per field, under its label. */
function listFieldColumns(fields: Readonly<Record<string, FieldDeclaration>>): Column[] {
  return Object.entries(fields).map(([id, field]) => {
    const cell = (row: LedgerRow) => row.fields?.[id];
    switch (field.type) {
      case "count":
        return col(field.label, 10, "int", (r) => cell(r) as number | undefined);
      case "yesno":
        return col(field.label, 8, "flag", (r) => cell(r) as boolean | undefined);
      case "date":
        return col(field.label, 12, "date", (r) => cell(r) as string | undefined);
      case "status":
        return col(field.label, 8, "text", (r) => (cell(r) === undefined ? undefined : cell(r) === "abnormal" ? ledgerText.statusAbnormal : ledgerText.statusNormal));
      case "counts":
        return col(field.label, 24, "text", (r) => {
          const counts = cell(r) as Record<string, number> | undefined;
          return counts && Object.entries(counts).map(([name, n]) => `${name} ${n}`).join("、");
        });
      case "choice":
        return col(field.label, 18, "text", (r) => {
          const chosen = cell(r);
          return Array.isArray(chosen) ? chosen.join("、") : (chosen as string | undefined);
        });
      case "text":
        return col(field.label, 30, "text", (r) => cell(r) as string | undefined);
    }
  });
}

/** The columns of one task's sheet; a task whose periods are all days gets one date column. */
export function listTaskColumns(task: Pick<LedgerTask, "task" | "periods" | "fields">): Column[] {
  const daily = task.periods.every((p) => p.kind === "day");
  const when = daily
    ? [col(h.date, 12, "date", (r) => r.start)]
    : [
        col(h.periodId, 11, "text", (r) => r.periodId),
        col(h.start, 12, "date", (r) => r.start),
        col(h.end, 12, "date", (r) => r.end),
      ];
  const numbers: Partial<Record<LedgerTask["task"], Column[]>> = {
    safety: [
      col(h.safetyStatus, 8, "text", (r) => r.safetyStatus),
      col(h.present, 10, "int", (r) => r.present),
      col(h.abnormal, 40, "text", (r) => r.abnormal),
    ],
    drowning: [
      col(h.reached, 11, "int", (r) => r.reached),
      col(h.total, 11, "int", (r) => r.total),
      col(h.reachRate, 9, "percent", (r) => r.reachRate),
      col(h.channels, 18, "text", (r) => r.channels?.join("、")),
    ],
    study: [
      col(h.attended, 8, "int", (r) => r.attended),
      col(h.expected, 8, "int", (r) => r.expected),
      col(h.leave, 8, "int", (r) => r.leave),
      col(h.attendRate, 9, "percent", (r) => r.attendRate),
      col(h.topic, 30, "text", (r) => r.topic),
    ],
  };
  return [
    col(h.schoolCode, 10, "text", (r) => r.schoolCode),
    col(h.schoolName, 30, "text", (r) => r.schoolName),
    col(h.area, 10, "text", (r) => r.area),
    ...when,
    col(h.deadline, 17, "datetime", (r) => r.deadline),
    col(h.status, 8, "text", (r) => r.status),
    col(h.reporterName, 10, "text", (r) => r.reporterName),
    col(h.reporter, 14, "text", (r) => r.reporter),
    col(h.reportedAt, 17, "datetime", (r) => r.reportedAt),
    col(h.late, 6, "flag", (r) => (r.reportedAt ? r.late : undefined)),
    col(h.onBehalf, 6, "flag", (r) => (r.reportedAt ? r.onBehalf : undefined)),
    col(h.onBehalfBy, 10, "text", (r) => (r.onBehalf ? r.reporterName : undefined)),
    ...(numbers[task.task] ?? listFieldColumns(task.fields ?? {})),
    col(h.changes, 9, "int", (r) => r.changes),
    col(h.exemptReason, 16, "text", (r) => r.exemptReason),
    col(h.raw, 40, "text", (r) => r.raw),
  ];
}

/** The columns of the summary sheet (汇总). */
export const SUMMARY_COLUMNS: readonly LedgerColumn<SummaryLine>[] = [
  col<SummaryLine>(h.task, 12, "text", (r) => r.taskName),
  col<SummaryLine>(h.schoolCode, 10, "text", (r) => r.schoolCode),
  col<SummaryLine>(h.schoolName, 30, "text", (r) => r.schoolName),
  col<SummaryLine>(h.area, 10, "text", (r) => r.area),
  col<SummaryLine>(h.expectedCount, 9, "int", (r) => r.expected),
  col<SummaryLine>(h.reportedCount, 7, "int", (r) => r.reported),
  col<SummaryLine>(h.onTimeCount, 7, "int", (r) => r.onTime),
  col<SummaryLine>(h.lateCount, 7, "int", (r) => r.late),
  col<SummaryLine>(h.missingCount, 7, "int", (r) => r.missing),
  col<SummaryLine>(h.exemptCount, 7, "int", (r) => r.exempt),
  col<SummaryLine>(h.reportedRate, 9, "percent", (r) => r.reportedRate),
  col<SummaryLine>(h.onTimeRate, 9, "percent", (r) => r.onTimeRate),
  col<SummaryLine>(h.amountRate, 14, "percent", (r) => r.amountRate),
];

/**
 * A task's lines of the summary sheet: its schools in roster order, then its total. A task that
 * owed nothing in the range (out of season) has its total line only.
 */
export function listSummaryLines(task: Pick<LedgerTask, "taskName" | "schools" | "total">): SummaryLine[] {
  return [
    ...(task.total.expected + task.total.exempt > 0 ? task.schools : []).map((school) => ({
      taskName: task.taskName,
      ...school,
    })),
    { taskName: task.taskName, schoolCode: "", schoolName: ledgerText.totalRow, area: "", ...task.total },
  ];
}

import type { TaskId } from "../config/schema.js";

/** What one declared field holds: a status, a count, named counts, yes/no, chosen options, a text or a date. */
export type FieldValue = string | number | boolean | readonly string[] | Readonly<Record<string, number>>;

/**
 * What a school reported for a kind read by the generic reader (features/check-in/read-fields.ts):
 * each declared field it gave, by the field's id. `task` is `fields` for all of them; the kind
 * is the report's `task`.
 */
export interface FieldsValue {
  task: "fields";
  readonly [field: string]: FieldValue | undefined;
}

/** What a school reported: per reader of today's three kinds, or the declared fields of any other kind. */
export type ReportValue =
  | FieldsValue
  | {
      task: "safety";
      /** `normal` = 无异常; `abnormal` carries the description. */
      status: "normal" | "abnormal";
      description?: string;
      /** Pupils present, when given (`平安 在校1200`). */
      present?: number;
      /** What a normal day's report says besides (`平安 今天下雨，校门口积水已安排值守`), as typed. */
      remark?: string;
    }
  | {
      task: "drowning";
      /** Parents reached. */
      reached: number;
      /** Parents to reach. */
      total: number;
      channels: string[];
    }
  | {
      task: "study";
      attended: number;
      expected: number;
      leave?: number;
      topic?: string;
    };

/** A field of any report's value by its id: every reader records its declared fields under their ids (check-kinds holds it to that). */
export function fieldOf(value: ReportValue, id: string): FieldValue | undefined {
  return (value as Readonly<Record<string, FieldValue | undefined>>)[id];
}

/** The current report of one school for one task and period. */
export interface Report {
  school: string;
  task: TaskId;
  /** Period id: `2026-11-23` or `2026-W48`. */
  period: string;
  value: ReportValue;
  /** WeCom userid of whoever sent it. */
  by: string;
  /** ISO instant it was recorded. */
  at: string;
  late: boolean;
  msgid: string;
  /** The message as typed. */
  raw: string;
  /** Set when a leader or admin entered it for the school (代报). */
  onBehalf?: boolean;
}

/** One immutable entry of the audit log. */
export interface ReportEvent {
  type: "report" | "replace" | "withdraw";
  school: string;
  task: TaskId;
  period: string;
  by: string;
  at: string;
  msgid: string;
  raw: string;
  /** The report now in force (absent after a withdrawal). */
  report?: Report;
  /** The report it replaced or withdrew. */
  previous?: Report;
}

/** A report whose value is abnormal: a safety report (with its description), or a declared kind's with a status field at `abnormal`. */
export type AbnormalReport = Report & { value: (Extract<ReportValue, { task: "safety" }> & { status: "abnormal" }) | FieldsValue };

/**
 * Whether a report is abnormal (the leaders are alerted of it, 汇总 lists it): 异常 of 平安日报, or
 * a declared kind whose status field says abnormal.
 */
export function isAbnormal(report: Report | undefined): report is AbnormalReport {
  if (report?.value.task === "fields") return Object.values(report.value).includes("abnormal");
  return report?.value.task === "safety" && report.value.status === "abnormal";
}

/** What an abnormal report says happened: 平安日报's description, or a declared kind's (its `description` text field). */
export function abnormalDescription(report: AbnormalReport): string {
  const description = report.value.description;
  return typeof description === "string" ? description : "";
}

/** Whether a report is a 平安 report with a remark (汇总 shows it). */
export function hasRemark(report: Report | undefined): boolean {
  return report?.value.task === "safety" && report.value.remark !== undefined && report.value.remark !== "";
}

import type { TaskId } from "../config/schema.js";

/** What a school reported, per task. */
export type ReportValue =
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

/** A safety report whose value is abnormal (with its description). */
export type AbnormalReport = Report & { value: Extract<ReportValue, { task: "safety" }> & { status: "abnormal" } };

/** Whether a report is an abnormal safety report (the one kind the leaders are alerted of). */
export function isAbnormal(report: Report | undefined): report is AbnormalReport {
  return report?.value.task === "safety" && report.value.status === "abnormal";
}

/** Whether a report is a 平安 report with a remark (汇总 shows it). */
export function hasRemark(report: Report | undefined): boolean {
  return report?.value.task === "safety" && report.value.remark !== undefined && report.value.remark !== "";
}

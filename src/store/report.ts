import type { FieldDeclaration } from "../config/kind-schema.js";
import type { TaskId } from "../config/schema.js";

/*
 * A report: what a school reported, what it says (abnormal, a remark, a field), and what it adds
 * to its area's counts (countReport), decided from the report alone.
 */

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

/**
 * What an abnormal report says happened, as typed: 平安日报's description, or a declared kind's
 * (its `description` text field); empty where it says none. The one place every reader of an
 * abnormal report (alerts, 汇总, the board) takes it from.
 */
export function abnormalDescription(report: Report): string {
  const description = fieldOf(report.value, "description");
  return typeof description === "string" ? description : "";
}

/** Whether a report is a 平安 report with a remark (汇总 shows it). */
export function hasRemark(report: Report | undefined): boolean {
  return report?.value.task === "safety" && report.value.remark !== undefined && report.value.remark !== "";
}

/** The counters a report adds to its area's counts; the one place that decides it. */
export interface ReportCounts {
  reported: number;
  late: number;
  onBehalf: number;
  abnormal: number;
  /** A 平安 report with a remark (what it says besides). */
  remarked: number;
  /** 防溺水: parents reached / to reach. */
  reached: number;
  total: number;
  /** 周学习: staff attended / expected. */
  attended: number;
  expected: number;
  /**
   * A declared kind's count fields, summed: `<field>` for a count, `<field>.<name>` for a named
   * count (symptoms.发热); only the non-zero ones.
   */
  sums: Record<string, number>;
}

export const COUNTER_NAMES = ["reported", "late", "onBehalf", "abnormal", "remarked", "reached", "total", "attended", "expected"] as const satisfies readonly (keyof ReportCounts)[];

/** What a sum's counter is called in the period's counts: apart from the fixed ones (a kind may declare a field `expected`). */
export const SUM_PREFIX = "f.";

export function zeroCounts(): ReportCounts {
  return { reported: 0, late: 0, onBehalf: 0, abnormal: 0, remarked: 0, reached: 0, total: 0, attended: 0, expected: 0, sums: {} };
}

/** Adds one counter, fixed or a sum (SUM_PREFIX), as the period's counts name it, to `counts`. */
export function addCounter(counts: ReportCounts, name: string, value: number): void {
  if (name.startsWith(SUM_PREFIX)) {
    const sum = name.slice(SUM_PREFIX.length);
    counts.sums[sum] = (counts.sums[sum] ?? 0) + value;
  } else if ((COUNTER_NAMES as readonly string[]).includes(name)) {
    counts[name as (typeof COUNTER_NAMES)[number]] += value;
  }
}

/** The counters of a kind's declared count fields (SUM_PREFIX), as the period's counts name them: what a reader of some areas asks for. */
export function sumCounters(fields: Readonly<Record<string, Pick<FieldDeclaration, "type" | "names">>>): string[] {
  return Object.entries(fields).flatMap(([id, field]) =>
    field.type === "count" ? [SUM_PREFIX + id] : field.type === "counts" ? (field.names ?? []).map((name) => `${SUM_PREFIX}${id}.${name}`) : [],
  );
}

/** What one report in force adds: one reported, late or on time, 代报, abnormal, with a remark, and its figures. */
export function countReport(report: Report): ReportCounts {
  const counts = zeroCounts();
  counts.reported = 1;
  if (report.late) counts.late = 1;
  if (report.onBehalf) counts.onBehalf = 1;
  if (isAbnormal(report)) counts.abnormal = 1;
  if (hasRemark(report)) counts.remarked = 1;
  if (report.value.task === "drowning") {
    counts.reached = report.value.reached;
    counts.total = report.value.total;
  } else if (report.value.task === "study") {
    counts.attended = report.value.attended;
    counts.expected = report.value.expected;
  } else if (report.value.task === "fields") {
    // The value says its types: a count is a number, named counts a record of numbers.
    for (const [id, value] of Object.entries(report.value)) {
      if (typeof value === "number" && value !== 0) counts.sums[id] = value;
      else if (typeof value === "object" && !Array.isArray(value)) {
        for (const [name, n] of Object.entries(value as Readonly<Record<string, number>>)) if (n !== 0) counts.sums[`${id}.${name}`] = n;
      }
    }
  }
  return counts;
}

/**
 * In a log entry's counts, the counter that stands for the sums of the report's declared fields:
 * the record script reads them from the report it logs beside (lib/counted-pairs.lua, as
 * countReport reads them), so the entry does not keep each figure twice.
 */
export const EVENT_SUMS = "+";

/**
 * A report's counts as the record script keeps them in its log entry: each non-zero counter and
 * its value, tab-separated (the sums of a declared kind's fields as EVENT_SUMS), so that it
 * undoes exactly what it added.
 */
export function encodeCounted(counts: ReportCounts): string {
  const fixed = countedEntries({ ...counts, sums: {} });
  return [...fixed, ...(Object.keys(counts.sums).length > 0 ? [[EVENT_SUMS, 1] as const] : [])].flat().join("\t");
}

/** Each non-zero counter of `counts` and its value, as the period's counts name them (sums with SUM_PREFIX). */
export function countedEntries(counts: ReportCounts): [string, number][] {
  const entries: [string, number][] = [];
  for (const name of COUNTER_NAMES) if (counts[name] !== 0) entries.push([name, counts[name]]);
  for (const [sum, n] of Object.entries(counts.sums)) if (n !== 0) entries.push([SUM_PREFIX + sum, n]);
  return entries;
}

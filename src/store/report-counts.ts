import { hasRemark, isAbnormal, type Report } from "./report.js";

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
}

export const COUNTER_NAMES = ["reported", "late", "onBehalf", "abnormal", "remarked", "reached", "total", "attended", "expected"] as const satisfies readonly (keyof ReportCounts)[];

export function zeroCounts(): ReportCounts {
  return { reported: 0, late: 0, onBehalf: 0, abnormal: 0, remarked: 0, reached: 0, total: 0, attended: 0, expected: 0 };
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
  }
  return counts;
}

/**
 * A report's counts as the record script keeps them in its log entry: each non-zero counter and
 * its value, tab-separated, so that it undoes exactly what it added.
 */
export function encodeCounted(counts: ReportCounts): string {
  const parts: string[] = [];
  for (const name of COUNTER_NAMES) if (counts[name] !== 0) parts.push(name, String(counts[name]));
  return parts.join("\t");
}

import { ledgerText } from "./ledger-text.js";
import type { FieldDeclaration } from "../../config/kind-schema.js";
import { kindOf } from "../../config/kinds.js";
import type { FieldsValue } from "../../store/report.js";
import type { LocalDate } from "../../time/local-time.js";
import type { Config, TaskId } from "../../config/schema.js";
import { personLabel, type Roster, type School } from "../../config/roster.js";
import type { ExemptionStore } from "../../store/exemptions.js";
import type { ReportStore } from "../../store/reports.js";
import type { Report } from "../../store/report.js";
import type { TaskPeriod, TaskCalendar } from "../../time/task-calendar.js";
import { listLedgerPeriods } from "./list-ledger-periods.js";
import { isBeforeLive, whyNotOwed } from "../../time/owed.js";

/**
 * A school's standing for one period: reported on time, reported late, missing, exempt (免报),
 * a report on a period that required none (kept for the record), or not on the service yet
 * (未上线: before its first day, or before the school joined the roster).
 */
export type LedgerStatus = "已报" | "迟报" | "未报" | "免报" | "不要求" | "未上线";

/** One school in one period of one task: a line of the ledger (台账). */
export interface LedgerRow {
  task: TaskId;
  schoolCode: string;
  schoolName: string;
  area: string;
  periodId: string;
  periodKind: "day" | "week";
  start: LocalDate;
  end: LocalDate;
  deadline: Date;
  /** Whether the school owed a report for the period at all (false only for 不要求 and 未上线 rows). */
  required: boolean;
  status: LedgerStatus;
  /** WeCom userid of whoever sent the report in force. */
  reporter?: string;
  /** Their name (上报人姓名, or a leader's or admin's from the config); the userid when none is known. */
  reporterName?: string;
  reportedAt?: Date;
  late: boolean;
  /** Entered by a leader or admin for the school (代报); `reporter` is who entered it. */
  onBehalf: boolean;
  /** Safety: 无异常 or 异常, pupils present, the abnormal description as typed. */
  safetyStatus?: "无异常" | "异常";
  present?: number;
  abnormal?: string;
  /** Drowning: parents reached / to reach, reached ÷ total, channels. */
  reached?: number;
  total?: number;
  reachRate?: number;
  channels?: readonly string[];
  /** Study: staff attended / expected, on leave, attended ÷ expected, topic. */
  attended?: number;
  expected?: number;
  leave?: number;
  attendRate?: number;
  topic?: string;
  /** A declared kind read by its fields: what its report recorded, by field id. */
  fields?: FieldsValue;
  /** Replacements and withdrawals in the period's audit log for this school. */
  changes: number;
  /** The reason given for an exemption (免报). */
  exemptReason?: string;
  /** The message as typed, for the report in force. */
  raw?: string;
}

/**
 * Counts of school-periods. `expected` = reported + missing; exempt school-periods and those
 * not required are outside it, as in the tallies.
 */
export interface LedgerCounts {
  expected: number;
  reported: number;
  onTime: number;
  late: number;
  missing: number;
  exempt: number;
  /** reported ÷ expected; undefined when nothing was expected. */
  reportedRate?: number;
  /** onTime ÷ expected. */
  onTimeRate?: number;
  /** Drowning: parents reached ÷ to reach; study: staff attended ÷ expected (counted reports). */
  amountRate?: number;
}

export interface SchoolSummary extends LedgerCounts {
  schoolCode: string;
  schoolName: string;
  area: string;
}

/** One task's part of the ledger. */
export interface LedgerTask {
  task: TaskId;
  taskName: string;
  /** A declared kind read by its fields: its fields, a column each. */
  fields?: Readonly<Record<string, FieldDeclaration>>;
  /** Its periods in the range (required or not), in order. */
  periods: readonly TaskPeriod[];
  /** By period, then in roster order. */
  rows: LedgerRow[];
  /** One per school, in roster order. */
  schools: SchoolSummary[];
  total: LedgerCounts;
}

/** The ledger (台账) of every configured task over a date range. */
export interface Ledger {
  from: LocalDate;
  to: LocalDate;
  timeZone: string;
  /** The data is as of this instant; periods starting after its local date are left out. */
  asOf: Date;
  tasks: LedgerTask[];
}

export interface BuildLedgerOptions {
  roster: Pick<Roster, "schools">;
  /** Leaders and admins, for the names of those who entered reports (代报). */
  people: Pick<Config, "leaders" | "admins">;
  /** The declared kinds, for the columns of those read by their fields. */
  kinds: Pick<Config, "tasks">;
  store: Pick<ReportStore, "list" | "log">;
  /** Exemptions (免报); without it no school is exempt. */
  exemptions?: Pick<ExemptionStore, "list">;
  calendar: Pick<TaskCalendar, "tasks" | "at" | "list">;
  from: LocalDate;
  to: LocalDate;
  timeZone: string;
  /** The clock's now: periods that start after its day owe nothing yet. */
  now: Date;
}

/** Reads the reports of every task and period in the range and lays them out as the ledger. */
export async function buildLedger(options: BuildLedgerOptions): Promise<Ledger> {
  const { roster, people, kinds, store, exemptions, calendar, from, to, timeZone, now: asOf } = options;
  const tasks: LedgerTask[] = [];
  for (const task of calendar.tasks) {
    const taskPeriods = listLedgerPeriods(calendar, task, { from, to, timeZone, now: asOf });
    const rows: LedgerRow[] = [];
    const counts = new Map<string, Tally>(roster.schools.map((s) => [s.code, createTally()]));
    const total = createTally();
    for (const period of taskPeriods) {
      const [reports, exempt, log] = await Promise.all([
        store.list(task, period.id),
        exemptions ? exemptions.list(task, period.id) : Promise.resolve(new Map()),
        store.log(task, period.id),
      ]);
      const changes = new Map<string, number>();
      for (const event of log) {
        if (event.type !== "report") changes.set(event.school, (changes.get(event.school) ?? 0) + 1);
      }
      for (const school of roster.schools) {
        const report = reports.get(school.code);
        const exemption = exempt.get(school.code);
        // A period nobody owes lists only the reports made in it; one the roster owes, every school.
        if (!period.required && !report) continue;
        const why = whyNotOwed(period, school);
        const status: LedgerStatus = why
          ? isBeforeLive(why)
            ? "未上线"
            : "不要求"
          : exemption
            ? "免报"
            : !report
              ? "未报"
              : report.late
                ? "迟报"
                : "已报";
        rows.push({
          ...describeSchool(school),
          ...describePeriod(period),
          required: why === undefined,
          status,
          late: report?.late ?? false,
          onBehalf: report?.onBehalf ?? false,
          ...(report && describeReport(report, personLabel(report.by, people, school))),
          changes: changes.get(school.code) ?? 0,
          ...(exemption?.reason && { exemptReason: exemption.reason }),
        });
        if (!why) {
          for (const tally of [counts.get(school.code)!, total]) count(tally, status, report);
        }
      }
    }
    const kind = kindOf(kinds, task);
    tasks.push({
      task,
      ...(kind?.reader === "fields" && { fields: kind.fields }),
      taskName: taskPeriods[0]?.taskName ?? calendar.at(task, asOf)?.taskName ?? task,
      periods: taskPeriods,
      rows,
      schools: roster.schools.map((school) => ({ ...describeSchool(school), ...finish(counts.get(school.code)!) })),
      total: finish(total),
    });
  }
  return { from, to, timeZone, asOf, tasks };
}

interface Tally extends LedgerCounts {
  amount: number;
  amountOf: number;
}

const createTally = (): Tally => ({
  expected: 0,
  reported: 0,
  onTime: 0,
  late: 0,
  missing: 0,
  exempt: 0,
  amount: 0,
  amountOf: 0,
});

function count(tally: Tally, status: LedgerStatus, report: Report | undefined): void {
  if (status === "免报") {
    tally.exempt += 1;
    return;
  }
  tally.expected += 1;
  if (status === "未报" || !report) {
    tally.missing += 1;
    return;
  }
  tally.reported += 1;
  if (status === "迟报") tally.late += 1;
  else tally.onTime += 1;
  const value = report.value;
  if (value.task === "drowning") {
    tally.amount += value.reached;
    tally.amountOf += value.total;
  } else if (value.task === "study") {
    tally.amount += value.attended;
    tally.amountOf += value.expected;
  }
}

function finish({ amount, amountOf, ...counts }: Tally): LedgerCounts {
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : undefined);
  const reportedRate = ratio(counts.reported, counts.expected);
  const onTimeRate = ratio(counts.onTime, counts.expected);
  const amountRate = ratio(amount, amountOf);
  return {
    ...counts,
    ...(reportedRate !== undefined && { reportedRate }),
    ...(onTimeRate !== undefined && { onTimeRate }),
    ...(amountRate !== undefined && { amountRate }),
  };
}

const describeSchool = (school: School) => ({ schoolCode: school.code, schoolName: school.name, area: school.area });

const describePeriod = (period: TaskPeriod) => ({
  task: period.task,
  periodId: period.id,
  periodKind: period.kind,
  start: period.start,
  end: period.end,
  deadline: period.deadline,
});

function describeReport(report: Report, reporterName: string): Partial<LedgerRow> {
  const value = report.value;
  const base: Partial<LedgerRow> = {
    reporter: report.by,
    reporterName,
    reportedAt: new Date(report.at),
    raw: report.raw,
  };
  switch (value.task) {
    case "safety":
      return {
        ...base,
        safetyStatus: value.status === "abnormal" ? ledgerText.statusAbnormal : ledgerText.statusNormal,
        ...(value.present !== undefined && { present: value.present }),
        ...(value.status === "abnormal" && { abnormal: value.description ?? "" }),
      };
    case "drowning":
      return {
        ...base,
        reached: value.reached,
        total: value.total,
        ...(value.total > 0 && { reachRate: value.reached / value.total }),
        channels: value.channels,
      };
    case "study":
      return {
        ...base,
        attended: value.attended,
        expected: value.expected,
        ...(value.leave !== undefined && { leave: value.leave }),
        ...(value.expected > 0 && { attendRate: value.attended / value.expected }),
        ...(value.topic && { topic: value.topic }),
      };
    case "fields":
      return { ...base, fields: value };
  }
}

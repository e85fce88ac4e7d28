import type { IncidentStore } from "../../store/incidents.js";
import { ledgerText } from "./ledger-text.js";
import type { FieldDeclaration } from "../../config/kind-schema.js";
import { kindOf } from "../../config/kinds.js";
import type { FieldsValue, Report } from "../../store/report.js";
import type { LocalDate } from "../../time/local-time.js";
import type { Config, TaskId } from "../../config/schema.js";
import { isAssigned, personLabel, type Roster, type School } from "../../config/roster.js";
import type { ExemptionStore } from "../../store/exemptions.js";
import type { ReportStore } from "../../store/reports.js";
import type { TaskPeriod, TaskCalendar } from "../../time/task-calendar.js";
import { isBeforeLive, whyNotOwed } from "../../tally/task-tally.js";
import { listLedgerPeriods } from "./list-ledger-periods.js";
import type { PeriodKind } from "../../time/slots.js";

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
  periodKind: PeriodKind;
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

/** What a ledger is read from: the roster, who entered reports, and the stores. */
export interface LedgerSources {
  roster: Pick<Roster, "schools">;
  /** Leaders and admins, for the names of those who entered reports (代报). */
  people: Pick<Config, "leaders" | "admins">;
  store: Pick<ReportStore, "current" | "changes">;
  /** Exemptions (免报); without it no school is exempt. */
  exemptions?: Pick<ExemptionStore, "list">;
  /** The incidents, for the workbook's sheet of them; without it the workbook has none. */
  incidents?: Pick<IncidentStore, "opened" | "steps">;
}

export interface BuildLedgerOptions extends LedgerSources {
  /** The declared kinds, for the columns of those read by their fields. */
  kinds: Pick<Config, "tasks">;
  calendar: Pick<TaskCalendar, "tasks" | "at" | "list">;
  from: LocalDate;
  to: LocalDate;
  timeZone: string;
  /** The clock's now: periods that start after its day owe nothing yet. */
  now: Date;
}

/** One task of a ledger before its rows are read: its name and its periods in the range. */
export type LedgerTaskPlan = Pick<LedgerTask, "task" | "taskName" | "periods" | "fields">;

/** A ledger before anything is read: the range, the instant it is as of, and each task's periods. */
export interface LedgerPlan {
  from: LocalDate;
  to: LocalDate;
  timeZone: string;
  asOf: Date;
  tasks: LedgerTaskPlan[];
}

/** Schools whose reports in force are read in one round trip: the rows of a period come in batches this size. */
export const LEDGER_BATCH = 250;

/** Which tasks and periods a ledger holds: from the calendar alone, nothing read. */
export function planLedger({ calendar, kinds, from, to, timeZone, now: asOf }: Pick<BuildLedgerOptions, "calendar" | "kinds" | "from" | "to" | "timeZone" | "now">): LedgerPlan {
  const tasks = calendar.tasks.map((task): LedgerTaskPlan => {
    const periods = listLedgerPeriods(calendar, task, { from, to, timeZone, now: asOf });
    const kind = kindOf(kinds, task);
    return {
      task,
      ...(kind?.reader === "fields" && { fields: kind.fields }),
      taskName: periods[0]?.taskName ?? calendar.at(task, asOf)?.taskName ?? task,
      periods,
    };
  });
  return { from, to, timeZone, asOf, tasks };
}

/**
 * A task's rows, by period then in roster order, in batches of at most {@link LEDGER_BATCH}:
 * each batch reads only its schools' reports in force, so what is held at once is bounded by
 * the batch and the roster, whatever the range.
 */
export async function* readLedgerRows(sources: LedgerSources, plan: LedgerTaskPlan): AsyncGenerator<LedgerRow[]> {
  const { roster, people, store, exemptions } = sources;
  for (const period of plan.periods) {
    const [exempt, changes] = await Promise.all([
      exemptions ? exemptions.list(plan.task, period.id) : Promise.resolve(new Map<string, never>()),
      store.changes(plan.task, period.id),
    ]);
    for (let at = 0; at < roster.schools.length; at += LEDGER_BATCH) {
      const schools = roster.schools.slice(at, at + LEDGER_BATCH);
      const reports = await store.current(plan.task, period.id, schools.map((school) => school.code));
      const rows: LedgerRow[] = [];
      for (const school of schools) {
        const report = reports.get(school.code);
        const exemption = exempt.get(school.code);
        // A period nobody owes lists only the reports made in it; one the roster owes, every school the task names.
        if ((!period.required && !report) || !isAssigned(period, school)) continue;
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
      }
      if (rows.length > 0) yield rows;
    }
  }
}

/** Counts a task's rows per school (roster order) and in total, as the summary sheet shows them. */
export function createLedgerCounter(roster: Pick<Roster, "schools">): {
  add(row: LedgerRow): void;
  finish(): Pick<LedgerTask, "schools" | "total">;
} {
  const counts = new Map<string, Tally>(roster.schools.map((s) => [s.code, createTally()]));
  const total = createTally();
  return {
    add(row) {
      if (!row.required) return;
      for (const tally of [counts.get(row.schoolCode), total]) if (tally) count(tally, row);
    },
    finish: () => ({
      schools: roster.schools.map((school) => ({ ...describeSchool(school), ...finish(counts.get(school.code)!) })),
      total: finish(total),
    }),
  };
}

/** Reads the reports of every task and period in the range and lays them out as the ledger, in memory (a county's week; the export streams). */
export async function buildLedger(options: BuildLedgerOptions): Promise<Ledger> {
  const plan = planLedger(options);
  const tasks: LedgerTask[] = [];
  for (const task of plan.tasks) {
    const rows: LedgerRow[] = [];
    const counter = createLedgerCounter(options.roster);
    for await (const batch of readLedgerRows(options, task)) {
      for (const row of batch) counter.add(row);
      rows.push(...batch);
    }
    tasks.push({ ...task, rows, ...counter.finish() });
  }
  return { ...plan, tasks };
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

function count(tally: Tally, row: LedgerRow): void {
  if (row.status === "免报") {
    tally.exempt += 1;
    return;
  }
  tally.expected += 1;
  if (row.status === "未报" || !row.reportedAt) {
    tally.missing += 1;
    return;
  }
  tally.reported += 1;
  if (row.status === "迟报") tally.late += 1;
  else tally.onTime += 1;
  // What the report's reader recorded: parents reached of to reach, or staff attended of expected.
  if (row.reached !== undefined) {
    tally.amount += row.reached;
    tally.amountOf += row.total ?? 0;
  } else if (row.attended !== undefined) {
    tally.amount += row.attended;
    tally.amountOf += row.expected ?? 0;
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

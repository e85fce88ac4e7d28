import type { TaskId } from "../config/schema.js";
import { isPastDeadline } from "../time/periods.js";
import { whyNotRequired, type TaskPeriod } from "../time/task-calendar.js";
import type { NotRequiredReason } from "../time/periods.js";
import { isAssigned, type School, type Roster } from "../config/roster.js";
import { areaKey } from "../config/roster-tree.js";
import type { Report, ReportCounts } from "../store/report.js";

/** A school's report in force (an abnormal one, or one entered by a leader). */
export interface AbnormalEntry {
  school: School;
  report: Report;
}

/** An abnormal safety report that a later 平安 replaced. */
export interface ResolvedEntry {
  school: School;
  /** The last abnormal report before the correction. */
  abnormal: Report;
  /** The report in force now (无异常). */
  report: Report;
}

/** A school and in how many of the tallied periods it is in that state. */
export interface SchoolCount {
  school: School;
  count: number;
  /** For exempt schools: the latest reason given. */
  reason?: string;
}

/** Schools of one area (片区), in roster order. */
export interface AreaGroup {
  /** The 片区's name. */
  area: string;
  /** Its key (areaKey): its path where the roster has levels above it, which areaLabel shows below a reader's node. */
  key: string;
  entries: SchoolCount[];
  /**
   * Set when `entries` is only the first of the area's schools (a province's 汇总): the
   * school-periods the whole list stands for.
   */
  total?: number;
}

/**
 * The tally of one task over one or more of its periods. Counts are of school-periods: of
 * schools for one period, of school-days for a week of a daily task. Every school-period is in
 * exactly one of reported, missing, exempt, not required and not live; `expected` = reported + missing.
 */
export interface TaskTally {
  task: TaskId;
  taskName: string;
  periods: readonly TaskPeriod[];
  expected: number;
  reported: number;
  /** Of reported: on time and late (after the deadline minute). */
  onTime: number;
  late: number;
  /** Of reported: entered by a leader or admin for the school (代报). */
  onBehalf: number;
  missing: number;
  exempt: number;
  /** Out of season or not a running day, for every school. */
  notRequired: number;
  /** Before the service's first day, or before the school joined the roster (未上线): owed by nobody, never missing. */
  notLive: number;
  /** Set when nothing is owed, with the reason of the first school-period. */
  notRequiredReason?: NotOwedReason;
  /** reported / expected and onTime / expected; undefined when nothing is expected. */
  rates: { reported?: number; onTime?: number; drowning?: number; study?: number };
  /** Reports counted that a leader or admin entered (代报), oldest first. */
  onBehalfReports: AbnormalEntry[];
  /** Abnormal safety reports in force, oldest first (from the counts: the first that 汇总 shows). */
  abnormal: AbnormalEntry[];
  /** How many abnormal safety reports are in force, listed or not. */
  abnormalTotal: number;
  /** Abnormal safety reports since corrected to 无异常, oldest first. */
  resolved: ResolvedEntry[];
  /** 平安 reports in force with a remark, oldest first (from the counts: the first that 汇总 shows). */
  remarks: AbnormalEntry[];
  /** How many 平安 reports with a remark are in force, listed or not. */
  remarkTotal: number;
  /** Drowning: parents reached over parents to reach, summed over the reports counted. */
  drowning?: { reached: number; total: number };
  /** Study: staff attended over staff expected, summed over the reports counted. */
  study?: { attended: number; expected: number };
  /** A declared kind's count fields summed over the reports counted (ReportCounts.sums); unset when all are 0. */
  sums?: Record<string, number>;
  /** The same sums per area (片区, by its areaKey) in roster order, the areas with any; unset where `rows` shows them per node. */
  sumsByArea?: { key: string; sums: Record<string, number> }[];
  /** Missing schools by area (片区), areas and schools in roster order. */
  missingByArea: AreaGroup[];
  /** Exempt schools by area, same order. */
  exemptByArea: AreaGroup[];
  /** Whether, at `now`, some required period's deadline has not passed yet. */
  open: boolean;
  /**
   * A city's or province's tally: its counties' or cities' own tallies, one row each (withNodeRows),
   * shown instead of the missing schools by area; unset for a county.
   */
  rows?: readonly { name: string; tally: TaskTally }[];
}

/** Adds reports' counts (countReport, or a period's counts by area) to a tally and its sums; `sign` -1 takes them out. */
export function addReportCounts(
  tally: TaskTally,
  drowning: { reached: number; total: number },
  study: { attended: number; expected: number },
  counts: ReportCounts,
  sign = 1,
): void {
  tally.reported += sign * counts.reported;
  tally.late += sign * counts.late;
  tally.onTime += sign * (counts.reported - counts.late);
  tally.onBehalf += sign * counts.onBehalf;
  drowning.reached += sign * counts.reached;
  drowning.total += sign * counts.total;
  study.attended += sign * counts.attended;
  study.expected += sign * counts.expected;
  addSums((tally.sums ??= {}), counts.sums, sign);
}

/** Adds sums (ReportCounts.sums) to `into`; `sign` -1 takes them out. */
export function addSums(into: Record<string, number>, sums: Readonly<Record<string, number>>, sign = 1): void {
  for (const [name, n] of Object.entries(sums)) into[name] = (into[name] ?? 0) + sign * n;
}

/** The sums that are not 0, or undefined when none is. */
export function nonZeroSums(sums: Readonly<Record<string, number>> | undefined): Record<string, number> | undefined {
  const kept = Object.entries(sums ?? {}).filter(([, n]) => n !== 0);
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/** Counts `n` school-periods that owe nothing, for `why`. */
export function countNotOwed(tally: TaskTally, why: NotOwedReason, n: number): void {
  if (isBeforeLive(why)) tally.notLive += n;
  else tally.notRequired += n;
  tally.notRequiredReason ??= why;
}

/** A tally of nothing yet, for the task's periods. */
export function emptyTally(task: TaskId, periods: readonly TaskPeriod[]): TaskTally {
  return {
    task,
    taskName: periods[0]!.taskName,
    periods,
    expected: 0,
    reported: 0,
    onTime: 0,
    late: 0,
    onBehalf: 0,
    missing: 0,
    exempt: 0,
    notRequired: 0,
    notLive: 0,
    rates: {},
    onBehalfReports: [],
    abnormal: [],
    abnormalTotal: 0,
    resolved: [],
    remarks: [],
    remarkTotal: 0,
    missingByArea: [],
    exemptByArea: [],
    open: false,
  };
}

/** Adds one school's exemption for one period to the exempt list. */
export function bumpSchool(map: Map<School, SchoolCount>, school: School, reason?: string): void {
  const entry = map.get(school) ?? { school, count: 0 };
  entry.count += 1;
  if (reason) entry.reason = reason;
  map.set(school, entry);
}

/** Whether, at `now`, the period still takes reports on time (its deadline minute included). */
export function isOpenAt(period: TaskPeriod, now: Date | undefined): boolean {
  return now !== undefined && !isPastDeadline(period, now);
}

/** The tally's orderings, rates and sums, once its counts and lists are in. */
export function finishTally(
  tally: TaskTally,
  drowning: { reached: number; total: number },
  study: { attended: number; expected: number },
): TaskTally {
  if (tally.expected > 0 || tally.notRequired + tally.notLive === 0) delete tally.notRequiredReason;
  const sums = nonZeroSums(tally.sums);
  if (sums) tally.sums = sums;
  else delete tally.sums;
  const byTime = (a: { report: Report }, b: { report: Report }) => a.report.at.localeCompare(b.report.at);
  tally.abnormal.sort(byTime);
  tally.onBehalfReports.sort(byTime);
  tally.resolved.sort(byTime);
  tally.remarks.sort(byTime);
  const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : undefined);
  const rates: TaskTally["rates"] = {};
  const reportedRate = ratio(tally.reported, tally.expected);
  const onTimeRate = ratio(tally.onTime, tally.expected);
  if (reportedRate !== undefined) rates.reported = reportedRate;
  if (onTimeRate !== undefined) rates.onTime = onTimeRate;
  if (tally.task === "drowning") {
    tally.drowning = drowning;
    const rate = ratio(drowning.reached, drowning.total);
    if (rate !== undefined) rates.drowning = rate;
  }
  if (tally.task === "study") {
    tally.study = study;
    const rate = ratio(study.attended, study.expected);
    if (rate !== undefined) rates.study = rate;
  }
  tally.rates = rates;
  return tally;
}

/** Groups entries by the school's area, areas in the order the roster first names them. */
export function groupByArea(schools: readonly School[], entries: ReadonlyMap<School, SchoolCount>): AreaGroup[] {
  const groups = new Map<string, AreaGroup>();
  for (const school of schools) {
    const key = areaKey(school);
    if (!groups.has(key)) groups.set(key, { area: school.area, key, entries: [] });
    const entry = entries.get(school);
    if (entry) groups.get(key)!.entries.push(entry);
  }
  return [...groups.values()].filter((group) => group.entries.length > 0);
}

/** A roster's schools by code and by area (areaKey: two counties' 城关片区 apart), areas in the order the roster first names them. */
export interface RosterIndex {
  byCode: ReadonlyMap<string, School>;
  /** Each area's schools in roster order. */
  areas: ReadonlyMap<string, readonly School[]>;
  /** A school's place in the roster, for ordering short lists without walking the roster. */
  position: ReadonlyMap<string, number>;
  /** The schools that joined the roster after the service's first day (School.joined), latest first: few. */
  joinedLate: readonly School[];
}

const indexes = new WeakMap<readonly School[], RosterIndex>();

/** The index of a roster's schools, built once per roster (the roster is loaded once and frozen). */
export function indexRoster(schools: readonly School[]): RosterIndex {
  const known = indexes.get(schools);
  if (known) return known;
  const byCode = new Map<string, School>();
  const areas = new Map<string, School[]>();
  const position = new Map<string, number>();
  schools.forEach((school, i) => {
    byCode.set(school.code, school);
    position.set(school.code, i);
    const area = areaKey(school);
    if (!areas.has(area)) areas.set(area, []);
    areas.get(area)!.push(school);
  });
  const joinedLate = schools.filter((school) => school.joined !== undefined).sort((a, b) => b.joined!.localeCompare(a.joined!));
  const index = { byCode, areas, position, joinedLate };
  indexes.set(schools, index);
  return index;
}

/** How many missing schools, and of the reports in force how many, a tally names. */
export interface ListOptions {
  /** Schools named per area; the rest are counted (`Infinity`: all of them). */
  perArea: number;
  /** Areas (their keys, areaKey) whose missing schools are all named whatever `perArea` says (`未报 平安 东部片区`). */
  inFull?: readonly string[];
  /** 代报 reports named, the first by time (`tally.onBehalf` counts them all); default all. */
  onBehalf?: number;
  /** Abnormal reports in force shown, the first by time (`tally.abnormalTotal` counts them all); default all. */
  abnormal?: number;
  /** 平安 reports in force with a remark shown, the first by time (`tally.remarkTotal` counts them all); default all. */
  remarked?: number;
}

/** Names no missing school and no report: for figures only (the week chart, the board's week). */
export const NAME_NONE: ListOptions = { perArea: 0, onBehalf: 0, abnormal: 0, remarked: 0 };

/**
 * 代报 a block names at most, the first by time (tallyFromCounts reads only those): a province's
 * week holds thousands, which a 20 KB reply could only collapse to a count.
 */
export const ON_BEHALF_SHOWN = 10;

/**
 * Abnormal reports a block shows in full at most: about what a 20 KB reply holds beside the
 * counts and the missing list (each takes three lines and up to SUMMARY_TEXT_CHARS of text).
 * Beyond it they were cut off by the byte limit anyway, after costing the fitting most of its
 * time; now the rest are counted, with where to read them, and tallyFromCounts reads only these.
 */
export const ABNORMAL_SHOWN = 50;

/** Remarks of normal days (平安 … 今天下雨，…) a block shows at most, the first by time; the rest are counted. */
export const REMARKS_SHOWN = 20;

/** Up to this many schools, a tally names every missing school; above it, the first of each area. */
export const FULL_LIST_SCHOOLS = 2000;
/** Missing schools named per area above FULL_LIST_SCHOOLS; the rest are counted, with the command that lists an area. */
export const LISTED_PER_AREA = 3;

/** What a tally names by default: every missing school of a county, the first of each area of a province; the first abnormal reports, 代报 and remarks it shows. */
export function defaultListing(roster: Pick<Roster, "schools">): ListOptions {
  return {
    perArea: roster.schools.length > FULL_LIST_SCHOOLS ? LISTED_PER_AREA : Number.POSITIVE_INFINITY,
    onBehalf: ON_BEHALF_SHOWN,
    abnormal: ABNORMAL_SHOWN,
    remarked: REMARKS_SHOWN,
  };
}

/**
 * Why a school owes no report for a period: the period's own reason (the calendar's, or
 * `not_live` before the service's first day), `not_assigned` for a school the task's `schools`
 * leave out (it is no part of the task: never counted, not even as owing nothing), or
 * `not_joined` before the school first appeared on the roster.
 */
export type NotOwedReason = NotRequiredReason | "not_assigned" | "not_joined";

/**
 * Why the school owes no report for the period; undefined when it owes one (an exemption
 * aside). Each list, ledger row and board cell decides it here; the tally of counts and the
 * reminder decide it for a whole roster at once by the same rules (listNotOwed). A required
 * period's reason is not asked of the calendar (whyNotRequired) school by school.
 */
export function whyNotOwed(period: TaskPeriod, school: Pick<School, "joined" | "code" | "area" | "stage">): NotOwedReason | undefined {
  if (!isAssigned(period, school)) return "not_assigned";
  if (!period.required) return whyNotRequired(period);
  return hasJoinedBy(period, school) ? undefined : "not_joined";
}

/** Whether the school was on the roster when the period was due. */
function hasJoinedBy(period: TaskPeriod, school: Pick<School, "joined">): boolean {
  return school.joined === undefined || school.joined <= period.due;
}

/** Whether a school was not on the service yet (未上线): shown apart from 未报 and 无需报, never missing. */
export function isBeforeLive(reason: NotOwedReason | undefined): boolean {
  return reason === "not_live" || reason === "not_joined";
}

/**
 * The schools of `joinedLate` (the roster's schools with a day of joining, latest first) that
 * owe nothing in a period the others owe: a tally that never walks the roster asks only these.
 */
export function listNotJoined(joinedLate: readonly School[], period: TaskPeriod): School[] {
  if (!period.required) return [];
  const found: School[] = [];
  for (const school of joinedLate) {
    if (hasJoinedBy(period, school)) break;
    if (isAssigned(period, school)) found.push(school);
  }
  return found;
}

/**
 * The roster's schools that owe a required period nothing by the roster alone (whyNotOwed's
 * not_joined and not_assigned), for a reader of the whole roster at once: the tally's
 * uncounted schools, the reminder's owing ones.
 */
export function listNotOwed(schools: readonly School[], period: TaskPeriod): School[] {
  return [...listNotJoined(indexRoster(schools).joinedLate, period), ...listNotAssigned(schools, period)];
}

// Every tally of a listed task asks for its left-out schools: found once per roster and list (both frozen).
const notAssignedOf = new WeakMap<readonly School[], WeakMap<readonly string[], readonly School[]>>();

/** The schools of `schools` the task leaves out (see isAssigned): none when it names no list. */
export function listNotAssigned(schools: readonly School[], period: Pick<TaskPeriod, "schools">): readonly School[] {
  const list = period.schools;
  if (list === undefined) return [];
  let byList = notAssignedOf.get(schools);
  if (!byList) notAssignedOf.set(schools, (byList = new WeakMap()));
  let found = byList.get(list);
  if (!found) byList.set(list, (found = schools.filter((school) => !isAssigned(period, school))));
  return found;
}

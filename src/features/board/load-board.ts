import type { School } from "../../config/roster.js";
import type { TaskId } from "../../config/schema.js";
import type { Report, ReportEvent } from "../../store/report.js";
import { addDays, getIsoWeek, getWeekStart, toLocalDate, type LocalDate } from "../../time/local-time.js";
import type { TaskCalendar, TaskPeriod } from "../../time/task-calendar.js";
import { computeTally, type AbnormalEntry, type PeriodInput, type ResolvedEntry, type TaskTally } from "../leaders/compute-summary.js";
import { loadPeriodInputs, type TallySources } from "../leaders/load-tally.js";

/**
 * Where a school stands for a task today; `not_required` when the period asks nothing of anyone,
 * `not_live` when the school was not on the service yet.
 */
export type SchoolState = "on_time" | "late" | "missing" | "exempt" | "not_required" | "not_live";

/** One school's row on the board. */
export interface BoardSchool {
  school: School;
  state: SchoolState;
  abnormal: boolean;
  onBehalf: boolean;
  /** The report in force, if any. */
  report?: Report;
  /** Why the school is exempt, when a reason was given. */
  reason?: string;
}

/** One area (片区): its own tally and its schools in roster order. */
export interface BoardArea {
  area: string;
  tally: TaskTally;
  schools: BoardSchool[];
}

/** A day of the week's trend; `tally` is absent for the days to come. */
export interface BoardDay {
  period: TaskPeriod;
  tally?: TaskTally;
}

/** One task today: the county (the tally 汇总 gives), its areas and, for a daily task, the week. */
export interface BoardTask {
  tally: TaskTally;
  areas: BoardArea[];
  week?: BoardDay[];
}

/** A report on the board with the school's events for its task this week, newest first. */
export interface WithHistory<E> {
  entry: E;
  history: ReportEvent[];
}

/** Everything the board shows, read at one instant. */
export interface Board {
  now: Date;
  today: LocalDate;
  tasks: BoardTask[];
  /** Abnormal reports in force today, oldest first. */
  abnormal: WithHistory<AbnormalEntry>[];
  /** Abnormal reports of today since corrected to 无异常. */
  resolved: WithHistory<ResolvedEntry>[];
}

export interface LoadBoardOptions extends TallySources {
  calendar: TaskCalendar;
  timeZone: string;
  now: Date;
}

/** History entries read per school with an abnormal report (its week's audit log). */
const HISTORY_READ = 50;

/**
 * Reads today's board. Every number comes from computeTally over the periods' stored inputs,
 * exactly as 汇总 tallies them (loadTally): the county over the roster, an area over its
 * schools, a school over itself, so the board and 汇总 cannot disagree.
 */
export async function loadBoard(options: LoadBoardOptions): Promise<Board> {
  const { roster, calendar, now } = options;
  const today = toLocalDate(now, options.timeZone);
  const monday = getWeekStart(getIsoWeek(today));
  const tasks: BoardTask[] = [];
  const weekIds = new Set<string>();
  for (const task of calendar.tasks) {
    const current = calendar.list(task, today, today)[0];
    if (!current) continue;
    const daily = current.kind === "day";
    const days = daily ? calendar.list(task, monday, addDays(monday, 6)) : [current];
    const inputs = await loadPeriodInputs(options, days.filter((p) => p.start <= today));
    const input = inputs.find((i) => i.period.id === current.id)!;
    const tally = computeTally({ roster, periods: [input], now });
    for (const period of days) weekIds.add(`${task}:${period.id}`);
    tasks.push({
      tally,
      areas: loadAreas(roster.schools, input, now),
      ...(daily && {
        week: days.map((period) => {
          const dayInput = inputs.find((i) => i.period.id === period.id);
          return dayInput ? { period, tally: computeTally({ roster, periods: [dayInput], now }) } : { period };
        }),
      }),
    });
  }
  const withHistory = async <E extends { school: School }>(entry: E, task: TaskId): Promise<WithHistory<E>> => {
    const periods = [...weekIds].filter((id) => id.startsWith(`${task}:`)).map((id) => ({ task, period: id.slice(task.length + 1) }));
    return { entry, history: await options.store.history(entry.school.code, periods, HISTORY_READ) };
  };
  const abnormal: Board["abnormal"] = [];
  const resolved: Board["resolved"] = [];
  for (const { tally } of tasks) {
    abnormal.push(...(await Promise.all(tally.abnormal.map((entry) => withHistory(entry, tally.task)))));
    resolved.push(...(await Promise.all(tally.resolved.map((entry) => withHistory(entry, tally.task)))));
  }
  return { now, today, tasks, abnormal, resolved };
}

/** Each area's tally and each school's standing, from the tally of its own schools. */
function loadAreas(schools: readonly School[], input: PeriodInput, now: Date): BoardArea[] {
  const areas = new Map<string, School[]>();
  for (const school of schools) {
    const members = areas.get(school.area) ?? [];
    members.push(school);
    areas.set(school.area, members);
  }
  return [...areas].map(([area, members]) => ({
    area,
    tally: computeTally({ roster: { schools: members }, periods: [input], now }),
    schools: members.map((school) => {
      const own = computeTally({ roster: { schools: [school] }, periods: [input], now });
      const report = input.reports.get(school.code);
      const reason = own.exemptByArea[0]?.entries[0]?.reason;
      return {
        school,
        state: stateOf(own),
        abnormal: own.abnormal.length > 0,
        onBehalf: own.onBehalf > 0,
        ...(report && { report }),
        ...(reason && { reason }),
      };
    }),
  }));
}

function stateOf(own: TaskTally): SchoolState {
  if (own.notRequired > 0) return "not_required";
  if (own.notLive > 0) return "not_live";
  if (own.exempt > 0) return "exempt";
  if (own.missing > 0) return "missing";
  return own.late > 0 ? "late" : "on_time";
}

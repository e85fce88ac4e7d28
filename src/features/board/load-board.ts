import type { School } from "../../config/roster.js";
import type { TaskId } from "../../config/schema.js";
import type { Report, ReportEvent } from "../../store/report.js";
import { addDays, getIsoWeek, getWeekStart, toLocalDate, type LocalDate } from "../../time/local-time.js";
import type { TaskCalendar, TaskPeriod } from "../../time/task-calendar.js";
import type { AbnormalEntry, ResolvedEntry, TaskTally } from "../../tally/task-tally.js";
import { loadCountedPeriods, loadReported, type TallySources } from "../../tally/load-tally.js";
import { NAME_NONE } from "../../tally/listing.js";
import { indexRoster } from "../../tally/index-roster.js";
import { countSchool } from "../../tally/count-school.js";
import { tallyFromCounts, type CountedPeriod } from "../../tally/tally-from-counts.js";

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

/** What the board lists of today's tally: every missing school and abnormal report; 代报 and remarks it only counts. */
const TODAY_LISTED = { perArea: Number.POSITIVE_INFINITY, onBehalf: 0, remarked: 0 };

/**
 * Reads today's board from the periods' counts, tallied as 汇总 tallies them (tallyFromCounts):
 * the county over the roster, an area over its schools, a school over its own report, so the
 * board and 汇总 cannot disagree. Beside the counts it reads only what it shows: today's
 * abnormal reports with their week's history, and the report of each school that has one
 * (its time on the row); never a day's whole log.
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
    const before = days.filter((p) => p.start <= today && p.id !== current.id);
    const [counted, past] = await Promise.all([loadCountedPeriods(options, [current], TODAY_LISTED), loadCountedPeriods(options, before, NAME_NONE)]);
    const input = counted[0]!;
    const tally = tallyFromCounts({ roster, periods: [input], now, list: TODAY_LISTED });
    for (const period of days) weekIds.add(`${task}:${period.id}`);
    tasks.push({
      tally,
      areas: await loadAreas(options, input, now),
      ...(daily && {
        week: days.map((period) => {
          const dayInput = period.id === current.id ? input : past.find((i) => i.period.id === period.id);
          return dayInput ? { period, tally: tallyFromCounts({ roster, periods: [dayInput], now, list: NAME_NONE }) } : { period };
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

/**
 * Each area's tally from the period's counts, and each school's standing from its own report
 * (loadReported).
 */
async function loadAreas(sources: TallySources, input: CountedPeriod, now: Date): Promise<BoardArea[]> {
  const { period } = input;
  const reports = await loadReported(sources, input);
  return [...indexRoster(sources.roster.schools).areas].map(([area, members]) => ({
    area,
    tally: tallyFromCounts({ roster: { schools: members }, periods: [input], now, list: TODAY_LISTED }),
    schools: members.map((school) => {
      const report = reports.get(school.code);
      const own = tallyFromCounts({ roster: { schools: [school] }, periods: [countSchool(period, school, report, input.exemptions)], now });
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

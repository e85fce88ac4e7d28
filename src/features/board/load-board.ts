import { areaKey, areaLabel, type RosterNode } from "../../config/roster-tree.js";
import { isAssigned, type Roster, type School } from "../../config/roster.js";
import type { Report, ReportEvent } from "../../store/report.js";
import type { PeriodRef } from "../../store/reports.js";
import { addDays, getIsoWeek, getWeekStart, toLocalDate, type LocalDate } from "../../time/local-time.js";
import type { TaskCalendar, TaskPeriod } from "../../time/task-calendar.js";
import { type AbnormalEntry, type ResolvedEntry, type TaskTally, NAME_NONE, indexRoster } from "../../tally/task-tally.js";
import { loadCountedPeriods, type TallySources, tallyFromCounts, type CountedPeriod } from "../../tally/load-tally.js";
import { countSchool } from "../../tally/count-school.js";

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

/** One area (片区): its own tally and the schools shown of it, in roster order. */
export interface BoardArea {
  /** Its key (areaKey): what the area's own page is asked for by. */
  area: string;
  /** As the reader is shown it (areaLabel): its path below his node, so two counties' 城关片区 read apart. */
  label: string;
  tally: TaskTally;
  /** Every school of a small roster; on a large one those needing attention (the first few); on the area's page, one page of it. */
  schools: BoardSchool[];
  /** Set when the area's schools are not all listed here: how many it has (its own page lists them). */
  more?: number;
}

/**
 * Which part of the board a request asks for: the whole county, or one area's schools a page
 * at a time. Not a permission: whoever may see the board may see every area of it.
 */
export interface BoardView {
  area?: string;
  /** From 0; the area's page of {@link AREA_PAGE_SCHOOLS} schools. */
  page: number;
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
  /** The reader's node, below which the board names areas (areaLabel). */
  node: RosterNode;
  today: LocalDate;
  /** The part asked for; `pages` is how many the area's schools fill (1 without an area). */
  view: BoardView & { pages: number };
  tasks: BoardTask[];
  /** Abnormal reports in force today, oldest first (the first {@link INCIDENTS_SHOWN}; the tallies count them all). */
  abnormal: WithHistory<AbnormalEntry>[];
  /** Abnormal reports of today since corrected to 无异常 (the first {@link INCIDENTS_SHOWN}). */
  resolved: WithHistory<ResolvedEntry>[];
}

export interface LoadBoardOptions extends TallySources {
  calendar: TaskCalendar;
  timeZone: string;
  now: Date;
  /** Default: the whole county. An area the roster has not is refused by the route, not here. */
  view?: BoardView;
  /** Rosters up to this many schools list every school on the county page (default {@link LIST_ALL_SCHOOLS}). */
  listAllUpTo?: number;
}

/** History entries read per school with an abnormal report (its week's audit log). */
const HISTORY_READ = 50;

/** Up to this many schools, the county page lists every one by area (a county: one screen per area). */
export const LIST_ALL_SCHOOLS = 400;

/** Above LIST_ALL_SCHOOLS, the schools needing attention (missing, abnormal) an area's card names at most. */
export const ATTENTION_PER_AREA = 5;

/** Schools on one page of an area's own list. */
export const AREA_PAGE_SCHOOLS = 200;

/** Missing schools a task's card names at most (the areas below list them); the rest it counts. */
export const MISSING_NAMED = 8;

/**
 * Missing schools the county's tally names per area, whatever the view: enough for the card's
 * first few and the county page's schools needing attention; never every missing school.
 */
const NAMED_PER_AREA = Math.max(MISSING_NAMED, ATTENTION_PER_AREA);

/** Abnormal and corrected reports shown in full, with their history; the rest are counted. */
export const INCIDENTS_SHOWN = 20;

/**
 * Reads today's board from the periods' counts, tallied as 汇总 tallies them (tallyFromCounts):
 * the county over the roster, an area over its schools, a school over its own report, so the
 * board and 汇总 cannot disagree. Beside the counts it reads only what it shows: the first
 * abnormal reports with their week's history, and the reports of the schools it lists (every
 * school of a small roster; on a large one, the few needing attention per area, or one page of
 * an area); never a day's whole log, never every school of a province.
 */
export async function loadBoard(options: LoadBoardOptions): Promise<Board> {
  const { roster, calendar, now } = options;
  const view = options.view ?? { page: 0 };
  const listAll = roster.schools.length <= (options.listAllUpTo ?? LIST_ALL_SCHOOLS);
  // 代报 and remarks the board only counts; an area's schools it lists from the area, not from the county's missing.
  const todayListed = { perArea: NAMED_PER_AREA, onBehalf: 0, remarked: 0, abnormal: INCIDENTS_SHOWN };
  const shown = view.area === undefined ? undefined : (indexRoster(roster.schools).areas.get(view.area) ?? []);
  const today = toLocalDate(now, options.timeZone);
  const monday = getWeekStart(getIsoWeek(today));
  // Each round trip waits behind the check-ins on a busy service: the tasks are read side by side,
  // then their areas beside the incidents' history, so a page costs the same few waits however many tasks it shows.
  const counted = await Promise.all(
    calendar.tasks.map(async (task) => {
      const current = calendar.list(task, today, today)[0];
      if (!current) return undefined;
      const daily = current.kind === "day";
      const days = daily ? calendar.list(task, monday, addDays(monday, 6)) : [current];
      const before = days.filter((p) => p.start <= today && p.id !== current.id);
      const [[input], past] = await Promise.all([loadCountedPeriods(options, [current], todayListed), loadCountedPeriods(options, before, NAME_NONE)]);
      const tally = tallyFromCounts({ roster, periods: [input!], now, list: todayListed });
      // A day to come has no event yet: its history is not read.
      const begun = days.filter((p) => p.start <= today).map((p) => ({ task, period: p.id }));
      return { task, daily, days, current, input: input!, past, tally, begun };
    }),
  );
  const read = counted.filter((entry) => entry !== undefined);
  const abnormal: { entry: AbnormalEntry; periods: PeriodRef[] }[] = [];
  const resolved: { entry: ResolvedEntry; periods: PeriodRef[] }[] = [];
  for (const { tally, begun } of read) {
    abnormal.push(...tally.abnormal.slice(0, INCIDENTS_SHOWN - abnormal.length).map((entry) => ({ entry, periods: begun })));
    resolved.push(...tally.resolved.slice(0, INCIDENTS_SHOWN - resolved.length).map((entry) => ({ entry, periods: begun })));
  }
  const [tasks, histories] = await Promise.all([
    Promise.all(
      read.map(async ({ daily, days, current, input, past, tally }): Promise<BoardTask> => {
        const listing: AreaListing = shown ? { page: shown.slice(view.page * AREA_PAGE_SCHOOLS, (view.page + 1) * AREA_PAGE_SCHOOLS) } : listAll ? "all" : { attention: tally };
        return {
          tally,
          areas: await loadAreas(options, input, now, listing, view.area),
          ...(daily && {
            week: days.map((period) => {
              const dayInput = period.id === current.id ? input : past.find((i) => i.period.id === period.id);
              return dayInput ? { period, tally: tallyFromCounts({ roster, periods: [dayInput], now, list: NAME_NONE }) } : { period };
            }),
          }),
        };
      }),
    ),
    // Every incident's history in one read: its round trips do not grow with the incidents shown.
    options.store.histories(
      [...abnormal, ...resolved].map(({ entry, periods }) => ({ school: entry.school.code, periods })),
      HISTORY_READ,
    ),
  ]);
  const withHistory = <E>({ entry }: { entry: E }, i: number): WithHistory<E> => ({ entry, history: histories[i]! });
  const pages = shown ? Math.max(1, Math.ceil(shown.length / AREA_PAGE_SCHOOLS)) : 1;
  return {
    now,
    node: roster.node,
    today,
    view: { ...view, pages },
    tasks,
    abnormal: abnormal.map(withHistory),
    resolved: resolved.map((incident, i) => withHistory(incident, abnormal.length + i)),
  };
}

/**
 * Builds the indexes a page of this roster reads (the roster's and each area's: at 100,000
 * schools over a second of CPU), so that the first leader to open the board does not build them
 * between his page's Redis reads, which then met their timeout.
 */
export function indexBoardRoster(roster: Pick<Roster, "schools">): void {
  for (const members of indexRoster(roster.schools).areas.values()) indexRoster(members);
}

/**
 * Which schools the areas list: every one; those the county's tally names as needing attention
 * (missing or abnormal), the first of each area; or one page of the area asked for.
 */
type AreaListing = "all" | { attention: TaskTally } | { page: readonly School[] };

/**
 * Each area's tally from the period's counts, and the listed schools' standing each from its own
 * report: one read of those reported among the listed (the bitmap says which), never of all.
 */
async function loadAreas(
  sources: TallySources,
  input: CountedPeriod,
  now: Date,
  listing: AreaListing,
  only: string | undefined,
): Promise<BoardArea[]> {
  const { period, aggregate } = input;
  const index = indexRoster(sources.roster.schools);
  // A school the kind's `schools` leave out is no part of it: not shown as 无需报, not shown at all (nor an area of only such).
  const areas = [...index.areas]
    .filter(([area]) => only === undefined || area === only)
    .map(([area, members]) => [area, assignedOf(members, period)] as const)
    .filter(([, members]) => members.length > 0);
  const chosen = new Map(
    areas.map(([area, members]) => {
      // The area's figures only: the county's tally has named its missing schools already.
      const tally = tallyFromCounts({ roster: { schools: members }, periods: [input], now, list: NAME_NONE });
      return [area, { tally, schools: listedOf(listing, area, members, index.position).filter((school) => isAssigned(period, school)) }] as const;
    }),
  );
  const listed = [...chosen.values()].flatMap(({ schools }) => schools);
  const numbers = aggregate.numbersOf(listed);
  const reports = await sources.store.current(
    period.task,
    period.id,
    listed.filter((_, i) => aggregate.isReportedAt(numbers[i]!)).map((school) => school.code),
  );
  return areas.map(([area, members]) => {
    const { tally, schools } = chosen.get(area)!;
    return {
      area,
      label: areaLabel(sources.roster.node, area),
      tally,
      schools: schools.map((school) => standingOf(school, reports.get(school.code), input, now)),
      ...(schools.length < members.length && { more: members.length }),
    };
  });
}

function listedOf(listing: AreaListing, area: string, members: readonly School[], position: ReadonlyMap<string, number>): readonly School[] {
  if (listing === "all") return members;
  if ("page" in listing) return listing.page;
  const missing = listing.attention.missingByArea.find((group) => group.key === area)?.entries.map((entry) => entry.school) ?? [];
  // `area` is the 片区's key (areaKey): its path where the roster has levels above it.
  const abnormal = listing.attention.abnormal.filter((entry) => areaKey(entry.school) === area).map((entry) => entry.school);
  return [...new Set([...abnormal, ...missing])].sort((a, b) => position.get(a.code)! - position.get(b.code)!).slice(0, ATTENTION_PER_AREA);
}

/*
 * tallyFromCounts indexes each roster array it is given once (indexRoster, by identity): the
 * board hands it the same arrays at every request, or each request indexes the county again
 * (at 100,000 schools that was 90% of loadBoard's time).
 */
const assigned = new WeakMap<readonly School[], WeakMap<readonly string[], readonly School[]>>();
const alone = new WeakMap<School, readonly School[]>();

/** The area's schools the period asks (its `schools` list), the same array each time. */
function assignedOf(members: readonly School[], period: Pick<TaskPeriod, "schools">): readonly School[] {
  const list = period.schools;
  if (list === undefined) return members;
  let byList = assigned.get(members);
  if (!byList) assigned.set(members, (byList = new WeakMap()));
  let found = byList.get(list);
  if (!found) byList.set(list, (found = members.filter((school) => isAssigned(period, school))));
  return found;
}

/** A roster of the one school, the same array each time. */
function aloneOf(school: School): readonly School[] {
  let found = alone.get(school);
  if (!found) alone.set(school, (found = [school]));
  return found;
}

/** One school's row: its standing tallied from its own report, as 汇总 would tally it alone. */
function standingOf(school: School, report: Report | undefined, input: CountedPeriod, now: Date): BoardSchool {
  const own = tallyFromCounts({ roster: { schools: aloneOf(school) }, periods: [countSchool(input.period, school, report, input.exemptions)], now });
  const reason = own.exemptByArea[0]?.entries[0]?.reason;
  return {
    school,
    state: stateOf(own),
    abnormal: own.abnormal.length > 0,
    onBehalf: own.onBehalf > 0,
    ...(report && { report }),
    ...(reason && { reason }),
  };
}
function stateOf(own: TaskTally): SchoolState {
  if (own.notRequired > 0) return "not_required";
  if (own.notLive > 0) return "not_live";
  if (own.exempt > 0) return "exempt";
  if (own.missing > 0) return "missing";
  return own.late > 0 ? "late" : "on_time";
}

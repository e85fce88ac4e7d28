import type { Roster, School } from "../config/roster.js";
import type { ExemptionStore, Exemption } from "../store/exemptions.js";
import type { ReportStore } from "../store/reports.js";
import { type TaskPeriod, whyNotRequired } from "../time/task-calendar.js";
import { type TaskTally, type ListOptions, ABNORMAL_SHOWN, listNotAssigned, listNotJoined, listNotOwed, whyNotOwed, indexRoster, NAME_NONE, defaultListing, addReportCounts, addSums, nonZeroSums, bumpSchool, countNotOwed, emptyTally, finishTally, isOpenAt, type AreaGroup, type SchoolCount, type RosterIndex } from "./task-tally.js";
import { type RosterNode, nodeKey, areaKey } from "../config/roster-tree.js";
import type { Config } from "../config/schema.js";
import { kindOf } from "../config/kinds.js";
import { sumCounters, type Report } from "../store/report.js";
import type { AggregateFirst, OfLists, PeriodAggregate, PeriodCounts } from "../store/period-aggregate.js";

/** Where a tally's data comes from. */
export interface TallySources {
  roster: Roster;
  store: ReportStore;
  exemptions: ExemptionStore;
  /** The kinds' declarations, whose count fields' sums a node's read asks for (sumCounters); without it a node reads no sums. */
  config?: Pick<Config, "tasks">;
}

/**
 * Reads the periods' counts and exemptions (never every report), with the abnormal reports,
 * 代报 and remarks `list` shows: the first by time over all the periods (given oldest first), so each period
 * reads only what is left to show after the ones before it (a province's week: 50, not 7 × 50).
 */
export async function loadCountedPeriods(
  sources: TallySources,
  periods: readonly TaskPeriod[],
  list: Pick<ListOptions, "onBehalf" | "abnormal" | "remarked"> = {},
  units?: readonly RosterNode[],
): Promise<CountedPeriod[]> {
  const [counted] = await loadCountedKinds(sources, [periods], list, units);
  return counted!;
}

/**
 * Several kinds' periods, each kind's read as loadCountedPeriods reads it, their counts all in one
 * round trip: a 汇总 of seven kinds pays for one pipeline, not seven.
 */
async function loadCountedKinds(
  sources: TallySources,
  kinds: readonly (readonly TaskPeriod[])[],
  list: Pick<ListOptions, "onBehalf" | "abnormal" | "remarked">,
  units: readonly RosterNode[] | undefined,
): Promise<CountedPeriod[][]> {
  return (await countKinds(sources, kinds, units, list)).read(list);
}

/** How many of each list a reader shows (ListOptions), the first by time; default all. */
type Listing = Pick<ListOptions, "onBehalf" | "abnormal" | "remarked">;

/** Of each list, none held: what a period's read asks before its counts are known. */
const UNBOUNDED: OfLists<number> = { abnormal: Number.POSITIVE_INFINITY, onBehalf: Number.POSITIVE_INFINITY, remarked: Number.POSITIVE_INFINITY };

/** What is left of a listing (Listing: unset, all) to show. */
function leftOf(list: Listing): OfLists<number> {
  return { abnormal: list.abnormal ?? Number.POSITIVE_INFINITY, onBehalf: list.onBehalf ?? Number.POSITIVE_INFINITY, remarked: list.remarked ?? Number.POSITIVE_INFINITY };
}

/**
 * How many of each list's first codes a period reads: what is left to show (`left`), at most
 * what it holds (`listed`); its 代报, as many more as it has `uncounted` schools, whose 代报 are
 * read and left out. Before its counts are read (nothing known held, none uncounted), what its
 * counts' round trip reads beside them (CountsRequest.first); the aggregate reads a list again
 * only for more than that.
 */
function codesShown(left: OfLists<number>, listed: OfLists<number> = UNBOUNDED, uncounted = 0): OfLists<number> {
  return {
    abnormal: Math.min(listed.abnormal, left.abnormal),
    onBehalf: Math.min(listed.onBehalf, left.onBehalf + uncounted),
    remarked: Math.min(listed.remarked, left.remarked),
  };
}

/** The kinds' periods' counts (one round trip), and the read of the rest, each kind's as `list` asks (aggregateCounted). */
async function countKinds(
  sources: TallySources,
  kinds: readonly (readonly TaskPeriod[])[],
  units: readonly RosterNode[] | undefined,
  first: Listing,
): Promise<{ counts: PeriodCounts[][]; read: (list: Listing) => Promise<CountedPeriod[][]> }> {
  // A node's part of the deployment reads only its own schools' reports (period-aggregate.ts),
  // counted first, so that it too reads each period's first only as far as the budget goes: a
  // county's week read 80 reports a period of 31, where it shows 80 in all.
  const { roster } = sources;
  const whole = roster.node === roster.root;
  const among = whole ? undefined : { among: (code: string) => roster.byCode(code) !== undefined };
  // The whole deployment reads every count (one small hash) unless it counts by its rows' nodes.
  const keys = whole && !units ? undefined : countKeys(roster, units);
  const codes = codesShown(leftOf(first));
  const all = await sources.store.counts(
    kinds.flat().map((period) => {
      const sums = keys && sources.config && sumCounters(kindOf(sources.config, period.task)?.fields ?? {});
      return { task: period.task, period: period.id, ...(sums && { sums }), first: codes };
    }),
    keys?.areas,
    among && { ...among, schools: roster.schools },
  );
  let from = 0;
  const counts = kinds.map((periods) => all.slice(from, (from += periods.length)));
  return {
    counts,
    read: (list) => Promise.all(kinds.map((periods, i) => aggregateCounted(sources, periods, counts[i]!, list, among))),
  };
}

/** The rest of one kind's periods, given their counts: what `list` shows, the first by time over all the periods. */
function aggregateCounted(
  sources: TallySources,
  periods: readonly TaskPeriod[],
  counts: readonly PeriodCounts[],
  list: Listing,
  among: Pick<AggregateFirst, "among"> | undefined,
): Promise<CountedPeriod[]> {
  const uncounted = periods.map((period, i) => listUncounted(sources.roster, period, counts[i]!.exemptions));
  let left = leftOf(list);
  const reads = counts.map(({ listed }, i) => {
    const read = codesShown(left, listed, uncounted[i]!.length);
    // The 代报 read beside for the uncounted schools take none of what is left to show.
    const shown = codesShown(left, listed);
    left = { abnormal: left.abnormal - shown.abnormal, onBehalf: left.onBehalf - shown.onBehalf, remarked: left.remarked - shown.remarked };
    return read;
  });
  return Promise.all(
    periods.map(async (period, i) => {
      const aggregate = await sources.store.aggregate(counts[i]!, uncounted[i], { ...reads[i], ...among });
      return { period, aggregate, exemptions: counts[i]!.exemptions };
    }),
  );
}

/**
 * Tallies the periods from their counts; `list` says how many missing schools to name
 * (summaryListing). Above a county, with a row per child node (withNodeRows).
 */
export async function loadTally(sources: TallySources, periods: readonly TaskPeriod[], now?: Date, list?: ListOptions): Promise<TaskTally> {
  const [tally] = await loadTallies(sources, [periods], now, list);
  return tally!;
}

/** Tallies each kind's periods as loadTally does, all kinds' counts read in one round trip. */
export async function loadTallies(sources: TallySources, kinds: readonly (readonly TaskPeriod[])[], now?: Date, list?: ListOptions): Promise<TaskTally[]> {
  const tallies = await tallyKinds(sources, kinds, now, list);
  return (await tallies(Number.POSITIVE_INFINITY)).tallies;
}

/**
 * Tallies whose abnormal reports and remarks were read only to their first `first` a kind; `whole`:
 * none was left unread by it. `onBehalfWhole`: no 代报 the listing shows was left unread (a
 * province's first read reads ON_BEHALF_FIRST a kind).
 */
export interface FirstTallies {
  tallies: TaskTally[];
  first: number;
  whole: boolean;
  onBehalfWhole: boolean;
}

/**
 * The 代报 a kind's first read reads where the listing names only the first missing schools of
 * each area (a province's): its reply of seven kinds shows each kind's 代报 as a count, and the
 * ON_BEHALF_SHOWN of each it read were half the reports its 汇总 read and formatted.
 */
export const ON_BEHALF_FIRST = 3;

/** The fewest abnormal reports and remarks of a kind tallyKinds reads first. */
const FIRST_ENTRIES = 8;

/**
 * The kinds' tallies as loadTallies gives them, their counts read once (one round trip), then,
 * each time asked, the rest read with each kind's abnormal reports and remarks read only to
 * their first `first` (汇总: a reply of seven kinds shows a few of each; it asks for all only
 * when it shows every one it got). Unasked, `first` is each listing kind's share of what one
 * block shows (ABNORMAL_SHOWN), at least FIRST_ENTRIES. The totals are the counts', whatever
 * `first` is.
 */
export async function tallyKinds(
  sources: TallySources,
  kinds: readonly (readonly TaskPeriod[])[],
  now?: Date,
  list?: ListOptions,
): Promise<(first?: number) => Promise<FirstTallies>> {
  const listing = list ?? summaryListing(sources.roster);
  const shareOf = (listingKinds: number) => Math.max(FIRST_ENTRIES, Math.ceil(ABNORMAL_SHOWN / Math.max(1, listingKinds)));
  const onBehalfFirst = Number.isFinite(listing.perArea) ? ON_BEHALF_FIRST : Number.POSITIVE_INFINITY;
  const onBehalfAt = (first: number) => Math.min(listing.onBehalf ?? Number.POSITIVE_INFINITY, Number.isFinite(first) ? onBehalfFirst : Number.POSITIVE_INFINITY);
  const cappedAt = (first: number) => ({
    ...listing,
    abnormal: Math.min(listing.abnormal ?? Number.POSITIVE_INFINITY, first),
    remarked: Math.min(listing.remarked ?? Number.POSITIVE_INFINITY, first),
    onBehalf: onBehalfAt(first),
  });
  // Which kinds list is known only from the counts: their first codes, read with them, are as
  // many as the share if every kind with periods that can list (a status field) does. Counting
  // the kinds that never list too, it read fewer than the share the listing kinds then asked
  // (8 of 17 at 20,000 schools), and each read its first again: a round trip more.
  const mayList = kinds.filter((periods) => periods.length > 0 && mayListAbnormal(sources.config, periods[0]!.task)).length;
  const { counts, read } = await countKinds(sources, kinds, summaryUnits(sources.roster, listing), cappedAt(shareOf(mayList)));
  // What the listing reads of each kind's lists at most: their first over all the periods.
  const wanted = (counter: "abnormal" | "remarked" | "onBehalf") =>
    counts.map((periods) => Math.min(listing[counter] ?? Number.POSITIVE_INFINITY, periods.reduce((sum, { listed }) => sum + listed[counter], 0)));
  const [abnormal, remarked] = [wanted("abnormal"), wanted("remarked")];
  const most = Math.max(0, ...abnormal, ...remarked);
  const onBehalfMost = Math.max(0, ...wanted("onBehalf"));
  const share = shareOf(abnormal.filter((n, i) => n > 0 || remarked[i]! > 0).length);
  return async (first = share) => {
    const capped = cappedAt(first);
    const counted = await read(capped);
    return { tallies: counted.map((periods) => tallyOfCounted(sources.roster, periods, now, capped)), first, whole: first >= most, onBehalfWhole: onBehalfAt(first) >= onBehalfMost };
  };
}

/**
 * Whether a kind's reports can be abnormal, or carry a remark (countReport): one with a status
 * field (平安日报's is its reader's). Unknown without the declarations: it can.
 */
function mayListAbnormal(config: TallySources["config"], task: TaskPeriod["task"]): boolean {
  const kind = config && kindOf(config, task);
  return !kind || Object.values(kind.fields).some((field) => field.type === "status");
}

/**
 * The tally of periods already read as loadTally reads them (loadSummaryPeriods: by the rows'
 * nodes above a county), with its rows.
 */
export function tallyOfCounted(roster: Roster, counted: readonly CountedPeriod[], now?: Date, list?: ListOptions): TaskTally {
  const listing = list ?? summaryListing(roster);
  const units = summaryUnits(roster, listing);
  const tally = tallyFromCounts({ roster, periods: counted, ...(now && { now }), list: listing, ...(units && { units }) });
  return withNodeRows(roster, tally, counted, now, units !== undefined);
}

/** Periods' counts as a summary of the roster reads them (loadTally): what is shown, by its rows' nodes above a county. */
export function loadSummaryPeriods(sources: TallySources, periods: readonly TaskPeriod[]): Promise<CountedPeriod[]> {
  const listing = summaryListing(sources.roster);
  return loadCountedPeriods(sources, periods, listing, summaryUnits(sources.roster, listing));
}

/**
 * The schools missing in a period, in roster order: owed, neither reported nor exempt. Who owes
 * nothing is decided as tallyFromCounts decides it (the same as whyNotOwed, for a required
 * period): the schools the task leaves out, found once per roster and task, and the few that
 * joined after the period was due; no school is asked of the roster at run time. A reminder
 * names them all and needs nothing else of a tally: which of the owing schools reported or are
 * exempt (one round trip), no count, no report.
 */
export async function loadMissingSchools(sources: TallySources, period: TaskPeriod): Promise<School[]> {
  if (!period.required) return [];
  const { schools } = sources.roster;
  const notOwed = new Set(listNotOwed(schools, period));
  const owing = notOwed.size === 0 ? schools : schools.filter((school) => !notOwed.has(school));
  const settled = await sources.store.reportedOrExempt(period.task, period.id, owing);
  return owing.filter((_, i) => !settled[i]);
}

/**
 * The reports in force of the schools a period's counts mark as reported, for a reader that
 * shows each school (the board's rows, the roll-up's lines): one read of those, never the log.
 */
export function loadReported(sources: TallySources, { period, aggregate }: CountedPeriod): Promise<Map<string, Report>> {
  const { schools } = sources.roster;
  const numbers = aggregate.numbersOf(schools);
  const reported = schools.filter((_, i) => aggregate.isReportedAt(numbers[i]!)).map((school) => school.code);
  return sources.store.current(period.task, period.id, reported);
}

/**
 * The nodes a node's summaries show as rows: its children when they are above the 片区 (a city's
 * counties, a province's cities; a chain of single children is passed through, so a province's
 * deployment shows its cities), none for a county, whose summaries show its 片区 and schools.
 */
export function rowNodes(node: RosterNode): readonly RosterNode[] {
  let shown = node;
  while (shown.children.length === 1 && shown.children[0]!.level !== "area") shown = shown.children[0]!;
  return shown.children.length > 0 && shown.children[0]!.level !== "area" ? shown.children : [];
}

/**
 * What a summary of the roster names (defaultListing), but no missing school where it shows rows
 * instead (a city's, a province's): naming them would walk every area for lines never shown.
 */
export function summaryListing(roster: Roster): ListOptions {
  const listing = defaultListing(roster);
  return rowNodes(roster.node).length > 0 ? { ...listing, perArea: 0 } : listing;
}

/**
 * The nodes a summary with this listing counts by (tallyFromCounts `units`): its rows, where it
 * shows rows and names no missing school; the record script keeps each node's totals, so a
 * province reads its cities' counts, not its 1,000 areas'. Undefined: by area.
 */
export function summaryUnits(roster: Roster, listing: ListOptions): readonly RosterNode[] | undefined {
  const nodes = rowNodes(roster.node);
  return nodes.length > 0 && listing.perArea === 0 ? nodes : undefined;
}

/** The keys of the period's counts a part of the deployment reads: its units' (nodeKey), else its areas (areaKey). */
export function countKeys(roster: Roster, units: readonly RosterNode[] | undefined): { areas: string[] } {
  return { areas: units ? units.map(nodeKey) : [...indexRoster(roster.schools).areas.keys()] };
}

/**
 * The roster's tally with a row per node rowNodes shows (TaskTally.rows), each tallied from the
 * periods' counts already read: `byNodes`, from the node's own totals (read by summaryUnits);
 * else from the sums of its areas' (tallyFromCounts over its roster).
 */
export function withNodeRows(roster: Roster, tally: TaskTally, periods: readonly CountedPeriod[], now?: Date, byNodes = false): TaskTally {
  const nodes = rowNodes(roster.node);
  if (nodes.length === 0) return tally;
  const rows = nodes.map((node) => ({
    name: node.name,
    tally: tallyFromCounts({ roster: roster.within(node), periods, ...(now && { now }), list: NAME_NONE, ...(byNodes && { units: [node] }) }),
  }));
  return { ...tally, rows };
}

/** One period of a task with its counts (store.aggregate) and its exemptions. */
export interface CountedPeriod {
  period: TaskPeriod;
  aggregate: PeriodAggregate;
  exemptions: ReadonlyMap<string, Exemption>;
}

/**
 * Tallies one task over its periods from the periods' counts: the one tally engine (the
 * property test holds it equal to a recount over every report, test/support/compute-tally.ts), at a cost that grows with the areas
 * and the schools named, not with the roster. Exempt schools' reports, counted by the record
 * script, are taken back out here: exemptions are few and can change after the reports; so are
 * those of schools that joined the roster after the period was due (few too: RosterIndex.joinedLate).
 */
export function tallyFromCounts(args: {
  roster: Pick<Roster, "schools">;
  periods: readonly CountedPeriod[];
  now?: Date;
  list?: ListOptions;
  /**
   * Counted by these nodes (their nodeKey counts, summaryUnits) instead of by area: the rows of a
   * city's or a province's summary, which names no missing school (missingByArea stays empty).
   */
  units?: readonly RosterNode[];
}): TaskTally {
  const { roster, periods, now, units } = args;
  const list = args.list ?? { perArea: Number.POSITIVE_INFINITY };
  const first = periods[0];
  if (!first) throw new Error("tallyFromCounts needs at least one period");
  const index = indexRoster(roster.schools);
  // The keys the counts are read under, each with its schools; a school's and a counted area's own.
  const parts: ReadonlyMap<string, readonly School[]> = units ? new Map(units.map((node) => [nodeKey(node), node.schools])) : index.areas;
  const partOf = (area: string) => (units ? ([...parts.keys()].find((key) => area.startsWith(key)) ?? area) : area);
  const sumsByPart = new Map<string, Record<string, number>>();
  const tally = emptyTally(first.period.task, periods.map((p) => p.period));
  const exempt = new Map<School, SchoolCount>();
  const drowning = { reached: 0, total: 0 };
  const study = { attended: 0, expected: 0 };
  const missingByArea = new Map<string, number>();

  for (const { period, aggregate, exemptions } of periods) {
    // Abnormal reports are shown whatever the school's standing: the leaders must see them.
    for (const report of aggregate.abnormal) {
      const school = index.byCode.get(report.school);
      if (school) tally.abnormal.push({ school, report });
    }
    // Remarks, too, are shown whatever the school's standing.
    for (const report of aggregate.remarked) {
      const school = index.byCode.get(report.school);
      if (school) tally.remarks.push({ school, report });
    }
    for (const [area, counts] of aggregate.byArea) {
      if (!parts.has(area)) continue;
      tally.abnormalTotal += counts.abnormal;
      tally.remarkTotal += counts.remarked;
    }
    for (const { abnormal, report } of aggregate.resolved) {
      const school = index.byCode.get(report.school);
      if (school) tally.resolved.push({ school, abnormal, report });
    }
    if (!period.required) {
      countNotOwed(tally, whyNotRequired(period)!, roster.schools.length - listNotAssigned(roster.schools, period).length);
      continue;
    }
    if (isOpenAt(period, now)) tally.open = true;
    const settled = new Map<string, number>();
    const settle = (area: string, n: number) => settled.set(area, (settled.get(area) ?? 0) + n);
    const sumUp = (part: string, sums: Readonly<Record<string, number>>, sign: number) => {
      if (Object.keys(sums).length === 0) return;
      if (!sumsByPart.has(part)) sumsByPart.set(part, {});
      addSums(sumsByPart.get(part)!, sums, sign);
    };
    for (const [area, counts] of aggregate.byArea) {
      if (!parts.has(area)) continue;
      addReportCounts(tally, drowning, study, counts);
      settle(area, counts.reported);
      sumUp(area, counts.sums, 1);
    }
    // Schools that owe nothing (not on the roster yet) or are exempt: what their reports added is taken back out.
    const uncount = (school: School) => {
      settle(partOf(areaKey(school)), 1);
      const counted = aggregate.counted.get(school.code);
      const part = counted && partOf(counted.area);
      if (counted && part !== undefined && parts.has(part)) {
        addReportCounts(tally, drowning, study, counted.counts, -1);
        settle(part, -counted.counts.reported);
        sumUp(part, counted.counts.sums, -1);
      }
    };
    const notJoined = listNotJoined(index.joinedLate, period);
    for (const school of notJoined) {
      countNotOwed(tally, "not_joined", 1);
      uncount(school);
    }
    // Schools the task leaves out are no part of it: neither expected nor counted as owing nothing.
    const notAssigned = listNotAssigned(roster.schools, period);
    for (const school of notAssigned) uncount(school);
    const notOwed = new Set([...notJoined, ...notAssigned].map((school) => school.code));
    for (const [code, exemption] of exemptions) {
      const school = index.byCode.get(code);
      if (!school || notOwed.has(code)) continue;
      tally.exempt += 1;
      bumpSchool(exempt, school, exemption.reason);
      uncount(school);
    }
    for (const report of aggregate.onBehalf) {
      const school = index.byCode.get(report.school);
      if (school && !exemptions.has(report.school) && !notOwed.has(report.school)) tally.onBehalfReports.push({ school, report });
    }
    for (const [area, schools] of parts) {
      const missing = schools.length - (settled.get(area) ?? 0);
      tally.missing += missing;
      tally.expected += schools.length;
      if (missing > 0) missingByArea.set(area, (missingByArea.get(area) ?? 0) + missing);
    }
    tally.expected -= notJoined.length + notAssigned.length;
  }
  tally.expected -= tally.exempt;
  tally.missingByArea = units ? [] : nameMissing(index, periods, missingByArea, list);
  const sumsByArea = units
    ? []
    : [...index.areas.keys()].flatMap((key) => {
        const sums = nonZeroSums(sumsByPart.get(key));
        return sums ? [{ key, sums }] : [];
      });
  if (sumsByArea.length > 0) tally.sumsByArea = sumsByArea;
  tally.exemptByArea = groupListed(index, exempt);
  finishTally(tally, drowning, study);
  // Each period gave its first (代报: and as many more as it has exempt schools): the first of all.
  tally.onBehalfReports.splice(list.onBehalf ?? Number.POSITIVE_INFINITY);
  tally.abnormal.splice(list.abnormal ?? Number.POSITIVE_INFINITY);
  tally.remarks.splice(list.remarked ?? Number.POSITIVE_INFINITY);
  return tally;
}

/**
 * The schools whose reports the counts hold but a tally does not count: the exempt, and those
 * not on the roster when the period was due. Their reports are read to be taken back out.
 */
export function listUncounted(roster: Pick<Roster, "schools">, period: TaskPeriod, exemptions: ReadonlyMap<string, Exemption>): string[] {
  return [...exemptions.keys(), ...listNotOwed(roster.schools, period).map((school) => school.code)];
}

/**
 * Each area's missing schools in roster order with the periods each missed: walks the area only
 * until it has named `perArea` schools or found every missing school-period the counts hold,
 * and only its schools without a report in some period (unreportedIn): of a province's areas of
 * thousands, where nearly every school reported, the few before its first `perArea` missing.
 */
function nameMissing(
  index: RosterIndex,
  periods: readonly CountedPeriod[],
  missingByArea: ReadonlyMap<string, number>,
  list: ListOptions,
): AreaGroup[] {
  const required = periods.filter((p) => p.period.required);
  const groups: AreaGroup[] = [];
  for (const [area, schools] of index.areas) {
    const total = missingByArea.get(area) ?? 0;
    if (total === 0) continue;
    const limit = list.inFull?.includes(area) ? Number.POSITIVE_INFINITY : list.perArea;
    const entries: SchoolCount[] = [];
    let found = 0;
    // Naming none (the figures only) reads no school's number.
    if (limit > 0) {
      const numbers = required[0]!.aggregate.numbersOf(schools);
      unreportedIn(numbers, required, (i) => {
        const school = schools[i]!;
        let count = 0;
        for (const p of required) {
          if (!p.aggregate.isReportedAt(numbers[i]!) && !p.exemptions.has(school.code) && !whyNotOwed(p.period, school)) count += 1;
        }
        if (count > 0) {
          entries.push({ school, count });
          found += count;
        }
        return entries.length < limit && found < total;
      });
    }
    const group = { area: schools[0]!.area, key: area, entries };
    groups.push(found < total ? { ...group, total } : group);
  }
  return groups;
}

/** Schools whose numbers follow one another (SchoolPlaces.numbersOf): from `at` in the list, numbered from `first` (-1: without a number). */
interface NumberRun {
  at: number;
  first: number;
  length: number;
}

const numberRuns = new WeakMap<Int32Array, readonly NumberRun[]>();

/** The runs of a list's numbers, found once per list (numbersOf keeps its lists): an area numbered in roster order is one run. */
function runsOf(numbers: Int32Array): readonly NumberRun[] {
  let runs = numberRuns.get(numbers);
  if (runs) return runs;
  const found: NumberRun[] = [];
  for (let i = 0; i < numbers.length; i += 1) {
    const last = found[found.length - 1];
    const number = numbers[i]!;
    if (last && number >= 0 && last.first >= 0 && number === last.first + last.length) last.length += 1;
    else if (last && number < 0 && last.first < 0) last.length += 1;
    else found.push({ at: i, first: number, length: 1 });
  }
  numberRuns.set(numbers, (runs = found));
  return runs;
}

/**
 * Calls `visit` with the place in the list (in order) of each school that has no report in some
 * of the periods, until it answers false: a byte of the periods' reported bitmaps with every bit
 * set (eight schools that all reported) is passed over whole. A school without a number has none.
 */
function unreportedIn(numbers: Int32Array, periods: readonly CountedPeriod[], visit: (i: number) => boolean): void {
  for (const { at, first, length } of runsOf(numbers)) {
    if (first < 0) {
      for (let i = at; i < at + length; i += 1) if (!visit(i)) return;
      continue;
    }
    const last = first + length - 1;
    for (let byte = first >> 3; byte <= last >> 3; byte += 1) {
      let reported = 0xff;
      for (const { aggregate } of periods) reported &= aggregate.reportedByte(byte);
      // The run's bits of this byte (bit 0x80 >> k is number 8·byte + k), those not set in some period.
      const low = Math.max(first - byte * 8, 0);
      const high = Math.min(last - byte * 8, 7);
      let unset = ~reported & (0xff >> low) & (0xff << (7 - high)) & 0xff;
      while (unset !== 0) {
        const k = Math.clz32(unset) - 24;
        unset &= ~(0x80 >> k);
        if (!visit(at + byte * 8 + k - first)) return;
      }
    }
  }
}

/** Groups a few schools by area, areas and schools in roster order, without walking the roster. */
function groupListed(index: RosterIndex, entries: ReadonlyMap<School, SchoolCount>): AreaGroup[] {
  const areaOrder = [...index.areas.keys()];
  const sorted = [...entries.values()].sort((a, b) => index.position.get(a.school.code)! - index.position.get(b.school.code)!);
  const groups = new Map<string, AreaGroup>();
  for (const entry of sorted) {
    const key = areaKey(entry.school);
    if (!groups.has(key)) groups.set(key, { area: entry.school.area, key, entries: [] });
    groups.get(key)!.entries.push(entry);
  }
  return [...groups.entries()].sort(([a], [b]) => areaOrder.indexOf(a) - areaOrder.indexOf(b)).map(([, group]) => group);
}

import type { Roster } from "../config/roster.js";
import type { ExemptionStore } from "../store/exemptions.js";
import type { ReportStore } from "../store/reports.js";
import type { TaskPeriod } from "../time/task-calendar.js";
import type { Report } from "../store/report.js";
import type { TaskTally } from "./task-tally.js";
import { listUncounted, tallyFromCounts, type CountedPeriod } from "./tally-from-counts.js";
import type { ListOptions } from "./listing.js";
import { countKeys, summaryListing, summaryUnits, withNodeRows } from "./node-rows.js";
import type { RosterNode } from "../config/roster-tree.js";
import type { Config } from "../config/schema.js";
import { kindOf } from "../config/kinds.js";
import { sumCounters } from "../store/report-counts.js";

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
  // A node's part of the deployment reads only its own schools' reports (period-aggregate.ts),
  // counted first, so that it too reads each period's first only as far as the budget goes: a
  // county's week read 80 reports a period of 31, where it shows 80 in all.
  const { roster } = sources;
  const whole = roster.node === roster.root;
  const among = whole ? undefined : { among: (code: string) => roster.byCode(code) !== undefined };
  // The whole deployment reads every count (one small hash) unless it counts by its rows' nodes.
  const keys = whole && !units ? undefined : countKeys(roster, units);
  const counts = await sources.store.counts(
    periods.map((period) => {
      const sums = keys && sources.config && sumCounters(kindOf(sources.config, period.task)?.fields ?? {});
      return { task: period.task, period: period.id, ...(sums && { sums }) };
    }),
    keys?.areas,
    among && { ...among, schools: roster.schools },
  );
  const uncounted = periods.map((period, i) => listUncounted(sources.roster, period, counts[i]!.exemptions));
  let abnormalLeft = list.abnormal ?? Number.POSITIVE_INFINITY;
  let onBehalfLeft = list.onBehalf ?? Number.POSITIVE_INFINITY;
  let remarkedLeft = list.remarked ?? Number.POSITIVE_INFINITY;
  const reads = counts.map(({ listed }, i) => {
    const abnormal = Math.min(listed.abnormal, abnormalLeft);
    // Their 代报 are read and left out, so as many more are read.
    const onBehalf = Math.min(listed.onBehalf, onBehalfLeft + uncounted[i]!.length);
    const remarked = Math.min(listed.remarked, remarkedLeft);
    abnormalLeft -= abnormal;
    onBehalfLeft -= Math.min(listed.onBehalf, onBehalfLeft);
    remarkedLeft -= remarked;
    return { abnormal, onBehalf, remarked };
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
 * (summaryListing). Above a county, with a row per child node (node-rows.ts).
 */
export async function loadTally(sources: TallySources, periods: readonly TaskPeriod[], now?: Date, list?: ListOptions): Promise<TaskTally> {
  const listing = list ?? summaryListing(sources.roster);
  return tallyOfCounted(sources.roster, await loadCountedPeriods(sources, periods, listing, summaryUnits(sources.roster, listing)), now, listing);
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
 * The reports in force of the schools a period's counts mark as reported, for a reader that
 * shows each school (the board's rows, the roll-up's lines): one read of those, never the log.
 */
export function loadReported(sources: TallySources, { period, aggregate }: CountedPeriod): Promise<Map<string, Report>> {
  const { schools } = sources.roster;
  const numbers = aggregate.numbersOf(schools);
  const reported = schools.filter((_, i) => aggregate.isReportedAt(numbers[i]!)).map((school) => school.code);
  return sources.store.current(period.task, period.id, reported);
}

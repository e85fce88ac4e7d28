import type { Roster } from "../../config/roster.js";
import type { ExemptionStore } from "../../store/exemptions.js";
import type { ReportStore } from "../../store/reports.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { listNotJoined } from "../../time/owed.js";
import { indexRoster } from "./index-roster.js";
import type { PeriodInput, TaskTally } from "./compute-summary.js";
import { tallyFromCounts, type CountedPeriod, type ListOptions } from "./tally-from-counts.js";
import { ABNORMAL_SHOWN, ON_BEHALF_SHOWN, REMARKS_SHOWN } from "./format-summary.js";

/** Where a tally's data comes from. */
export interface TallySources {
  roster: Roster;
  store: ReportStore;
  exemptions: ExemptionStore;
}

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
 * Reads every report, exemption (and, for safety, each school's latest abnormal report) of each
 * period: the full recount, for the board, the weekly roll-up and the chart. 汇总, 未报,
 * reminders and tallies read the counts instead (loadTally).
 */
export function loadPeriodInputs(sources: TallySources, periods: readonly TaskPeriod[]): Promise<PeriodInput[]> {
  return Promise.all(
    periods.map(async (period) => {
      const [reports, exemptions, lastAbnormal] = await Promise.all([
        sources.store.list(period.task, period.id),
        sources.exemptions.list(period.task, period.id),
        period.task === "safety" ? sources.store.abnormal(period.task, period.id) : undefined,
      ]);
      return { period, reports, exemptions, ...(lastAbnormal && { lastAbnormal }) };
    }),
  );
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
): Promise<CountedPeriod[]> {
  const first = await Promise.all(
    periods.map((period) => Promise.all([sources.exemptions.list(period.task, period.id), sources.store.listedCounts(period.task, period.id)])),
  );
  const { joinedLate } = indexRoster(sources.roster.schools);
  // The schools whose reports do not count: the exempt, and those not on the roster when the period was due.
  const uncounted = periods.map((period, i) => [...first[i]![0].keys(), ...listNotJoined(joinedLate, period).map((school) => school.code)]);
  let abnormalLeft = list.abnormal ?? Number.POSITIVE_INFINITY;
  let onBehalfLeft = list.onBehalf ?? Number.POSITIVE_INFINITY;
  let remarkedLeft = list.remarked ?? Number.POSITIVE_INFINITY;
  const reads = first.map(([, listed], i) => {
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
      const [exemptions] = first[i]!;
      const aggregate = await sources.store.aggregate(period.task, period.id, uncounted[i], reads[i]);
      return { period, aggregate, exemptions };
    }),
  );
}

/** Tallies the periods from their counts; `list` says how many missing schools to name (defaultListing). */
export async function loadTally(sources: TallySources, periods: readonly TaskPeriod[], now?: Date, list?: ListOptions): Promise<TaskTally> {
  const listing = list ?? defaultListing(sources.roster);
  const counted = await loadCountedPeriods(sources, periods, listing);
  return tallyFromCounts({ roster: sources.roster, periods: counted, ...(now && { now }), list: listing });
}

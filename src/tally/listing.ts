import type { Roster } from "../config/roster.js";

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

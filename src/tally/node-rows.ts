import type { Roster } from "../config/roster.js";
import { nodeKey, type RosterNode } from "../config/roster-tree.js";
import { indexRoster } from "./index-roster.js";
import type { TaskTally } from "./task-tally.js";
import { NAME_NONE, defaultListing, type ListOptions } from "./listing.js";
import { tallyFromCounts, type CountedPeriod } from "./tally-from-counts.js";

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

import type { Config } from "../../config/schema.js";
import { EMPTY_NODE, areaLabel, type RosterNode } from "../../config/roster-tree.js";
import { leaderText } from "./leader-text.js";
import { reporterRoleOf } from "../../config/scope.js";
import type { TaskTally } from "../../tally/task-tally.js";
import { fitDoc, type DocLine } from "./fit-doc.js";
import { REPLY_BYTES } from "./format-summary.js";

/**
 * One task's part of the 未报 reply: the missing schools by area (each as a leader of `node` is
 * shown it, areaLabel), each with its reporters mentioned; with `areas`, the tally is of those
 * areas' schools and says so.
 */
export function formatMissingBlock(tally: TaskTally, config: Pick<Config, "timezone" | "tasks">, { areas = [], node = EMPTY_NODE }: { areas?: readonly string[]; node?: RosterNode } = {}): DocLine[] {
  const period = tally.periods[0];
  if (!period) return [];
  if (!period.required) return [leaderText.taskNotRequired(tally.taskName, period.reason)];
  if (tally.missing === 0) return [leaderText.allReported(tally.taskName, period, tally.expected, areas)];
  const role = reporterRoleOf(config, tally.task);
  const lines: DocLine[] = [
    leaderText.missingTitle(tally.taskName, period, config.timezone, tally.open),
    leaderText.missingCounts(tally.missing, tally.expected, tally.exempt, areas),
  ];
  for (const group of tally.missingByArea) {
    // A province's 未报 names an area's first schools and says how to list the area in full.
    const partial = group.total !== undefined;
    const label = areaLabel(node, group.key);
    lines.push(leaderText.missingArea(label, group.total ?? group.entries.length), {
      prefix: "",
      items: group.entries.map((e) => leaderText.missingSchool(e.school, role)),
      ...(partial && { total: group.total }),
      separator: "\n",
      more: partial ? (total, shown) => leaderText.andMoreInArea(total, shown, label, tally.periods[0]!.taskWord) : leaderText.andMoreLine,
    });
  }
  if (tally.open) lines.push(leaderText.open);
  return lines;
}

/**
 * The 未报 reply for one or more tasks (one period each), within the stream reply's byte limit;
 * `areas` when the tallies are of the areas a leader named, `node` the asker's (his areas' labels).
 */
export function formatMissing(
  tallies: readonly TaskTally[],
  config: Pick<Config, "timezone" | "tasks">,
  { limit = REPLY_BYTES, ...shown }: { areas?: readonly string[]; node?: RosterNode; limit?: number } = {},
): string {
  const doc: DocLine[] = [];
  for (const tally of tallies) {
    if (doc.length > 0) doc.push("");
    doc.push(...formatMissingBlock(tally, config, shown));
  }
  if (doc.length === 0) return leaderText.noRequiredTask;
  return fitDoc(doc, limit, leaderText.tooLong);
}

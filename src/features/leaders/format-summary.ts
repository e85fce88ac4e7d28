import type { Config } from "../../config/schema.js";
import { areaLabel, type RosterNode } from "../../config/roster-tree.js";
import { leaderText } from "./leader-text.js";
import { type AreaGroup, type TaskTally, ABNORMAL_SHOWN, ON_BEHALF_SHOWN, REMARKS_SHOWN } from "../../tally/task-tally.js";
import type { FirstTallies } from "../../tally/load-tally.js";
import { fitDocShowing, type DocLine, type FittedDoc, type ListLine } from "./fit-doc.js";
import { formatSums } from "./format-sums.js";

/** WeCom's limit for a stream reply's markdown, in UTF-8 bytes (wecom-protocol.md). */
export const REPLY_BYTES = 20480;

/** Characters of an incident's description that 汇总 and tallies show when there is room; the rest is in 历史. */
export const SUMMARY_TEXT_CHARS = 100;

export interface TaskBlockOptions {
  config: Pick<Config, "leaders" | "admins" | "timezone" | "tasks">;
  /** The reader's node (his, or his group's), below which 片区 are named (areaLabel). */
  node: RosterNode;
  /** Start with the task's name in bold (off when a header already names it). */
  heading?: boolean;
  /** Name the period in the heading even for a day (the tally push; 汇总 names the day once). */
  withPeriod?: boolean;
}

/**
 * Area lists of schools, each a shortenable line that collapses to `collapsed(area, count, unit)`.
 * A list that names only an area's first schools counts the rest in the tally's unit and, with
 * `pointer`, says how to list the area in full.
 */
function areaLists(
  groups: readonly AreaGroup[],
  node: RosterNode,
  several: boolean,
  collapsed: (area: string, count: number, unit: string) => string,
  pointer?: (area: string) => string,
): ListLine[] {
  return groups.map((group) => {
    const unit = group.total === undefined ? leaderText.unit(false) : leaderText.unit(several);
    const label = areaLabel(node, group.key);
    // One reason of every school of a whole list (a 片区's 免报) is said once, after the area.
    const [first, ...rest] = group.entries;
    const shared = group.total === undefined && rest.length > 0 && rest.every((e) => e.reason === first!.reason) ? first!.reason : undefined;
    return {
      prefix: leaderText.areaPrefix(label, shared),
      items: group.entries.map((e) => leaderText.listedSchool(e.school, e.count, several, shared === undefined ? e.reason : undefined)),
      ...(group.total !== undefined && { total: group.total }),
      separator: "、",
      more: (total: number) => leaderText.andMore(total, unit) + (group.total !== undefined && pointer ? pointer(label) : ""),
      collapsed: collapsed(label, group.total ?? group.entries.length, unit),
    };
  });
}

/**
 * One task's block of 汇总 and of the tally push: numbers first, then every abnormal report
 * (its first SUMMARY_TEXT_CHARS characters, the rest in 历史), the remarks of normal days, then
 * the missing schools by area and the exempt ones (above a county, a row per county or city instead). Short lines, no tables, so a phone shows it without scrolling sideways.
 * Typed texts and lists are shortenable (fitDoc); the counts never are.
 */
export function formatTaskBlock(tally: TaskTally, options: TaskBlockOptions): DocLine[] {
  const { config } = options;
  const timeZone = config.timezone;
  const several = tally.periods.length > 1;
  const unit = leaderText.unit(several);
  const lines: DocLine[] = [];
  const nothingDue = tally.expected === 0 && tally.exempt === 0;
  // A declared kind's count fields summed over the whole tally: its line, and whether its parts get theirs.
  const totalSums = formatSums(config, tally.task, tally.sums);
  if (options.heading === false) {
    if (nothingDue) lines.push(leaderText.notRequired(tally.notRequiredReason));
  } else if (nothingDue) {
    lines.push(leaderText.notRequiredHeading(tally.taskName, tally.notRequiredReason));
  } else {
    const heading = { taskName: tally.taskName, periods: tally.periods, timeZone, withPeriod: options.withPeriod ?? false, open: tally.open };
    lines.push(...leaderText.taskHeading(heading));
  }
  if (!nothingDue) {
    lines.push(leaderText.counts(tally.expected, tally.reported, unit));
    lines.push(leaderText.details(tally.onTime, tally.late, tally.onBehalf));
    lines.push(leaderText.gaps(tally, unit));
    if (tally.drowning && tally.reported > 0) lines.push(leaderText.drowning(tally.drowning.reached, tally.drowning.total));
    if (tally.study && tally.reported > 0) lines.push(leaderText.study(tally.study.attended, tally.study.expected));
    if (tally.reported > 0 && totalSums.length > 0) lines.push(leaderText.sums(totalSums));
  }
  if (tally.abnormalTotal > 0) {
    lines.push(leaderText.abnormalHeading(tally.abnormalTotal), {
      entries: tally.abnormal.slice(0, ABNORMAL_SHOWN).map(({ school, report }) => [
        leaderText.abnormalSchool(school, options.node),
        leaderText.abnormalWho(report, config, timeZone, several, school),
        { cap: SUMMARY_TEXT_CHARS, render: (chars: number) => leaderText.abnormalText(school, report, chars) },
      ]),
      total: tally.abnormalTotal,
      more: (hidden: number) => leaderText.abnormalMore(hidden, several),
    });
  }
  if (tally.resolved.length > 0) {
    lines.push(leaderText.resolvedHeading(tally.resolved.length));
    for (const { school, abnormal, report } of tally.resolved) {
      lines.push({ cap: SUMMARY_TEXT_CHARS, render: (chars) => leaderText.resolved(school, abnormal, report, timeZone, chars) });
    }
  }
  if (tally.remarkTotal > 0) {
    lines.push(leaderText.remarkHeading(tally.remarkTotal), {
      entries: tally.remarks.slice(0, REMARKS_SHOWN).map(({ school, report }) => [
        { cap: SUMMARY_TEXT_CHARS, render: (chars: number) => leaderText.remark(school, report, timeZone, several, chars) },
      ]),
      total: tally.remarkTotal,
      more: leaderText.remarkMore,
    });
  }
  if (tally.onBehalfReports.length > 0) {
    lines.push({
      prefix: leaderText.onBehalfPrefix,
      items: tally.onBehalfReports.slice(0, ON_BEHALF_SHOWN).map(({ school, report }) => leaderText.onBehalfItem(school, report, config, timeZone, several)),
      total: tally.onBehalf,
      separator: "、",
      more: leaderText.andMoreReports,
      collapsed: leaderText.onBehalfCollapsed(tally.onBehalf),
    });
  }
  // A declared kind's sums per 片区 (a county's) or per row (a city's, a province's), those with any.
  const parts = tally.rows ? tally.rows.map((row) => ({ name: row.name, sums: row.tally.sums })) : (tally.sumsByArea ?? []).map(({ key, sums }) => ({ name: areaLabel(options.node, key), sums }));
  const byPart = totalSums.length === 0 ? [] : parts.flatMap(({ name, sums }) => (sums ? [leaderText.sumsOfPart(name, formatSums(config, tally.task, sums, tally.sums))] : []));
  if (byPart.length > 0) {
    const heading = tally.rows ? leaderText.sumsByNodeHeading : leaderText.sumsByPartHeading;
    lines.push({ lines: [heading, ...byPart], folded: leaderText.sumsFolded(heading, byPart.length, tally.rows !== undefined) });
  }
  if (tally.rows && !nothingDue) {
    // A city's or a province's: a row per county or city, its schools left to their own leaders' 汇总.
    lines.push(leaderText.nodeRowsHeading, ...tally.rows.map((row) => leaderText.nodeRow(row.name, row.tally, unit)));
  } else if (tally.missing > 0) {
    const pointer = (area: string, count: number, unit: string) => leaderText.missingCollapsed(area, count, tally.periods[0]!.taskWord, unit);
    const areas = areaLists(tally.missingByArea, options.node, several, pointer, (area) => leaderText.listAreaPointer(area, tally.periods[0]!.taskWord));
    lines.push({ lines: [leaderText.missingHeading(tally.missing, unit), ...areas], folded: leaderText.missingFolded(tally.missing, unit, areas.length, tally.periods[0]!.taskWord) });
  }
  if (tally.exempt > 0 && !tally.rows) {
    lines.push(leaderText.exemptHeading(tally.exempt, unit), ...areaLists(tally.exemptByArea, options.node, several, leaderText.exemptCollapsed));
  }
  if (tally.open && tally.missing > 0) lines.push(leaderText.open);
  return lines;
}

/** What a 汇总 reply shows, as formatSummary takes it. */
export interface SummaryArgs {
  label: string;
  now: Date;
  tallies: readonly TaskTally[];
  config: Pick<Config, "leaders" | "admins" | "timezone" | "tasks">;
  /** The asker's node (TaskBlockOptions.node). */
  node: RosterNode;
  limit?: number;
  /** Shown after the tallies (the open incidents). */
  after?: DocLine;
}

/** The 汇总 reply: a title, then one block per task, within the stream reply's byte limit. */
export function formatSummary(args: SummaryArgs): string {
  return fitSummary(args).text;
}

function fitSummary(args: SummaryArgs): FittedDoc & { doc: readonly DocLine[] } {
  const { config } = args;
  const doc: DocLine[] = [leaderText.summaryTitle(args.label), leaderText.summaryAsOf(args.now, config.timezone)];
  if (args.tallies.length === 0) doc.push("", leaderText.noTasks);
  for (const tally of args.tallies) doc.push("", ...formatTaskBlock(tally, { config, node: args.node }));
  if (args.after) doc.push("", args.after);
  return { ...fitDocShowing(doc, args.limit ?? REPLY_BYTES, leaderText.tooLong), doc };
}

/** A kind's 代报 line that names fewer than its count (its reports read only to their first). */
function namesFewerOnBehalf(line: DocLine): line is ListLine {
  return typeof line !== "string" && "items" in line && line.prefix === leaderText.onBehalfPrefix && (line.total ?? line.items.length) > line.items.length;
}

/**
 * The 汇总 reply as formatSummary gives it for every kind's tally read in full, reading each
 * kind's abnormal reports and remarks only as far as the reply shows them: seven kinds' week at
 * a province's size shows a few of each (the rest counted, from the counts), where reading and
 * fitting the 50 a kind they once read was most of 汇总's time. It reads each kind's share first
 * (tallyKinds), and all of them only when the reply shows every one of those, so it says what
 * reading them all would.
 */
export async function formatSummaryReading(args: Omit<SummaryArgs, "tallies">, read: (first?: number) => Promise<FirstTallies>): Promise<string> {
  const first = await read();
  const fitted = fitSummary({ ...args, tallies: first.tallies });
  const abnormalAsAll = first.whole || fitted.entries < first.first;
  // Its 代报 read to their first (a province's), as all would show them only where each such
  // line is collapsed to its count by a reply too long at its shortest (fitDoc step 5, entries
  // counted): every line longer with all its 代报 is then collapsed alike, and the rest is the same.
  const onBehalfAsAll = first.onBehalfWhole || (Number.isFinite(fitted.entries) && fitted.doc.filter(namesFewerOnBehalf).every((line) => fitted.collapsed.has(line)));
  if (abnormalAsAll && onBehalfAsAll) return fitted.text;
  return fitSummary({ ...args, tallies: (await read(Number.POSITIVE_INFINITY)).tallies }).text;
}

import type { Config } from "../../config/schema.js";
import { areaKey, areaLabel, shownNode, type RosterNode } from "../../config/roster-tree.js";
import type { TaskTally } from "../../tally/task-tally.js";
import { renderDoc } from "../leaders/fit-doc.js";
import { formatTaskBlock } from "../leaders/format-summary.js";
import type { PushLine, PushMessage } from "../../message/push.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { scheduleText } from "./tally-text.js";
import type { SchoolWeek, WeeklyRollup } from "./compute-weekly.js";
import { ESCALATE_AT } from "./compute-weekly.js";

/**
 * The weekly roll-up as one markdown push (the pipeline splits it on line boundaries): the
 * county's numbers per task, the schools that missed anything (those at two or more misses
 * first, to chase), then every school's line by area (a city's or province's: its numbers per
 * task with a row per county or city, no school), and last one line per note for the admin.
 */
export function formatWeekly(args: {
  rollup: WeeklyRollup;
  week: string;
  start: string;
  end: string;
  asOf: Date;
  /** Weekly periods whose deadline is still ahead: named, not counted. */
  open?: readonly TaskPeriod[];
  config: Pick<Config, "leaders" | "admins" | "timezone" | "tasks">;
  /** The node of the group it goes to, below which its 片区 are named (areaLabel). */
  node: RosterNode;
  /** Lines for the admin, e.g. a holiday notice to import. */
  adminNotes?: readonly string[];
}): PushMessage {
  const { rollup, config } = args;
  const text = scheduleText;
  const lines: string[] = [text.nodeHeading(shownNode(args.node).level)];
  for (const tally of rollup.tasks) lines.push(renderDoc(formatTaskBlock(tally, { config, node: args.node })), "");
  for (const period of args.open ?? []) lines.push(text.openWeek(period, config.timezone), "");
  // A city's or province's rows said it all: each county's schools are in its own roll-up.
  if (rollup.byRows) return messageOf(args, lines);
  if (rollup.missedTwice.length > 0) {
    lines.push(text.escalateHeading(rollup.missedTwice.length));
    for (const week of rollup.missedTwice) lines.push(missedLine(week));
    lines.push("");
  }
  const missedOnce = rollup.missedAny.filter((week) => week.missed < ESCALATE_AT);
  if (rollup.missedAny.length === 0) lines.push(text.noneMissed, "");
  else if (missedOnce.length > 0) {
    lines.push(text.missedOnceHeading(missedOnce.length));
    for (const week of missedOnce) lines.push(missedLine(week));
    lines.push("");
  }
  lines.push(text.schoolsHeading);
  let area = "";
  for (const week of rollup.schools) {
    // By key: two counties' 城关片区, one after the other in the roster, are two headings that read apart.
    if (areaKey(week.school) !== area) {
      area = areaKey(week.school);
      lines.push(text.areaHeading(areaLabel(args.node, area)));
    }
    lines.push(text.schoolLine(week.school, parts(week), week.missed >= ESCALATE_AT));
  }
  return messageOf(args, lines);
}

function messageOf(args: Parameters<typeof formatWeekly>[0], lines: string[]): PushMessage {
  const { config } = args;
  const text = scheduleText;
  if (args.adminNotes?.length) lines.push("", ...args.adminNotes.map(text.adminNote));
  return {
    msgtype: "markdown",
    header: text.weeklyTitle(args.week, args.start, args.end, args.asOf, config.timezone),
    lines: lines.flatMap((line) => line.split("\n")).map((line): PushLine => ({ text: line })),
  };
}

function missedLine(week: SchoolWeek): string {
  const detail = Object.values(week.tasks)
    .filter((t): t is TaskTally => t !== undefined && t.missing > 0)
    .map((t) => scheduleText.missedDetail(t.taskName, t.missing))
    .join("，");
  return scheduleText.missedSchool(week.school, week.missed, detail);
}

/** The school's numbers per task; a task nobody owes this week (out of season) is left out. */
function parts(week: SchoolWeek): string[] {
  return Object.values(week.tasks)
    .filter((t): t is TaskTally => t !== undefined && (t.expected > 0 || t.exempt > 0))
    .map((t) => {
      if (t.expected === 0) return scheduleText.exemptPart(t.taskName);
      if (t.task === "safety") return scheduleText.safetyPart(t.reported, t.expected);
      if (t.task === "drowning") return scheduleText.drowningPart(t.drowning?.reached ?? 0, t.drowning?.total ?? 0, t.reported, t.expected);
      if (t.task === "study") return scheduleText.studyPart(t.study?.attended ?? 0, t.study?.expected ?? 0, t.reported);
      return scheduleText.kindPart(t.taskName, t.reported, t.expected, t.periods[0]?.kind === "day");
    });
}

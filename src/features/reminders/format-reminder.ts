import type { ReportKind } from "../../config/kinds.js";
import type { PushLine, PushMessage } from "../../message/push.js";
import type { School } from "../../config/roster.js";
import { areaLabel, type RosterNode } from "../../config/roster-tree.js";
import { isPastDeadline } from "../../time/periods.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { leaderText } from "../leaders/leader-text.js";
import { reportersAt } from "../../config/scope.js";
import { groupByArea, type SchoolCount } from "../../tally/task-tally.js";

/**
 * The reminder to one group: the task and period, the deadline, the missing schools by area
 * with one line per school that @-mentions exactly that school's reporters, and the command to
 * send. A text message, so that the mentions are real notifications; when it is split, every
 * part repeats the header and carries only the mentions of its own lines. Every line names the
 * schools it is about (`subjects`), so that at delivery the schools that reported meanwhile,
 * and areas left empty, drop out (Push.recheck); nothing in it counts them.
 */
export function formatReminder(args: {
  period: TaskPeriod;
  /** The period's kind: what its reporters send. */
  kind: Pick<ReportKind, "reader" | "words" | "examples" | "fields">;
  /** The role that reports the kind (reporterRoleOf): its people are @-mentioned, not the 上报人. */
  role?: string | undefined;
  /** The group's missing schools, in roster order. */
  schools: readonly School[];
  botName: string;
  /** The group's node, below which its 片区 are named (areaLabel). */
  node: RosterNode;
  timeZone: string;
  /** When it is written: after the deadline it says so. */
  now: Date;
}): PushMessage {
  const { period, schools, botName, timeZone } = args;
  const counts = new Map<School, SchoolCount>(schools.map((school) => [school, { school, count: 1 }]));
  const all = schools.map((school) => school.code);
  const lines: PushLine[] = [{ text: leaderText.reminderIntro(period, timeZone, isPastDeadline(period, args.now)), subjects: all }];
  for (const group of groupByArea(schools, counts)) {
    lines.push({ text: leaderText.reminderArea(areaLabel(args.node, group.key)), subjects: group.entries.map((e) => e.school.code) });
    for (const { school } of group.entries) {
      lines.push({ text: leaderText.reminderSchool(school, args.role), mentions: reportersAt(school, args.role), subjects: [school.code] });
    }
  }
  for (const text of leaderText.reminderCommand(args.kind, botName, args.role)) lines.push({ text, subjects: all });
  return { msgtype: "text", header: leaderText.reminderHeader(period.taskName, period), lines };
}

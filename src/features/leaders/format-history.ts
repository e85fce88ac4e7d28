import { kindOf } from "../../config/kinds.js";
import type { Config } from "../../config/schema.js";
import type { School } from "../../config/roster.js";
import type { RosterNode } from "../../config/roster-tree.js";
import type { ExemptionEvent } from "../../store/exemptions.js";
import type { ReportEvent } from "../../store/report.js";
import { leaderText } from "./leader-text.js";
import { reportText } from "../check-in/report-text.js";
import { fitDoc, type DocLine } from "./fit-doc.js";
import { REPLY_BYTES } from "./format-summary.js";

/** A replaced or withdrawn report inside a later entry: its first words. */
const PREVIOUS_CHARS = 30;

/**
 * The 历史 reply: a school's reports and every change to them (reports, corrections,
 * withdrawals, 代报 with who entered it, exemptions granted and revoked), newest first, with
 * who and when.
 */
export function formatHistory(args: {
  school: School;
  reports: readonly ReportEvent[];
  exemptions: readonly ExemptionEvent[];
  config: Pick<Config, "leaders" | "admins" | "timezone" | "tasks">;
  /** The reader's node, below which the school's 片区 is named (areaLabel). */
  node: RosterNode;
  /** At most this many entries. */
  limit?: number;
  /** Entries of other kinds (incident steps), each with its time and line. */
  more?: readonly { at: string; line: string }[];
}): string {
  const { school, config } = args;
  const timeZone = config.timezone;
  const taskName = (task: ReportEvent["task"]) => config.tasks[task]?.name ?? task;
  const entries: { at: string; line: string }[] = [
    ...args.reports.map((event) => {
      const report = event.report;
      return {
        at: event.at,
        line: leaderText.historyReport(event.type, {
          at: event.at,
          who: leaderText.person(event.by, config, school),
          onBehalf: report?.onBehalf === true,
          task: taskName(event.task),
          period: event.period,
          ...(report && { value: reportText.value(report.value, { fields: kindOf(config, event.task)?.fields, made: { at: report.at, timeZone } }), late: report.late }),
          // The replaced report is an entry of its own further down: its first words suffice here.
          ...(event.previous && { previous: reportText.value(event.previous.value, { chars: PREVIOUS_CHARS, fields: kindOf(config, event.task)?.fields, made: { at: event.previous.at, timeZone } }) }),
          timeZone,
        }),
      };
    }),
    ...args.exemptions.map((event) => ({
      at: event.at,
      line: leaderText.historyExempt({
        type: event.type,
        at: event.at,
        who: leaderText.person(event.by, config, school),
        task: taskName(event.task),
        start: event.start,
        end: event.end,
        count: event.type === "revoke" ? event.changed.length : event.periods.length,
        ...(event.reason && { reason: event.reason }),
        timeZone,
      }),
    })),
    ...(args.more ?? []),
  ];
  // Stable: entries of the same instant keep their newest-first order from the stores.
  entries.sort((a, b) => b.at.localeCompare(a.at));
  const shown = entries.slice(0, args.limit ?? 30);
  const doc: DocLine[] = [leaderText.historyTitle(school, args.node)];
  if (shown.length === 0) doc.push(leaderText.historyEmpty);
  doc.push(...shown.map((e) => e.line));
  return fitDoc(doc, REPLY_BYTES, leaderText.tooLong);
}

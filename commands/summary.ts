import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { wordsAround } from "../src/text/words.js";
import { takePartWords } from "../src/features/leaders/find-area.js";
import { findNode, formatNodePath, type RosterNode } from "../src/config/roster-tree.js";
import type { Roster } from "../src/config/roster.js";
import type { TaskId } from "../src/config/schema.js";
import { takeTaskWords } from "../src/features/leaders/parse-task-list.js";
import { toLocalDate, yearIfOther, type LocalDate } from "../src/time/local-time.js";
import { formatSummaryReading } from "../src/features/leaders/format-summary.js";
import { tallyKinds } from "../src/tally/load-tally.js";
import { readDateSpan, type DateSpan } from "../src/features/leaders/read-date-span.js";
import { leaderText } from "../src/features/leaders/leader-text.js";
import { formatOpenIncidents, listOpenIncidents } from "../src/features/incidents/list-incident-steps.js";

export default defineCommand({
  id: "summary",
  aliases: ["汇总", "统计"],
  roles: ["leader", "admin"],
  services: ["config", "roster", "calendar", "store", "exemptions", "incidents"],
  summary: "上报汇总：各任务应报、已报、迟报、未报和比率，异常全文，未报学校按片区列出",
  examples: ["汇总", "汇总 昨天", "汇总 11-20", "汇总 本周", "汇总 本周 学习", "汇总 东部片区"],
  // `today` is the day the words were read on: run answers for that day, even past midnight.
  parse(input, ctx): { span: DateSpan; today: LocalDate; tasks?: TaskId[]; part?: { node: RosterNode; label: string } } {
    const today = toLocalDate(ctx.now, ctx.config.timezone);
    // 昨天汇总 and 汇总 昨天 ask the same; a task named anywhere (汇总 晨检) narrows it to that task,
    // a county or 片区 of the asker's (汇总 平安县) to its schools; one outside his node is refused.
    const quote = input.around.quote;
    const { tasks, rest } = takeTaskWords(wordsAround(input), ctx, quote);
    // The words left keep their places (the others blanked): what is not understood is quoted as typed, whole.
    const { part, rest: left } = takePartWords(rest, ctx.roster, { quote, today });
    const narrowed = { today, ...(tasks && { tasks }), ...(part && { part }) };
    const text = left.trim();
    if (text === "") return { span: { start: today, end: today, kind: "day" }, ...narrowed };
    // 汇总 asks about what happened: 11-20 said in June is last November's.
    const read = readDateSpan(text, today, "past", quote);
    // 汇总 昨天 东部: the words after a date are what was not understood, not the date.
    const unread = read ? text.slice(read.length).trim() : text;
    if (unread !== "") {
      const end = left.trimEnd().length;
      throw new CodedError(ErrorCode.Usage, leaderText.summaryArgs(input.around.original(end - unread.length, end)));
    }
    const { span } = read!;
    if (span.start > today) throw new CodedError(ErrorCode.Usage, leaderText.futureDate(span.start));
    // A week or range is tallied up to today: the days to come owe nothing yet.
    return { span: { ...span, end: span.end > today ? today : span.end }, ...narrowed };
  },
  async run({ span, today, tasks: asked, part }, whole) {
    const ctx = part ? { ...whole, roster: rosterOfPart(whole.roster, part.node) } : whole;
    const tasks = asked ?? ctx.calendar.tasks;
    // Every kind's counts are read in one round trip, each kind tallied from its part; open
    // incidents are of now, whatever day was asked about: shown with today's 汇总, read beside the counts.
    const periodsOf = tasks.map((task) => ctx.calendar.list(task, span.start, span.end)).filter((periods) => periods.length > 0);
    const [tallies, open] = await Promise.all([
      tallyKinds(ctx, periodsOf, ctx.now),
      span.end === today ? listOpenIncidents(ctx.incidents, ctx.roster, ctx.now, ctx.config, (task) => tasks.includes(task)) : undefined,
    ]);
    // The header names what was asked: 昨天, 上周, 11月20日; a date of another year with its year (2025年11月27日).
    const named =
      span.kind === "day"
        ? leaderText.dayLabel(span.start, span.word)
        : span.kind === "week" || span.kind === "month"
          ? leaderText.weekLabel(span.word ?? "本周", span.start, span.end)
          : leaderText.rangeLabel(span.start, span.end);
    const dated = span.word === undefined ? yearIfOther(span.start, today, named) : named;
    const label = part ? leaderText.summaryOfPart(part.label, dated) : dated;
    return formatSummaryReading({ label, now: ctx.now, config: ctx.config, node: ctx.roster.node, ...(open && { after: formatOpenIncidents(open) }) }, tallies);
  },
});

/**
 * The roster a 汇总 of a part reads: a county's (city's) own, read as its leader reads his; a
 * 片区's schools within its county's, so that it is named and listed as a county's 片区 is.
 */
function rosterOfPart(roster: Roster, node: RosterNode): Roster {
  if (node.level !== "area") return roster.within(node);
  const county = roster.within(findNode(roster.root, formatNodePath({ path: node.path.slice(0, -1) })) ?? roster.root);
  // Its reports and incidents are read by code: only the 片区's own.
  const byCode = (code: string) => {
    const school = county.byCode(code);
    return school && node.schools.includes(school) ? school : undefined;
  };
  return { ...county, schools: node.schools, byCode };
}

import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { splitWords, wordsAround } from "../src/text/words.js";
import { readOwnNode } from "../src/features/leaders/find-area.js";
import type { TaskId } from "../src/config/schema.js";
import { takeTaskWords } from "../src/features/leaders/parse-task-list.js";
import { toLocalDate, yearIfOther } from "../src/time/local-time.js";
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
  examples: ["汇总", "汇总 昨天", "汇总 11-20", "汇总 本周", "汇总 本周 学习"],
  parse(input, ctx): { span: DateSpan; tasks?: TaskId[] } {
    const today = toLocalDate(ctx.now, ctx.config.timezone);
    // 昨天汇总 and 汇总 昨天 ask the same; a task named anywhere (汇总 晨检) narrows it to that task.
    const { tasks, rest: text } = takeTaskWords(wordsAround(input), ctx);
    if (text === "") return { span: { start: today, end: today, kind: "day" }, ...(tasks && { tasks }) };
    // 汇总 asks about what happened: 11-20 said in June is last November's.
    const read = readDateSpan(text, today, "past");
    if (!read || text.slice(read.length).trim() !== "") {
      // 汇总 安宁县 to 平安县's leader names a county that is not his: said so, not that it is no date.
      const words = splitWords(text);
      words.forEach((_, at) => readOwnNode(ctx.roster, words, at));
      throw new CodedError(ErrorCode.Usage, leaderText.summaryArgs(text));
    }
    const { span } = read;
    if (span.start > today) throw new CodedError(ErrorCode.Usage, leaderText.futureDate(span.start));
    // A week or range is tallied up to today: the days to come owe nothing yet.
    return { span: { ...span, end: span.end > today ? today : span.end }, ...(tasks && { tasks }) };
  },
  async run({ span, tasks: asked }, ctx) {
    const tasks = asked ?? ctx.calendar.tasks;
    // Every kind's counts are read in one round trip, each kind tallied from its part; open
    // incidents are of now, whatever day was asked about: shown with today's 汇总, read beside the counts.
    const periodsOf = tasks.map((task) => ctx.calendar.list(task, span.start, span.end)).filter((periods) => periods.length > 0);
    const today = toLocalDate(ctx.now, ctx.config.timezone);
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
    const label = span.word === undefined ? yearIfOther(span.start, today, named) : named;
    return formatSummaryReading({ label, now: ctx.now, config: ctx.config, node: ctx.roster.node, ...(open && { after: formatOpenIncidents(open) }) }, tallies);
  },
});

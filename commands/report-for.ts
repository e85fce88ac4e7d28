import { defineCommand, type CommandContext, type CommandSpec, type ServiceName } from "../src/bot/command.js";
import { formatExamples } from "../src/bot/help.js";
import { toLocalDate } from "../src/time/local-time.js";
import { CodedError, ErrorCode, hasCode } from "../src/errors.js";
import { readWord, skipSeparators } from "../src/text/words.js";
import type { School } from "../src/config/roster.js";
import { findSchool } from "../src/features/leaders/find-school.js";
import { leaderText } from "../src/features/leaders/leader-text.js";
import { isQuestion } from "../src/features/check-in/read-report.js";

/** What 代报 is given, and so what a reporting command it hands a message to may use. */
const SERVICES = ["config", "roster", "calendar", "moments", "store", "records", "exemptions", "commands"] as const satisfies readonly ServiceName[];
type OnBehalf = (typeof SERVICES)[number];

/** Whether 代报 can hand a message to the command: one that reports on a task and needs nothing 代报 lacks. */
const canEnter = (spec: CommandSpec): spec is CommandSpec<unknown, OnBehalf> =>
  spec.task !== undefined && spec.services.every((name) => (SERVICES as readonly ServiceName[]).includes(name));

/** The context the reporting command runs in: as if the school's reporter sent it, marked 代报. */
const onBehalfOf = (ctx: CommandContext<OnBehalf>, school: School): CommandContext<OnBehalf> => ({ ...ctx, schools: [school], onBehalf: true });

export default defineCommand({
  id: "report-for",
  aliases: ["代报"],
  roles: ["leader", "admin"],
  services: SERVICES,
  summary: "替打电话报告的学校录入上报（平安、异常和每一项任务），记为代报并记录录入人",
  examples: ["代报 城关一小 平安", "代报 东湖小学 异常 一名学生放学途中摔伤，已送医", "代报 白沙学校 学习 50/52"],
  parse({ folded, original, before, originalBefore }, ctx): { school: School; spec: CommandSpec<unknown, OnBehalf>; args: unknown } {
    // 县一中代报平安 names the school before the keyword; 代报 县一中 平安 after it.
    const first = before === "" ? readWord(folded, 0) : undefined;
    const word = first?.word ?? before;
    if (!word) throw new CodedError(ErrorCode.Usage, leaderText.reportForSchool);
    const school = findSchool(ctx.roster, word, first ? original(first.start, first.end) : originalBefore());
    const at = first ? skipSeparators(folded, first.end) : 0;
    const rest = folded.slice(at);
    // Only the reporting commands (those that report on a task) can be entered for a school.
    const match = ctx.commands.match(
      { folded: rest, original: (start = 0, end = rest.length) => original(at + start, at + end), typed: original(at) },
      { ignore: ctx.roster.identifiers, allowed: canEnter },
    );
    const spec = match?.spec;
    if (!match || !spec || !canEnter(spec)) throw new CodedError(ErrorCode.Usage, leaderText.reportForWhat(school));
    try {
      return { school, spec, args: spec.parse(match.input, onBehalfOf(ctx, school)) };
    } catch (error) {
      // The examples to follow are the reporting command's, in the 代报 form, for this school.
      if (hasCode(error, ErrorCode.Usage) && !error.details.examples) {
        throw new CodedError(ErrorCode.Usage, error.message, { examples: formatExamples(spec, { onBehalfOf: school, today: toLocalDate(ctx.now, ctx.config.timezone) }) });
      }
      throw error;
    }
  },
  async run({ school, spec, args }, ctx) {
    const reply = await spec.run(args, onBehalfOf(ctx, school));
    // A question records nothing: there is no entry to sign.
    return isQuestion(args) ? reply : `${reply}\n${leaderText.onBehalfNote(ctx.sender.name, school)}`;
  },
});

import { defineCommand, type CommandContext, type CommandSpec } from "../src/bot/command.js";
import { UsageError } from "../src/errors.js";
import { readWord, skipSeparators } from "../src/bot/words.js";
import type { School } from "../src/config/roster.js";
import { leaderText } from "../src/features/leaders/leader-text.js";
/** The context the reporting command runs in: as if the school's reporter sent it, marked 代报. */
const onBehalfOf = (ctx: CommandContext, school: School): CommandContext => ({ ...ctx, schools: [school], onBehalf: true });

export default defineCommand({
  id: "report-for",
  aliases: ["代报"],
  roles: ["leader", "admin"],
  summary: "替打电话报告的学校录入上报（平安、异常、防溺水、学习），记为代报并记录录入人",
  examples: ["代报 城关一小 平安", "代报 东湖小学 异常 一名学生放学途中摔伤，已送医", "代报 白沙学校 学习 50/52"],
  parse({ folded, original }, ctx): { school: School; spec: CommandSpec; args: unknown } {
    const first = readWord(folded, 0);
    if (!first) throw new UsageError(leaderText.reportForSchool);
    const school = ctx.roster.find(first.word);
    if (!school) throw new UsageError(leaderText.unknownSchool(first.word));
    const at = skipSeparators(folded, first.end);
    const rest = folded.slice(at);
    const match = ctx.commands.match({ folded: rest, original: (start = 0, end = rest.length) => original(at + start, at + end) });
    // Only the reporting commands (those that report on a task) can be entered for a school.
    if (!match?.spec.task) throw new UsageError(leaderText.reportForWhat(school));
    return { school, spec: match.spec, args: match.spec.parse(match.input, onBehalfOf(ctx, school)) };
  },
  async run({ school, spec, args }, ctx) {
    const reply = await spec.run(args, onBehalfOf(ctx, school));
    return `${reply}\n${leaderText.onBehalfNote(ctx.sender.name, school)}`;
  },
});

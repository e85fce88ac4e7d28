import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { blankSpan, findTaskWord, wordsAround } from "../src/text/words.js";
import { enabledKindWords, kindOf, taskWordsOf } from "../src/config/kinds.js";
import { reporterRoleOf } from "../src/config/scope.js";
import { buildWithdrawalAlerts } from "../src/features/check-in/abnormal-alerts.js";
import { currentPeriod, recordAgainstLatest } from "../src/features/check-in/check-in.js";
import { blankSchoolNames, readQuestion, readReportPeriod, reportingAs, resolveSchool } from "../src/features/check-in/kind-readers.js";
import { reportText } from "../src/features/check-in/report-text.js";
import { answerQuestion } from "../src/features/check-in/answer-question.js";
import { asksAboutReporting, isQuestion } from "../src/features/check-in/read-report.js";

export default defineCommand({
  id: "withdraw",
  aliases: ["撤销", "撤消", "撤回", "取消"],
  roles: ["reporter"],
  services: ["config", "roster", "calendar", "moments", "store", "records", "exemptions"],
  summary: "撤销本校本期的某项上报（之后需重新上报）；写上日期撤销补报期内之前某期的",
  examples: ["撤销 平安", "撤销 防溺水", "撤销 学习 城关一小", "撤销 平安 昨天"],
  parse(input, ctx) {
    const text = wordsAround(input);
    // 平安 inside 平安县东湖镇中心小学 names no task.
    const found = findTaskWord(taskWordsOf(ctx.config), blankSchoolNames(text, ctx.roster));
    if (!found) throw new CodedError(ErrorCode.Usage, reportText.withdrawWhich(enabledKindWords(ctx.config)));
    // 要撤销平安吗: asked, never withdrawn.
    if (asksAboutReporting(input.before, input.folded)) return readQuestion(ctx, text, `撤销 ${text.slice(found.start, found.end)}`);
    // A role's kind is withdrawn by the role's people, as it is reported (reportingAs).
    const kind = kindOf(ctx.config, found.task);
    // The task word blanked, not cut: the rest keeps its places, and what it refuses is quoted as typed.
    const quote = input.around.quote;
    const { school, rest } = resolveSchool(kind ? reportingAs(ctx, kind, reporterRoleOf(ctx.config, kind.id)) : ctx, blankSpan(text, found.start, found.end), quote);
    // 撤销 平安 昨天: a date names an earlier period, within the days a report may be made up for, as a report's does.
    const { period, words } = readReportPeriod(ctx, found.task, rest, { figureLabels: [], quote });
    const unknown = /\S*\d\S*/u.exec(words);
    if (unknown) throw new CodedError(ErrorCode.Usage, reportText.unknownWord(quote(unknown[0], unknown.index)));
    return { task: found.task, school, ...(period && { period }) };
  },
  async run(args, ctx) {
    if (isQuestion(args)) return answerQuestion(ctx, args);
    const { task, school } = args;
    const period = args.period ?? currentPeriod(ctx, task);
    const kind = kindOf(ctx.config, task);
    // An earlier period is reported again with its date (平安 11-23).
    const again = args.period && `${kind?.words[0] ?? period.taskName} ${period.start.slice(5)}`;
    const withdrawal = { task, period: period.id, school: school.code, by: ctx.sender.userid, at: ctx.now.toISOString(), msgid: ctx.msgid, raw: ctx.raw };
    // As in checkIn: the reply and the leaders' update are committed with the withdrawal.
    const tried = await recordAgainstLatest(ctx.msgid, await ctx.store.get(task, period.id, school.code), async (previous) => {
      if (!previous) return { reply: reportText.nothingToWithdraw(school, period), recorded: { outcome: "nothing" } };
      const reply = reportText.withdrawn(school, period, previous, { timeZone: ctx.config.timezone, now: ctx.now, fields: kind?.fields, again });
      const pushes = buildWithdrawalAlerts({ config: ctx.config, roster: ctx.roster, school, withdrawn: previous, by: ctx.sender.userid, at: ctx.now, msgid: ctx.msgid });
      return { reply, recorded: await ctx.records.withdraw(withdrawal, { expected: previous, reply, pushes }) };
    });
    return tried.recorded.outcome === "nothing" ? reportText.nothingToWithdraw(school, period) : tried.reply;
  },
});

import { defineCommand } from "../src/bot/command.js";
import { textAround, wordsAround } from "../src/bot/words.js";
import { answerCardTap } from "../src/features/check-in/card-tap.js";
import { checkIn, readReportPeriod, replyVoice } from "../src/features/check-in/check-in.js";
import { answerQuestion, readQuestion } from "../src/features/check-in/answer-question.js";
import { asksAboutReporting, isQuestion, readSafety } from "../src/features/check-in/read-report.js";
import { resolveSchool } from "../src/features/check-in/resolve-school.js";

export default defineCommand({
  id: "safety",
  task: "safety",
  // The ways principals say nothing happened; 无异常 and 没有异常 are whole keywords, never 异常.
  aliases: [
    "平安",
    "报平安",
    "零报告",
    "安全零报告",
    "平安日报",
    "一切正常",
    "一切安好",
    "无异常",
    "没有异常",
    "没异常",
    "未见异常",
    "未发现异常",
    "无任何异常",
    "无事故",
    "无安全事故",
    "未发生事故",
    "未发生安全事故",
    // 今日无事, 安全无事; 无事故 is the longer keyword where both start.
    "无事",
    "今日正常",
    "今天正常",
    "情况正常",
    "一切如常",
  ],
  // 安全 alone is 平安; inside a message it is everyday (安全教育已完成).
  firstWords: ["安全"],
  // 正常, 今天正常上课: 平安 unless another command is named (体温正常，学习 50/52).
  lastResort: ["正常"],
  roles: ["reporter"],
  services: ["config", "roster", "calendar", "store", "records"],
  summary: "报今日平安（无异常），可附在校学生数",
  examples: ["平安", "平安 在校1200", "平安 城关一小"],
  parse(input, ctx) {
    if (asksAboutReporting(input.before, input.folded)) return readQuestion(ctx, wordsAround(input), "平安");
    const text = textAround(input);
    const { school, rest } = resolveSchool(ctx, text.folded);
    const { period, words } = readReportPeriod(ctx, "safety", rest);
    const remarkChars = ctx.config.limits.description_chars;
    return { school, period, ...readSafety({ before: input.before, words, school, voice: replyVoice(ctx, school), typed: text.original, remarkChars }) };
  },
  async run(args, ctx) {
    return isQuestion(args) ? answerQuestion(ctx, args) : checkIn(ctx, args.school, args.value, args.notes, { period: args.period });
  },
  // 今日平安 on the check-in card (reminders, 帮助, 状态) is this command in one tap.
  tap: answerCardTap,
});

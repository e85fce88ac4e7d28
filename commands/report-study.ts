import { defineCommand } from "../src/bot/command.js";
import { wordsAround } from "../src/bot/words.js";
import { checkIn, readReportPeriod, replyVoice } from "../src/features/check-in/check-in.js";
import { answerQuestion, readQuestion } from "../src/features/check-in/answer-question.js";
import { asksAboutReporting, isQuestion, readStudy, readStudyTopic } from "../src/features/check-in/read-report.js";
import { resolveSchool } from "../src/features/check-in/resolve-school.js";

export default defineCommand({
  id: "study",
  task: "study",
  aliases: ["学习", "周学习", "政治学习"],
  roles: ["reporter"],
  services: ["config", "roster", "calendar", "store", "records"],
  summary: "报本周教职工政治学习：实到/应到，可附请假人数和主题",
  examples: ["学习 50/52", "学习 应到52 实到50 请假2 主题:学习党的二十届四中全会精神", "学习 实到50"],
  parse(input, ctx) {
    // The topic is free text: a question in it (主题：如何做好防溺水？) is no question to us.
    const { topic, words } = readStudyTopic(input);
    const text = wordsAround({ before: input.before, folded: words });
    if (asksAboutReporting(input.before, words)) return readQuestion(ctx, text, "学习 实到/应到");
    const { school, rest } = resolveSchool(ctx, text);
    const { period, words: figures } = readReportPeriod(ctx, "study", rest);
    return { school, period, ...readStudy({ words: figures, ...(topic && { topic }), school, voice: replyVoice(ctx, school) }) };
  },
  async run(args, ctx) {
    return isQuestion(args) ? answerQuestion(ctx, args) : checkIn(ctx, args.school, args.value, args.notes, { period: args.period });
  },
});

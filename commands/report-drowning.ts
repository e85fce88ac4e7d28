import { defineCommand } from "../src/bot/command.js";
import { wordsAround } from "../src/bot/words.js";
import { checkIn, readReportPeriod, replyVoice } from "../src/features/check-in/check-in.js";
import { answerQuestion, readQuestion } from "../src/features/check-in/answer-question.js";
import { asksAboutReporting, isQuestion, readDrowning } from "../src/features/check-in/read-report.js";
import { resolveSchool } from "../src/features/check-in/resolve-school.js";

export default defineCommand({
  id: "drowning",
  task: "drowning",
  aliases: ["防溺水", "防溺水提醒", "溺水"],
  roles: ["reporter"],
  services: ["config", "roster", "calendar", "store", "records"],
  summary: "报防溺水家长提醒：已提醒人数/应提醒人数，可附方式（电话 短信 家访 告家长书 家长会 微信）",
  examples: ["防溺水 1180/1200 电话", "防溺水 已提醒1180 共1200", "防溺水 完成"],
  parse(input, ctx) {
    if (asksAboutReporting(input.before, input.folded)) return readQuestion(ctx, wordsAround(input), "防溺水 已提醒人数/应提醒人数");
    const { school, rest } = resolveSchool(ctx, wordsAround(input));
    const { period, words } = readReportPeriod(ctx, "drowning", rest);
    return { school, period, ...readDrowning({ words, school, voice: replyVoice(ctx, school) }) };
  },
  async run(args, ctx) {
    return isQuestion(args) ? answerQuestion(ctx, args) : checkIn(ctx, args.school, args.value, args.notes, { period: args.period });
  },
});

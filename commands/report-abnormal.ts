import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { kindOf } from "../src/config/kinds.js";
import { readWord, skipSeparators, wordsAround } from "../src/text/words.js";
import { checkIn, replyVoice } from "../src/features/check-in/check-in.js";
import { answerQuestion } from "../src/features/check-in/answer-question.js";
import { asksAboutAbnormal, isQuestion, readAbnormal } from "../src/features/check-in/read-report.js";
import { readQuestion, resolveSchool } from "../src/features/check-in/kind-readers.js";
import { reportText } from "../src/features/check-in/report-text.js";

export default defineCommand({
  id: "abnormal",
  task: "safety",
  aliases: ["异常", "有异常"],
  roles: ["reporter"],
  services: ["config", "roster", "calendar", "moments", "store", "records", "exemptions"],
  summary: "报告异常情况（会立即通知局领导），写明发生了什么",
  examples: ["异常 一名学生课间摔伤，已送医，无生命危险", "异常 城关一小 校门口积水，已安排人员值守"],
  parse(input, ctx) {
    const { folded, original, before, whole } = input;
    if (asksAboutAbnormal(before, folded)) return readQuestion(ctx, wordsAround({ before, folded }), "异常 具体情况");
    // Only the words before the keyword, or else the first word after it, may name the school,
    // so a description that mentions a school stays whole.
    const first = before === "" ? readWord(folded, 0) : undefined;
    const named = first && ctx.roster.find(first.word) ? first : undefined;
    const { school, rest } = resolveSchool(ctx, named ? named.word : before, input.around.quote);
    const at = skipSeparators(folded, named?.end ?? 0);
    const description = readAbnormal({ before: rest, after: original(at), afterFolded: folded.slice(at), whole, voice: replyVoice(ctx, school) });
    const chars = [...description].length;
    const limit = ctx.config.limits.description_chars;
    if (chars > limit) throw new CodedError(ErrorCode.Usage, reportText.descriptionTooLong(chars, limit));
    return { school, description };
  },
  async run(args, ctx) {
    if (isQuestion(args)) return answerQuestion(ctx, args);
    const { school, description } = args;
    const value = { task: "safety" as const, status: "abnormal" as const, description };
    return `${await checkIn(ctx, school, value, kindOf(ctx.config, "safety")!)}\n${reportText.abnormalNote(replyVoice(ctx, school))}`;
  },
});

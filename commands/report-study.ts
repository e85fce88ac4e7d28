import { defineCommand } from "../src/bot/command.js";
import { wordsAround } from "../src/bot/words.js";
import { checkIn, replyVoice } from "../src/features/check-in/check-in.js";
import { readStudy, readStudyTopic } from "../src/features/check-in/read-report.js";
import { resolveSchool } from "../src/features/check-in/resolve-school.js";

export default defineCommand({
  id: "study",
  task: "study",
  aliases: ["学习", "周学习", "政治学习"],
  roles: ["reporter"],
  summary: "报本周教职工政治学习：实到/应到，可附请假人数和主题",
  examples: ["学习 50/52", "学习 应到52 实到50 请假2 主题:学习党的二十届四中全会精神", "学习 实到50"],
  parse(input, ctx) {
    const { topic, words } = readStudyTopic(input);
    const { school, rest } = resolveSchool(ctx, wordsAround({ before: input.before, folded: words }));
    return { school, ...readStudy({ words: rest, ...(topic && { topic }), school, voice: replyVoice(ctx, school) }) };
  },
  // checkIn keeps the reply with the report, by msgid, in the same script call.
  keepsItsAnswer: true,
  async run({ school, value, notes }, ctx) {
    return checkIn(ctx, school, value, notes);
  },
});

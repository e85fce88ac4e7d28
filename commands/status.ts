import { defineCommand } from "../src/bot/command.js";
import { splitWords, wordsAround } from "../src/text/words.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { commandCheckInCard } from "../src/features/check-in/check-in-card.js";
import { resolveSchool } from "../src/features/check-in/kind-readers.js";
import { reportText } from "../src/features/check-in/report-text.js";
import { describeStatus } from "../src/features/check-in/school-status.js";
import type { School } from "../src/config/roster.js";
import { schoolsSeenBy } from "../src/config/scope.js";

export default defineCommand({
  id: "status",
  aliases: ["状态", "本校状态", "本校情况", "上报情况"],
  // 本校 and 查询 are everyday words: 本校今日平安 is a report, not a question.
  firstWords: ["本校", "查询"],
  roles: ["reporter"],
  services: ["config", "roster", "calendar", "store"],
  summary: "查看本校本期每项任务的上报情况",
  examples: ["状态", "本校 城关一小"],
  parse(input, sender) {
    const text = wordsAround(input);
    // A 校医 who is no 上报人 sees his role's schools too.
    const ctx = { ...sender, schools: schoolsSeenBy(sender.roster, sender.sender.userid) };
    // A reporter of several schools who names none sees all of them.
    if (splitWords(text).length === 0 && ctx.schools.length > 1) return { schools: ctx.schools };
    // The rest keeps its places in the words (the name blanked, not cut): what it refuses is quoted as typed.
    const quote = input.around.quote;
    const { school, rest } = resolveSchool(ctx, text, quote);
    const unknown = /\S*\d\S*/u.exec(rest);
    if (unknown) throw new CodedError(ErrorCode.Usage, reportText.unknownWord(quote(unknown[0], unknown.index)));
    return { schools: [school] as readonly School[] };
  },
  run: ({ schools }, ctx) => describeStatus(ctx, schools),
  // Below the status, today's check-in buttons: a missing 平安 is one tap away.
  card: commandCheckInCard,
});

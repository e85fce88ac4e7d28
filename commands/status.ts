import { defineCommand } from "../src/bot/command.js";
import { blankSpan, readWords, splitWords, wordsAround, type QuoteTyped } from "../src/text/words.js";
import { readDateSpan } from "../src/features/leaders/read-date-span.js";
import { toLocalDate, type LocalDate } from "../src/time/local-time.js";
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
  services: ["config", "roster", "calendar", "store", "exemptions"],
  summary: "查看本校本期每项任务的上报情况；写上日期看那一天所在各期的",
  examples: ["状态", "本校 城关一小", "状态 昨天"],
  parse(input, sender) {
    const quote = input.around.quote;
    // 状态 昨天: a day named anywhere; the words keep their places (it blanked, not cut), and what is refused is quoted as typed.
    const { day, rest: text } = takeDay(wordsAround(input), toLocalDate(sender.now, sender.config.timezone), quote);
    const dated = day === undefined ? {} : { day };
    // A 校医 who is no 上报人 sees his role's schools too.
    const ctx = { ...sender, schools: schoolsSeenBy(sender.roster, sender.sender.userid) };
    // A reporter of several schools who names none sees all of them.
    if (splitWords(text).length === 0 && ctx.schools.length > 1) return { schools: ctx.schools, ...dated };
    const { school, rest } = resolveSchool(ctx, text, quote);
    const unknown = /\S*\d\S*/u.exec(rest);
    if (unknown) throw new CodedError(ErrorCode.Usage, reportText.unknownWord(quote(unknown[0], unknown.index)));
    return { schools: [school] as readonly School[], ...dated };
  },
  run: ({ schools, day }, ctx) => describeStatus(ctx, schools, day),
  // Below the status, today's check-in buttons: a missing 平安 is one tap away.
  card: commandCheckInCard,
});

/** A day the words name anywhere (昨天, 11-20, 上周五), and the words with it blanked; a week, a range or a day to come is refused. */
function takeDay(text: string, today: LocalDate, quote: QuoteTyped): { day?: LocalDate; rest: string } {
  for (const { start } of readWords(text)) {
    const read = readDateSpan(text.slice(start), today, "past", quote);
    if (!read) continue;
    if (read.span.kind !== "day") throw new CodedError(ErrorCode.Usage, reportText.statusByDay(quote(text.slice(start, start + read.length).trim(), start)));
    if (read.span.start > today) throw new CodedError(ErrorCode.Usage, reportText.statusAhead(read.span.start));
    return { day: read.span.start, rest: blankSpan(text, start, start + read.length) };
  }
  return { rest: text };
}

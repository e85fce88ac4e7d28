import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { diffDays, toLocalDate } from "../src/time/local-time.js";
import type { TaskId } from "../src/config/schema.js";
import { readDateSpan, type DateSpan } from "../src/features/leaders/read-date-span.js";
import { parseTaskWord, readWord, skipSeparators } from "../src/text/words.js";
import { enabledKindWords, taskWordsOf } from "../src/config/kinds.js";
import type { School } from "../src/config/roster.js";
import { findSchool } from "../src/features/leaders/find-school.js";
import { leaderText } from "../src/features/leaders/leader-text.js";

/** The longest range one message may exempt. */
const MAX_DAYS = 366;

interface ExemptArgs {
  revoke: boolean;
  school: School;
  task: TaskId;
  span: DateSpan;
  /** The asker's today: a date of another year is shown with its year. */
  today: string;
  reason?: string;
}

export default defineCommand({
  id: "exempt",
  aliases: ["免报"],
  roles: ["leader", "admin"],
  services: ["config", "roster", "calendar", "exemptions", "store"],
  summary: "某校某段时间某项任务免报（停课、考点等）：不催报、不计未报，汇总中列为免报；“免报 撤销 …”取消",
  examples: ["免报 城关一小 平安 11-25至11-27 中考考点", "免报 白沙学校 学习 本周 停电检修", "免报 撤销 城关一小 平安 11-26"],
  parse(input, ctx): ExemptArgs {
    const { folded, original } = input;
    const quote = input.quote;
    let at = 0;
    const head = readWord(folded, 0);
    const revoke = head?.word === "撤销" || head?.word === "取消";
    if (revoke) at = head!.end;
    const schoolWord = readWord(folded, at);
    if (!schoolWord) throw new CodedError(ErrorCode.Usage, leaderText.exemptUsage);
    const school = findSchool(ctx.roster, schoolWord.word, quote(schoolWord.word, schoolWord.start));
    const taskWord = readWord(folded, schoolWord.end);
    const task = taskWord && parseTaskWord(taskWordsOf(ctx.config), taskWord.word);
    if (!task) throw new CodedError(ErrorCode.Usage, leaderText.exemptWhichTask(taskWord && quote(taskWord.word, taskWord.start), enabledKindWords(ctx.config)));
    if (!ctx.calendar.tasks.includes(task)) throw new CodedError(ErrorCode.TaskDisabled, leaderText.taskOff(quote(taskWord.word, taskWord.start)));
    const dateAt = skipSeparators(folded, taskWord.end);
    const today = toLocalDate(ctx.now, ctx.config.timezone);
    const read = readDateSpan(folded.slice(dateAt), today, "nearest", quote);
    if (!read) throw new CodedError(ErrorCode.Usage, leaderText.exemptWhen);
    const days = diffDays(read.span.start, read.span.end) + 1;
    if (days > MAX_DAYS) throw new CodedError(ErrorCode.Usage, leaderText.exemptTooLong(days, MAX_DAYS));
    const reason = original(skipSeparators(folded, dateAt + read.length))
      .replace(/^原因\s*[:：]?\s*/u, "")
      .trim();
    const chars = [...reason].length;
    if (chars > ctx.config.limits.description_chars) {
      throw new CodedError(ErrorCode.Usage, leaderText.exemptReasonTooLong(chars, ctx.config.limits.description_chars));
    }
    return { revoke, school, task, span: read.span, today, ...(reason && !revoke && { reason }) };
  },
  async run({ revoke, school, task, span, today, reason }, ctx) {
    const periods = ctx.calendar.list(task, span.start, span.end);
    const taskName = ctx.calendar.taskName(task);
    const request = {
      school: school.code,
      task,
      start: span.start,
      end: span.end,
      by: ctx.sender.userid,
      at: ctx.now.toISOString(),
      msgid: ctx.msgid,
      raw: ctx.raw,
    };
    if (revoke) {
      const { removed } = await ctx.exemptions.revoke({ ...request, periods: periods.map((p) => p.id) });
      if (removed.length === 0) return leaderText.revokeNothing(school, taskName, span.start, span.end, today);
      return leaderText.revoked(school, taskName, periods.filter((p) => removed.includes(p.id)), today);
    }
    // Only periods the school owes: an exemption where nothing is due would be noise in the ledger.
    const due = periods.filter((p) => p.required);
    if (due.length === 0) return leaderText.exemptNothingRequired(school, taskName, span.start, span.end, today);
    // A period the school has reported in counts as exempt from now on: the leader is told which.
    const reports = await Promise.all(due.map((p) => ctx.store.get(task, p.id, school.code)));
    const reported = due.filter((_, i) => reports[i] !== undefined);
    const { renewed } = await ctx.exemptions.exempt({ ...request, periods: due.map((p) => p.id), ...(reason && { reason }) });
    return leaderText.exempted({ school, taskName, periods: due, renewed: renewed.length, reported, today, ...(reason && { reason }) });
  },
});

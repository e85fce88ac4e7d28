import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { diffDays, toLocalDate } from "../src/time/local-time.js";
import type { TaskId } from "../src/config/schema.js";
import { readDateSpan, type DateSpan } from "../src/features/leaders/read-date-span.js";
import { parseTaskWord, readWord, readWords, skipSeparators, type QuoteTyped, type Word } from "../src/text/words.js";
import { enabledKindWords, taskWordsOf } from "../src/config/kinds.js";
import { isAssigned, type Roster, type School } from "../src/config/roster.js";
import { findArea, readOwnNode } from "../src/features/leaders/find-area.js";
import { findSchool } from "../src/features/leaders/find-school.js";
import { leaderText } from "../src/features/leaders/leader-text.js";

/** The longest range one message may exempt. */
const MAX_DAYS = 366;

/** What a 免报 names: one school, or the schools of a 片区 (or a county of a city's leader), with how he named it. */
type Named = { school: School } | { area: string; schools: readonly School[] };

interface ExemptArgs {
  revoke: boolean;
  named: Named;
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
  summary: "某校（或某片区各校）某段时间某项任务免报（停课、考点等）：不催报、不计未报，汇总中列为免报；“免报 撤销 …”取消",
  examples: ["免报 城关一小 平安 11-25至11-27 中考考点", "免报 白沙学校 学习 本周 停电检修", "免报 东部片区 平安 今天 暴雪停课", "免报 撤销 城关一小 平安 11-26"],
  parse(input, ctx): ExemptArgs {
    const { folded, original } = input;
    const quote = input.quote;
    const words = readWords(folded);
    const revoke = words[0]?.word === "撤销" || words[0]?.word === "取消";
    const at = revoke ? 1 : 0;
    if (words[at] === undefined) throw new CodedError(ErrorCode.Usage, leaderText.exemptUsage);
    const { named, end } = readNamed(ctx.roster, words, at, quote);
    const taskWord = readWord(folded, end);
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
    return { revoke, named, task, span: read.span, today, ...(reason && !revoke && { reason }) };
  },
  async run({ revoke, named, task, span, today, reason }, ctx) {
    const periods = ctx.calendar.list(task, span.start, span.end);
    const taskName = ctx.calendar.taskName(task);
    const schools = "school" in named ? [named.school] : named.schools;
    const whom = "school" in named ? leaderText.schoolName(named.school) : leaderText.exemptAreaWhom(named.area);
    // Each school applies the message once (a repeat, or the rest of a 片区 after a fault, changes nothing twice).
    const request = (school: School) => ({ school: school.code, task, start: span.start, end: span.end, by: ctx.sender.userid, at: ctx.now.toISOString(), msgid: ctx.msgid, raw: ctx.raw });
    if (revoke) {
      const ids = periods.map((p) => p.id);
      const lifted = await Promise.all(schools.map(async (school) => (await ctx.exemptions.revoke({ ...request(school), periods: ids })).removed));
      const removed = periods.filter((p) => lifted.some((its) => its.includes(p.id)));
      if (removed.length === 0) return leaderText.revokeNothing(whom, taskName, span.start, span.end, today);
      const count = lifted.filter((its) => its.length > 0).length;
      return leaderText.revoked("school" in named ? named : { area: named.area, count }, taskName, removed, today);
    }
    // Only periods a school owes: an exemption where nothing is due would be noise in the ledger.
    const owing = schools.map((school) => ({ school, due: periods.filter((p) => p.required && isAssigned(p, school)) })).filter(({ due }) => due.length > 0);
    if (owing.length === 0) return leaderText.exemptNothingRequired(whom, taskName, span.start, span.end, today);
    const due = periods.filter((p) => owing.some((one) => one.due.includes(p)));
    // A period a school has reported in counts as exempt from now on: the leader is told which.
    const reports = await Promise.all(due.map((p) => ctx.store.current(task, p.id, owing.map(({ school }) => school.code))));
    const applied = await Promise.all(
      owing.map(({ school, due: its }) => ctx.exemptions.exempt({ ...request(school), periods: its.map((p) => p.id), ...(reason && { reason }) })),
    );
    if ("school" in named) {
      const reported = due.filter((_, i) => reports[i]!.has(named.school.code));
      return leaderText.exempted({ school: named.school, taskName, periods: due, renewed: applied[0]!.renewed.length, reported, today, ...(reason && { reason }) });
    }
    return leaderText.exemptedArea({
      area: named.area,
      schools: owing.map(({ school }) => school),
      apart: schools.length - owing.length,
      taskName,
      periods: due,
      renewed: applied.some(({ renewed }) => renewed.length > 0),
      reported: owing.map(({ school }) => school).filter((school) => reports.some((found) => found.has(school.code))),
      today,
      ...(reason && { reason }),
    });
  },
});

/**
 * The school or 片区 a 免报 names at `words[index]`: a 片区 (or a county below a city's leader) by
 * its whole name or path first (东部片区, 平安县/城关片区), or the asker's whole node (平安县 to its
 * leader, though its schools' names hold it); else a school by its name or a part only it has
 * (findSchool); else, when no school's name has the word, a 片区 by the start of its name (东部).
 * A node outside his is refused as not his.
 */
function readNamed(roster: Roster, words: readonly Word[], index: number, quote: QuoteTyped): { named: Named; end: number } {
  const word = words[index]!;
  const through = (count: number) => words[index + count - 1]!.end;
  const area = findArea(roster, words, index, { exactOnly: true, quote });
  if (area) return { named: { area: area.area.label, schools: area.node.schools }, end: through(area.words) };
  const own = readOwnNode(roster, words, index, quote);
  if (own !== undefined) return { named: { area: roster.node.name, schools: roster.node.schools }, end: through(own) };
  const start = roster.search(word.word).length === 0 ? findArea(roster, words, index, { quote }) : undefined;
  if (start) return { named: { area: start.area.label, schools: start.node.schools }, end: through(start.words) };
  return { named: { school: findSchool(roster, word.word, quote(word.word, word.start)) }, end: word.end };
}

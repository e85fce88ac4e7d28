import { addDays, diffDays, getIsoWeek, getWeekStart, isValidLocalDate, type LocalDate } from "../../time/local-time.js";
import { CodedError, ErrorCode, hasCode } from "../../errors.js";
import { leaderText } from "./leader-text.js";
import { monthOf } from "../../time/periods.js";
import { quoteAsFolded, type QuoteTyped } from "../../text/words.js";

/** Local dates a leader named, both included. */
export interface DateSpan {
  start: LocalDate;
  end: LocalDate;
  /** `day` for one date, `week` for 本周 / 上周 / 下周, `month` for 本月 / 上月, `range` for `a 至 b`. */
  kind: "day" | "week" | "month" | "range";
  /** The word the leader named it by (昨天, 上周, 本月, 上周五), for answers that say what was asked. */
  word?: string;
}

const WORD_OFFSETS: Record<string, number> = {
  今天: 0, 今日: 0, 昨天: -1, 昨日: -1, 前天: -2, 明天: 1, 明日: 1, 后天: 2,
};
const WEEK_OFFSETS: Record<string, number> = { 本周: 0, 这周: 0, 上周: -1, 下周: 1 };

const MONTH_OFFSETS: Record<string, number> = { 本月: 0, 这个月: 0, 这月: 0, 上月: -1, 上个月: -1, 下月: 1, 下个月: 1 };
const WEEKDAYS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7 };

const WORD = /^(今天|今日|昨天|昨日|前天|明天|明日|后天|本周|这周|上周|下周|本月|这个月|这月|上个月|上月|下个月|下月)/u;
/** 周五, 上周五, 本周三, 星期五, 上星期五, 礼拜五 (before the week words: 上周五 is no 上周). */
const WEEKDAY = /^(本|这|上|下)?(?:周|星期|礼拜)([一二三四五六日天1-7])/u;
const FULL = /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?/u;
const MONTH_DAY = /^(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?/u;
const RANGE_SEPARATOR = /^\s*(至|到|~|—|–)\s*/u;

/** The ISO week (Monday…Sunday) holding `date`, moved by `weeks`. */
export function weekOf(date: LocalDate, weeks: number): { start: LocalDate; end: LocalDate } {
  const start = addDays(getWeekStart(getIsoWeek(date)), weeks * 7);
  return { start, end: addDays(start, 6) };
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * A weekday named by a word: of the week named (上周五), else of this week under the `nearest`
 * rule and the latest one not after today under `past` (汇总 周五 on a Tuesday: last Friday).
 */
function weekdayOf(prefix: string | undefined, weekday: number, today: LocalDate, rule: YearRule): LocalDate {
  const offset = prefix === "上" ? -1 : prefix === "下" ? 1 : 0;
  const date = addDays(weekOf(today, offset).start, weekday - 1);
  return prefix === undefined && rule === "past" && date > today ? addDays(date, -7) : date;
}

/** How a date without a year is placed: nearest to today, or leaning to the past. */
export type YearRule = "nearest" | "past";

/** Under the `past` rule, a date further ahead than this is taken as last year's. */
const PAST_RULE_DAYS_AHEAD = 31;

/**
 * `M-D` in the year that puts it nearest to today (12-28 said on 01-05 is last December's).
 * Questions about what happened (汇总) use the `past` rule: a date more than a month ahead is
 * last year's (11-20 said in June), while one a few days ahead is still this year's, so that
 * the answer can say it has not come yet.
 */
function placeYear(month: number, day: number, today: LocalDate, typed: () => string, rule: YearRule): LocalDate {
  const year = Number(today.slice(0, 4));
  const candidates = [year - 1, year, year + 1]
    .map((y) => `${y}-${pad(month)}-${pad(day)}`)
    .filter(isValidLocalDate);
  if (candidates.length === 0) throw new CodedError(ErrorCode.Usage, leaderText.badDate(typed()));
  const nearest = candidates.reduce((best, d) => (Math.abs(diffDays(today, d)) < Math.abs(diffDays(today, best)) ? d : best));
  if (rule === "nearest" || diffDays(today, nearest) <= PAST_RULE_DAYS_AHEAD) return nearest;
  return candidates.filter((d) => d <= today).at(-1) ?? nearest;
}

/** One date or week word at the start of `text`. */
function readOne(text: string, today: LocalDate, rule: YearRule, quote: QuoteTyped): { span: DateSpan; length: number } | undefined {
  const weekday = WEEKDAY.exec(text);
  if (weekday) {
    const date = weekdayOf(weekday[1], WEEKDAYS[weekday[2]!]!, today, rule);
    return { span: { start: date, end: date, kind: "day", word: weekday[0] }, length: weekday[0].length };
  }
  const word = WORD.exec(text);
  if (word) {
    const w = word[1]!;
    if (w in WEEK_OFFSETS) return { span: { ...weekOf(today, WEEK_OFFSETS[w]!), kind: "week", word: w }, length: w.length };
    if (w in MONTH_OFFSETS) return { span: { ...monthOf(today, MONTH_OFFSETS[w]!), kind: "month", word: w }, length: w.length };
    const date = addDays(today, WORD_OFFSETS[w]!);
    return { span: { start: date, end: date, kind: "day", word: w }, length: w.length };
  }
  const full = FULL.exec(text);
  if (full) {
    const date = `${full[1]}-${pad(Number(full[2]))}-${pad(Number(full[3]))}`;
    if (!isValidLocalDate(date)) throw new CodedError(ErrorCode.Usage, leaderText.badDate(quote(full[0].trim())));
    return { span: { start: date, end: date, kind: "day" }, length: full[0].length };
  }
  const md = MONTH_DAY.exec(text);
  if (md) {
    const date = placeYear(Number(md[1]), Number(md[2]), today, () => quote(md[0].trim()), rule);
    return { span: { start: date, end: date, kind: "day" }, length: md[0].length };
  }
  return undefined;
}

/**
 * Reads a date, a week or month word or a range at the start of `text` (folded): `今天` `昨天`
 * `前天` `明天` `后天`, `本周` `上周` `下周`, `本月` `上月` `下月`, a weekday (`周五`, `上周五`,
 * `星期三`, see weekdayOf), `2026-11-20`, `2026年11月20日`, `11-20`, `11月20日`, `11.20`, and
 * `a 至 b` / `a~b` / `a到b` of any two of them. A date without a year is placed by `rule`
 * (see placeYear). Returns undefined when `text` does not start with a date; throws a
 * Usage error for a date that does not exist or a range that ends before it starts, quoting
 * what was typed (`quote`, given the words of `text`).
 */
export function readDateSpan(
  text: string,
  today: LocalDate,
  rule: YearRule,
  quote: QuoteTyped,
): { span: DateSpan; length: number } | undefined {
  const first = readOne(text, today, rule, quote);
  if (!first) return undefined;
  const separator = RANGE_SEPARATOR.exec(text.slice(first.length));
  if (!separator) return first;
  const secondAt = first.length + separator[0].length;
  const second = readOne(text.slice(secondAt), today, rule, quote);
  if (!second) throw new CodedError(ErrorCode.Usage, leaderText.rangeEnd(quote(text.slice(0, secondAt).trim())));
  const span: DateSpan = { start: first.span.start, end: second.span.end, kind: "range" };
  if (span.end < span.start) throw new CodedError(ErrorCode.Usage, leaderText.rangeBackwards(span.start, span.end));
  return { span, length: secondAt + second.length };
}

/** Whether a word is a date, one that exists or not (昨天, 11-20, 2-30): read whole as one. */
export function namesADate(word: string, today: string): boolean {
  try {
    // Whether it is one is all that is asked: the refusal it would make is never shown.
    return readDateSpan(word, today, "nearest", quoteAsFolded)?.length === word.length;
  } catch (error) {
    if (hasCode(error, ErrorCode.Usage)) return true;
    throw error;
  }
}

import { addDays, diffDays, getIsoWeek, getWeekStart, isValidLocalDate, type LocalDate } from "../../time/local-time.js";
import { UsageError } from "../../errors.js";
import { leaderText } from "./leader-text.js";

/** Local dates a leader named, both included. */
export interface DateSpan {
  start: LocalDate;
  end: LocalDate;
  /** `day` for one date, `week` for 本周 / 上周 / 下周, `range` for `a 至 b`. */
  kind: "day" | "week" | "range";
  /** The word the leader named it by (昨天, 上周), for answers that say what was asked. */
  word?: string;
}

const WORD_OFFSETS: Record<string, number> = {
  今天: 0, 今日: 0, 昨天: -1, 昨日: -1, 前天: -2, 明天: 1, 明日: 1, 后天: 2,
};
const WEEK_OFFSETS: Record<string, number> = { 本周: 0, 这周: 0, 上周: -1, 下周: 1 };

const WORD = /^(今天|今日|昨天|昨日|前天|明天|明日|后天|本周|这周|上周|下周)/u;
const FULL = /^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?/u;
const MONTH_DAY = /^(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?/u;
const RANGE_SEPARATOR = /^\s*(至|到|~|—|–)\s*/u;

/** The ISO week (Monday…Sunday) holding `date`, moved by `weeks`. */
function weekOf(date: LocalDate, weeks: number): { start: LocalDate; end: LocalDate } {
  const start = addDays(getWeekStart(getIsoWeek(date)), weeks * 7);
  return { start, end: addDays(start, 6) };
}

const pad = (n: number) => String(n).padStart(2, "0");

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
function placeYear(month: number, day: number, today: LocalDate, typed: string, rule: YearRule): LocalDate {
  const year = Number(today.slice(0, 4));
  const candidates = [year - 1, year, year + 1]
    .map((y) => `${y}-${pad(month)}-${pad(day)}`)
    .filter(isValidLocalDate);
  if (candidates.length === 0) throw new UsageError(leaderText.badDate(typed));
  const nearest = candidates.reduce((best, d) => (Math.abs(diffDays(today, d)) < Math.abs(diffDays(today, best)) ? d : best));
  if (rule === "nearest" || diffDays(today, nearest) <= PAST_RULE_DAYS_AHEAD) return nearest;
  return candidates.filter((d) => d <= today).at(-1) ?? nearest;
}

/** One date or week word at the start of `text`. */
function readOne(text: string, today: LocalDate, rule: YearRule): { span: DateSpan; length: number } | undefined {
  const word = WORD.exec(text);
  if (word) {
    const w = word[1]!;
    if (w in WEEK_OFFSETS) return { span: { ...weekOf(today, WEEK_OFFSETS[w]!), kind: "week", word: w }, length: w.length };
    const date = addDays(today, WORD_OFFSETS[w]!);
    return { span: { start: date, end: date, kind: "day", word: w }, length: w.length };
  }
  const full = FULL.exec(text);
  if (full) {
    const date = `${full[1]}-${pad(Number(full[2]))}-${pad(Number(full[3]))}`;
    if (!isValidLocalDate(date)) throw new UsageError(leaderText.badDate(full[0].trim()));
    return { span: { start: date, end: date, kind: "day" }, length: full[0].length };
  }
  const md = MONTH_DAY.exec(text);
  if (md) {
    const date = placeYear(Number(md[1]), Number(md[2]), today, md[0].trim(), rule);
    return { span: { start: date, end: date, kind: "day" }, length: md[0].length };
  }
  return undefined;
}

/**
 * Reads a date, a week word or a range at the start of `text` (folded): `今天` `昨天` `前天`
 * `明天` `后天`, `本周` `上周` `下周`, `2026-11-20`, `2026年11月20日`, `11-20`, `11月20日`, `11.20`,
 * and `a 至 b` / `a~b` / `a到b` of any two of them. A date without a year is placed by `rule`
 * (see placeYear). Returns undefined when `text` does not start with a date; throws a
 * UsageError for a date that does not exist or a range that ends before it starts.
 */
export function readDateSpan(
  text: string,
  today: LocalDate,
  rule: YearRule = "nearest",
): { span: DateSpan; length: number } | undefined {
  const first = readOne(text, today, rule);
  if (!first) return undefined;
  const separator = RANGE_SEPARATOR.exec(text.slice(first.length));
  if (!separator) return first;
  const secondAt = first.length + separator[0].length;
  const second = readOne(text.slice(secondAt), today, rule);
  if (!second) throw new UsageError(leaderText.rangeEnd(text.slice(0, secondAt).trim()));
  const span: DateSpan = { start: first.span.start, end: second.span.end, kind: "range" };
  if (span.end < span.start) throw new UsageError(leaderText.rangeBackwards(span.start, span.end));
  return { span, length: secondAt + second.length };
}

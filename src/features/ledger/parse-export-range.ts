import { addDays, diffDays, isValidLocalDate, type LocalDate } from "../../time/local-time.js";
import { CodedError, ErrorCode } from "../../errors.js";
import { ledgerText } from "./ledger-text.js";
import { checkLedgerRange, MAX_LEDGER_DAYS } from "./check-ledger-range.js";
import { weekOf } from "../leaders/read-date-span.js";
import { monthOf } from "../../time/periods.js";
import type { QuoteTyped } from "../../text/words.js";

/** The dates an export covers, both included, and the word that named them, if any. */
export interface ExportRange {
  from: LocalDate;
  to: LocalDate;
  /** `本周`, `上月` …, when the range was named by a word. */
  label?: string;
}

const DATE = String.raw`(?:(\d{4})\s*[-./年]\s*)?(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*[日号]?`;
const RANGE = new RegExp(String.raw`^(${DATE})(?:\s*(?:至|到|~|—|–)\s*(${DATE}))?$`, "u");

const pad = (n: number) => String(n).padStart(2, "0");

/** A span as an export range. */
const range = ({ start, end }: { start: LocalDate; end: LocalDate }) => ({ from: start, to: end });
const week = (today: LocalDate, offset: number) => range(weekOf(today, offset));
const month = (today: LocalDate, offset: number) => range(monthOf(today, offset));

const WORDS: Record<string, (today: LocalDate) => { from: LocalDate; to: LocalDate }> = {
  本周: (t) => week(t, 0),
  这周: (t) => week(t, 0),
  上周: (t) => week(t, -1),
  本月: (t) => month(t, 0),
  这个月: (t) => month(t, 0),
  上月: (t) => month(t, -1),
  上个月: (t) => month(t, -1),
  今天: (t) => ({ from: t, to: t }),
  昨天: (t) => ({ from: addDays(t, -1), to: addDays(t, -1) }),
};

/** `M-D` in the year that puts it nearest to `today` (12-28 said on 01-05 is last December's). */
function nearestYear(monthDay: string, today: LocalDate): LocalDate | undefined {
  const year = Number(today.slice(0, 4));
  const candidates = [year - 1, year, year + 1].map((y) => `${y}-${monthDay}`).filter(isValidLocalDate);
  return candidates.reduce<LocalDate | undefined>(
    (best, d) => (best === undefined || Math.abs(diffDays(today, d)) < Math.abs(diffDays(today, best)) ? d : best),
    undefined,
  );
}

/** A date given with its year as typed, or `M-D` placed in `year` (undefined when that day does not exist). */
function dateIn(year: number, monthDay: string): LocalDate | undefined {
  const date = `${year}-${monthDay}`;
  return isValidLocalDate(date) ? date : undefined;
}

/**
 * Reads the argument of `导出` (folded text): nothing (= 本周), 本周 上周 本月 上月 今天 昨天,
 * one date, or two dates joined by 至 / 到 / ~ (`11-01至11-20`, `2026-11-01~2026-11-20`,
 * `11月1日到11月20日`). A lone date or range end without a year is taken in the year nearest to
 * `today`, and the start in the same year (a range over New Year needs a year written); when only
 * one date of a range has its year, the other is its nearest occurrence on the right side of it
 * (`2025-12-20至01-05` ends on 2026-01-05). Throws a Usage error for anything else, a date that does not exist, a range that ends before
 * it starts, and a range longer than MAX_LEDGER_DAYS; what it refuses is quoted as typed (`quote`).
 */
export function parseExportRange(text: string, today: LocalDate, quote: QuoteTyped): ExportRange {
  const words = text.replace(/\s+/g, "");
  const word = WORDS[words || "本周"];
  if (word) return { ...word(today), label: words || "本周" };
  const match = RANGE.exec(text.trim());
  if (!match) throw new CodedError(ErrorCode.Usage, ledgerText.badRange(quote(text.trim())));
  const [, firstTyped, y1, m1, d1, secondTyped, y2, m2, d2] = match;
  const md = (m: string, d: string) => `${pad(Number(m))}-${pad(Number(d))}`;
  const first = md(m1!, d1!);
  const second = m2 === undefined ? undefined : md(m2, d2!);
  // 2024 is a leap year: a month-day that is not a date then is never one.
  if (!dateIn(Number(y1 ?? 2024), first)) throw new CodedError(ErrorCode.Usage, ledgerText.badDate(quote(firstTyped!)));
  if (second && !dateIn(Number(y2 ?? 2024), second)) throw new CodedError(ErrorCode.Usage, ledgerText.badDate(quote(secondTyped!)));

  let from: LocalDate | undefined;
  let to: LocalDate | undefined;
  if (second === undefined) {
    from = to = y1 ? dateIn(Number(y1), first) : nearestYear(first, today);
  } else if (y2) {
    to = dateIn(Number(y2), second);
    from = y1 ? dateIn(Number(y1), first) : to && placeBefore(first, to);
  } else if (y1) {
    from = dateIn(Number(y1), first);
    to = from && placeAfter(second, from);
  } else {
    to = nearestYear(second, today);
    from = to && dateIn(Number(to.slice(0, 4)), first);
  }
  if (!from) throw new CodedError(ErrorCode.Usage, ledgerText.badDate(quote(firstTyped!)));
  if (!to) throw new CodedError(ErrorCode.Usage, ledgerText.badDate(quote(secondTyped!)));
  const problem = checkLedgerRange(from, to);
  if (problem?.problem === "reversed") throw new CodedError(ErrorCode.Usage, ledgerText.reversed(from, to));
  if (problem?.problem === "too_long") throw new CodedError(ErrorCode.Usage, ledgerText.tooLong(problem.days, MAX_LEDGER_DAYS));
  return { from, to };
}

/** The latest `M-D` on or before `end`. */
function placeBefore(monthDay: string, end: LocalDate): LocalDate | undefined {
  const year = Number(end.slice(0, 4));
  const same = dateIn(year, monthDay);
  return same && same <= end ? same : dateIn(year - 1, monthDay);
}

/** The earliest `M-D` on or after `start`. */
function placeAfter(monthDay: string, start: LocalDate): LocalDate | undefined {
  const year = Number(start.slice(0, 4));
  const same = dateIn(year, monthDay);
  return same && same >= start ? same : dateIn(year + 1, monthDay);
}

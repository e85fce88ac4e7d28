import { Converter } from "opencc-js/t2cn";
import { Solar } from "lunar-javascript";
import { isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, type Document, type Pair } from "yaml";
import { CodedError, ErrorCode, hasCode, type NoticeProblem } from "../errors.js";
import { calendarError } from "./calendar-error.js";
import {
  addDays,
  diffDays,
  formatLocalDate,
  formatMonthDay,
  getWeekday,
  isValidLocalDate,
  listDates,
  splitLocalDate,
  type LocalDate,
} from "./local-time.js";
import { FIRST_STATUTORY_YEAR, LAST_STATUTORY_YEAR, listStatutoryHolidays } from "./statutory-holidays.js";

/** One holiday block of a notice, shaped like a festival entry of `config/holidays-cn.yaml`. */
export interface NoticeFestival {
  /** As the notice names it, e.g. "春节" or "国庆节、中秋节". */
  name: string;
  /** First and last day off, YYYY-MM-DD, weekends inside included. */
  holidays: { start: string; end: string };
  /** Make-up workdays (调休上班), YYYY-MM-DD, in the notice's order; empty when none. */
  workdays: string[];
}

/** A State Council holiday notice as understood, shaped like a year section of `config/holidays-cn.yaml`. */
export interface HolidayNotice {
  year: number;
  /** The notice's title, followed by its date when the signature carries one. */
  source: string;
  festivals: NoticeFestival[];
}

/** Options of {@link parseHolidayNotice}. */
export interface ParseHolidayNoticeOptions {
  /** The year the notice is for; needed when the text has no title, checked against it when it has. */
  year?: number;
}

export type { NoticeProblem };

/**
 * A notice text that could not be understood, or that contradicts itself or the calendar: every
 * problem found, in the order of the text. The message lists them, one per line.
 */
export function holidayNoticeError(problems: readonly NoticeProblem[]): CodedError<ErrorCode.HolidayNotice> {
  return new CodedError(ErrorCode.HolidayNotice, problems.map(formatNoticeProblem).join("\n"), { problems });
}

/** `第 12 行：看不懂这一句：“…”`, or the message alone when the problem has no line. */
export function formatNoticeProblem(problem: NoticeProblem): string {
  return problem.line === undefined ? problem.message : `第 ${problem.line} 行：${problem.message}`;
}

/** The festivals every notice since 2008 has scheduled, each exactly once. */
const FESTIVALS = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"] as const;
type Festival = (typeof FESTIVALS)[number];

/** Same limit as the data file loader: a longer block is a typo. */
const MAX_BLOCK_DAYS = 15;

const WEEKDAYS = ["日", "一", "二", "三", "四", "五", "六"] as const;
const NUMERALS = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"] as const;
const LUNAR_MONTHS = ["", "正", "二", "三", "四", "五", "六", "七", "八", "九", "十", "冬", "腊"] as const;

const TITLE = /国务院办公厅关于(\d{4})年部分节假日安排的通知/;
const DATE = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?/y;
/** A numbered paragraph: "一、元旦:1月1日(周四)至3日(周六)放假调休,共3天". */
const HEAD = /^([一二三四五六七八九十]+)、([^:]+):(.*)$/;
/** What only a schedule says: a text that says none of it is the page around the notice. */
const SCHEDULING = /\d{1,2}日|放假|上班|调休/;

/** Reposts in Hong Kong, Taiwan and on forums are in traditional script: 國務院, 週四, 調休. */
const toSimplified = Converter({ from: "hk", to: "cn" });

interface Sentence {
  /** As written, trimmed; quoted in error messages. */
  readonly original: string;
  /**
   * Folded for reading: NFKC (full-width digits and punctuation to ASCII), simplified script,
   * without spaces or the final 。.
   */
  readonly text: string;
  /** 1-based line of the text. */
  readonly line: number;
}

interface ParsedDate {
  readonly date: string;
  readonly year: number;
  readonly month: number;
}

interface Paragraph {
  readonly head: Sentence;
  /** Its numeral as written (一 → 1). */
  readonly number: number;
  readonly names: readonly Festival[];
  readonly name: string;
  holiday?: { readonly start: string; readonly end: string; readonly sentence: Sentence; readonly noSwap: boolean };
  /** Its days off were written but not understood (already reported): checks that need them skip it. */
  holidayUnread?: boolean;
  readonly workdays: { readonly date: string; readonly sentence: Sentence }[];
}

/**
 * Reads the State Council's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) from
 * whatever was copied around it: a news page's menus, share buttons, 来源, editor and related
 * links are passed over. The notice runs from its last title before "一、" (or from the text's
 * start) to its signature's date, or to the first line after its last festival that schedules
 * nothing. Traditional script, ASCII or full-width punctuation and 周/週/星期 read alike. Inside
 * the notice, every weekday, lunar date and day count it states is checked against the calendar;
 * every sentence not fully understood is reported, all of them at once, in a
 * HolidayNotice error (holidayNoticeError).
 */
export function parseHolidayNotice(text: string, options: ParseHolidayNoticeOptions = {}): HolidayNotice {
  const sentences = splitSentences(text);
  const bodyStart = sentences.findIndex((sentence) => HEAD.test(sentence.text) && /\d日/.test(sentence.text));
  if (bodyStart < 0) {
    throw holidayNoticeError([{ message: "没有找到“一、元旦：1月1日（周四）放假……”这样的放假安排", sentence: "" }]);
  }
  let titleAt = -1;
  for (let i = 0; i < bodyStart; i++) if (TITLE.test(sentences[i]!.text)) titleAt = i;
  const title = sentences[titleAt];
  const preamble = sentences.slice(titleAt + 1, bodyStart);
  const year = findYear(title, preamble, options.year);

  const problems: NoticeProblem[] = [];
  const attempt = (read: () => void): void => {
    try {
      read();
    } catch (error) {
      // A sentence's problem: collected, and the reading goes on.
      if (!hasCode(error, ErrorCode.HolidayNotice)) throw error;
      problems.push(...error.details.problems);
    }
  };
  for (const sentence of preamble) {
    // Prose that explains the rules names no weekday and no 上班; a sentence that does schedules a day.
    if (/上班|放假|调休|\((?:周|星期)/.test(sentence.text) && !isPreambleProse(sentence.text)) problems.push(unreadable(sentence));
  }

  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let issued: string | undefined;
  let closed = false;
  const finish = (): void => {
    if (current && !current.holiday && !current.holidayUnread) problems.push(unreadable(current.head, "这一段没有写放假日期"));
    current = undefined;
  };
  const complete = (): boolean => FESTIVALS.every((name) => paragraphs.some((paragraph) => paragraph.names.includes(name)));

  for (const sentence of sentences.slice(bodyStart)) {
    const head = closed ? null : HEAD.exec(sentence.text);
    if (head) {
      finish();
      current = readHead(head, sentence, (paragraphs.at(-1)?.number ?? 0) + 1, problems);
      paragraphs.push(current);
      const paragraph = current;
      attempt(() => readArrangement(head[3]!, sentence, paragraph, year));
      continue;
    }
    if (isClosing(sentence.text)) {
      finish();
      closed = true;
      continue;
    }
    if (sentence.text === "国务院办公厅" || sentence.text === "(此件公开发布)") {
      finish();
      closed = true;
      continue;
    }
    const signed = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(sentence.text);
    if (signed) {
      finish();
      if (!toDate(Number(signed[1]), Number(signed[2]), Number(signed[3]))) problems.push(unreadable(sentence, "没有这一天"));
      else issued = sentence.text;
      // Whatever follows the signature's date is the page: editor, related links, footer.
      break;
    }
    // After the closing only the signature belongs to the notice; after the last festival, a
    // line that schedules nothing ends it; amid the paragraphs such a line is the page's.
    if (closed || !SCHEDULING.test(sentence.text)) {
      if (closed || complete()) break;
      continue;
    }
    const paragraph = current;
    if (!paragraph) {
      problems.push(unreadable(sentence));
      continue;
    }
    attempt(() => readArrangement(sentence.text, sentence, paragraph, year));
  }
  finish();

  checkNotice(paragraphs, year, problems);
  if (problems.length > 0) throw holidayNoticeError(problems);
  return {
    year,
    source: `国务院办公厅关于${year}年部分节假日安排的通知${issued ? `（${issued}）` : ""}`,
    festivals: paragraphs.map((paragraph) => ({
      name: paragraph.name,
      holidays: { start: paragraph.holiday!.start, end: paragraph.holiday!.end },
      workdays: paragraph.workdays.map((workday) => workday.date),
    })),
  };
}

/** Chinese lines, one per holiday block plus a total, for an admin to compare with the notice. */
export function formatHolidayNotice(notice: HolidayNotice): string[] {
  const lines = [`${notice.year} 年节假日安排：${notice.source}`];
  let days = 0;
  let workdays = 0;
  for (const festival of notice.festivals) {
    const { start, end } = festival.holidays;
    const length = diffDays(start, end) + 1;
    days += length;
    workdays += festival.workdays.length;
    const range = start === end ? formatDay(start) : `${formatDay(start)}至${formatDay(end)}`;
    const work =
      festival.workdays.length === 0
        ? "不调休"
        : `${festival.workdays.map(formatDay).join("、")}调休上班`;
    lines.push(`${festival.name}：${range}放假，共 ${length} 天；${work}`);
  }
  lines.push(`合计：${notice.festivals.length} 段假期共 ${days} 天，调休上班 ${workdays} 天`);
  return lines;
}

/**
 * Returns the holiday data file text with the notice's year added, or replaced when present.
 * Other years, the comment header and the file's layout are kept.
 */
export function mergeHolidayYaml(existing: string | undefined, notice: HolidayNotice): string {
  // Typed as a plain Document so that an empty file can be given a map to fill.
  const doc: Document = parseDocument(existing ?? "");
  if (doc.errors.length > 0) {
    throw calendarError(ErrorCode.HolidayData, [`现有的节假日数据不是合法的 YAML：${doc.errors[0]!.message.split("\n")[0]}`]);
  }
  doc.contents ??= new YAMLMap();
  const root = doc.contents;
  if (!isMap(root)) {
    throw calendarError(ErrorCode.HolidayData, ["现有的节假日数据应当按年份分节，例如 \"2026\": { festivals: [...] }"]);
  }

  const section = doc.createNode({
    source: notice.source,
    festivals: notice.festivals.map((festival) => ({
      name: festival.name,
      holidays: { start: festival.holidays.start, end: festival.holidays.end },
      ...(festival.workdays.length > 0 ? { workdays: [...festival.workdays] } : {}),
    })),
  });
  // The data file writes each festival's dates on one line, as flow collections.
  const festivals = section.get("festivals", true);
  for (const item of isSeq(festivals) ? festivals.items : []) {
    if (!isMap(item)) continue;
    for (const key of ["holidays", "workdays"]) {
      const dates = item.get(key, true);
      if (isMap(dates) || isSeq(dates)) dates.flow = true;
    }
  }

  const items = root.items as Pair[];
  const keyOf = (pair: Pair): number => (isScalar(pair.key) ? Number(pair.key.value) : Number.NaN);
  const found = items.find((pair) => keyOf(pair) === notice.year);
  if (found) {
    found.value = section;
  } else {
    const key = new Scalar(String(notice.year));
    key.type = Scalar.QUOTE_DOUBLE;
    let index = items.findIndex((pair) => keyOf(pair) > notice.year);
    if (index < 0) index = items.length;
    key.spaceBefore = index > 0;
    if (index === 0 && items[0] && isScalar(items[0].key)) items[0].key.spaceBefore = true;
    items.splice(index, 0, doc.createPair(key, section));
  }
  // yaml pads flow maps and sequences alike; the data file pads only the maps.
  return doc
    .toString({ lineWidth: 0 })
    .replace(/^(\s*workdays: )\[ (.*) \]$/gm, "$1[$2]");
}

/**
 * Sentences end at 。 and, in an ASCII copy, at a "." after anything but a digit (never in
 * "2025.11.04") or a paragraph's numeral ("一.").
 */
function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    for (const piece of line.split(/(?<=[。｡]|(?<![\d一二三四五六七八九十])[.．])/)) {
      const original = piece.trim();
      const folded = toSimplified(original.normalize("NFKC"))
        .replace(/\s+/g, "")
        .replace(/^([一二三四五六七八九十]+)\./, "$1、")
        .replace(/[。.]+$/, "");
      if (folded !== "") sentences.push({ original, text: folded, line: index + 1 });
    }
  });
  return sentences;
}

/**
 * The year comes from the notice's title, its preamble ("现将2026年…") and the caller; all that
 * exist must agree.
 */
function findYear(title: Sentence | undefined, preamble: readonly Sentence[], wanted: number | undefined): number {
  const fail = (message: string, sentence?: Sentence): never => {
    throw holidayNoticeError([{ message, sentence: sentence?.original ?? "", ...(sentence && { line: sentence.line }) }]);
  };
  if (wanted !== undefined && (!Number.isInteger(wanted) || wanted < 1000 || wanted > 9999)) {
    fail(`年份应当是四位数字，例如 2027；收到的是 ${String(wanted)}`);
  }
  let year = wanted;
  let from: Sentence | undefined;
  const statements = [
    ...(title ? [{ sentence: title, match: TITLE.exec(title.text)! }] : []),
    ...preamble.flatMap((sentence) => {
      const match = /现将(\d{4})年/.exec(sentence.text);
      return match ? [{ sentence, match }] : [];
    }),
  ];
  for (const { sentence, match } of statements) {
    const stated = Number(match[1]);
    if (year !== undefined && stated !== year) {
      fail(`年份对不上：“${sentence.original}”写的是 ${stated} 年，${from ? `前文写的是 ${year} 年` : `指定的是 ${year} 年`}`, sentence);
    }
    year = stated;
    from ??= sentence;
  }
  if (year === undefined) {
    return fail("不知道这是哪一年的通知：没有“国务院办公厅关于YYYY年部分节假日安排的通知”这样的标题，也没有指定年份");
  }
  return year;
}

/** The preamble explains the rules ("经国务院批准，现将…通知如下"); it never schedules a day, so it names no weekday and no 上班. */
function isPreambleProse(text: string): boolean {
  return /批准|放假办法|放假调休原则|通知如下/.test(text) && !/上班|\((?:周|星期)/.test(text);
}

/** The closing paragraph: 鼓励…错峰出行。节假日期间，各地区、各部门要妥善安排好值班…。 */
function isClosing(text: string): boolean {
  return /^(节假日期间|鼓励单位和个人)/.test(text) && !/上班|\((?:周|星期)/.test(text);
}

/**
 * A numbered paragraph's head: its number must follow the one before and its festivals be known.
 * A head with problems still opens its paragraph, so that its sentences are read and checked.
 */
function readHead(head: RegExpExecArray, sentence: Sentence, expected: number, problems: NoticeProblem[]): Paragraph {
  const names = head[2]!.split("、");
  const number = parseNumeral(head[1]!);
  if (number !== expected) problems.push(unreadable(sentence, `这一段应当是第${formatNumeral(expected)}段`));
  for (const name of names) {
    if (!(FESTIVALS as readonly string[]).includes(name)) {
      problems.push(unreadable(sentence, `不认识节日“${name}”，应为${FESTIVALS.join("、")}之一`));
    }
  }
  return { head: sentence, number, names: names.filter((name): name is Festival => (FESTIVALS as readonly string[]).includes(name)), name: head[2]!, workdays: [] };
}

/** One sentence of a numbered paragraph: either its days off or its make-up workdays. */
function readArrangement(text: string, sentence: Sentence, paragraph: Paragraph, year: number): void {
  if (text.endsWith("上班")) {
    const dates = readDates(text.slice(0, -"上班".length), sentence, year);
    for (const { date } of dates) {
      if (getWeekday(date) < 6) {
        throw holidayNoticeError([wrong(sentence, `${formatMonthDay(date)}是周${weekdayName(date)}，调休上班日只会是周六或周日`)]);
      }
      paragraph.workdays.push({ date, sentence });
    }
    return;
  }
  if (paragraph.holiday) throw holidayNoticeError([unreadable(sentence, "这一段已经写过放假日期")]);
  try {
    paragraph.holiday = readHoliday(text, sentence, year);
  } catch (error) {
    paragraph.holidayUnread = true;
    throw error;
  }
}

/** "10月1日(周四)至7日(周三)放假调休,共7天" or "1月1日(周三)放假1天,不调休". */
function readHoliday(text: string, sentence: Sentence, year: number): NonNullable<Paragraph["holiday"]> {
  const match = /^(.+?)放假(?:调休)?(?:(\d+)天)?(?:,共(\d+)天)?(,不调休)?$/.exec(text);
  if (!match || (match[2] === undefined && match[3] === undefined)) throw holidayNoticeError([unreadable(sentence)]);
  const parts = match[1]!.split("至");
  if (parts.length > 2) throw holidayNoticeError([unreadable(sentence)]);
  const start = readDates(parts[0]!, sentence, year, undefined, true)[0]!;
  const end = parts[1] === undefined ? start : readDates(parts[1], sentence, year, start, true)[0]!;
  const length = diffDays(start.date, end.date) + 1;
  if (length < 1) throw holidayNoticeError([wrong(sentence, `开始的${formatMonthDay(start.date)}晚于结束的${formatMonthDay(end.date)}`)]);
  if (length > MAX_BLOCK_DAYS) throw holidayNoticeError([wrong(sentence, `一段假期不会超过 ${MAX_BLOCK_DAYS} 天`)]);
  for (const count of [match[2], match[3]]) {
    if (count !== undefined && Number(count) !== length) {
      throw holidayNoticeError([wrong(sentence, `${formatMonthDay(start.date)}至${formatMonthDay(end.date)}是 ${length} 天，不是 ${Number(count)} 天`)]);
    }
  }
  return { start: start.date, end: end.date, sentence, noSwap: match[4] !== undefined };
}

/**
 * Reads "1月26日(周日)、2月8日(周六)" (or one date when `single`). A day without a month takes
 * the previous date's, as in "2月15日…至23日"; the first date of a sentence must name its month.
 */
function readDates(text: string, sentence: Sentence, year: number, previous?: ParsedDate, single = false): ParsedDate[] {
  const dates: ParsedDate[] = [];
  let at = 0;
  while (true) {
    DATE.lastIndex = at;
    const match = DATE.exec(text);
    if (!match) throw holidayNoticeError([unreadable(sentence, text === "" ? "缺少日期" : undefined)]);
    const [whole, yearText, monthText, dayText, note] = match;
    const last = dates.at(-1) ?? previous;
    if (monthText === undefined && last === undefined) throw holidayNoticeError([unreadable(sentence, `“${whole}”缺少月份`)]);
    const parsed: ParsedDate = {
      year: yearText !== undefined ? Number(yearText) : monthText === undefined ? last!.year : year,
      month: monthText !== undefined ? Number(monthText) : last!.month,
      date: "",
    };
    const date = toDate(parsed.year, parsed.month, Number(dayText));
    if (!date) throw holidayNoticeError([wrong(sentence, `没有${parsed.year}年${parsed.month}月${Number(dayText)}日这一天`)]);
    if (Math.abs(parsed.year - year) > 1) throw holidayNoticeError([wrong(sentence, `${date} 不在 ${year} 年前后`)]);
    if (note !== undefined) checkNote(note, date, sentence);
    dates.push({ ...parsed, date });
    at += whole.length;
    if (at === text.length) return dates;
    // "、" between dates; an ASCII copy writes ",".
    if (single || (text[at] !== "、" && text[at] !== ",")) throw holidayNoticeError([unreadable(sentence)]);
    at += 1;
  }
}

/** Checks a date's parenthesised note, e.g. "农历除夕、周二": every part must hold. */
function checkNote(note: string, date: string, sentence: Sentence): void {
  for (const part of note.split(/[、,]/)) {
    const weekday = /^(?:周|星期)([一二三四五六日天])$/.exec(part);
    if (weekday) {
      const stated = weekday[1] === "天" ? "日" : weekday[1]!;
      if (weekdayName(date) !== stated) {
        throw holidayNoticeError([wrong(sentence, `${formatMonthDay(date)}是周${weekdayName(date)}，不是周${stated}`)]);
      }
      continue;
    }
    const lunar = /^农历(.+)$/.exec(part);
    if (!lunar) throw holidayNoticeError([unreadable(sentence, `看不懂括号里的“${part}”`)]);
    const [y, m, d] = splitLocalDate(date);
    const actual = Solar.fromYmd(y, m, d).getLunar();
    const actualText = formatLunar(actual.getMonth(), actual.getDay());
    if (lunar[1] === "除夕") {
      // 除夕 is the last day of the twelfth month, the 29th or the 30th: the eve of 正月初一.
      const [ny, nm, nd] = splitLocalDate(addDays(date, 1));
      const next = Solar.fromYmd(ny, nm, nd).getLunar();
      if (next.getMonth() !== 1 || next.getDay() !== 1) {
        throw holidayNoticeError([wrong(sentence, `${formatMonthDay(date)}是农历${actualText}，不是除夕`)]);
      }
      continue;
    }
    const stated = parseLunar(lunar[1]!);
    if (!stated) throw holidayNoticeError([unreadable(sentence, `看不懂农历日期“${lunar[1]}”`)]);
    if (stated.month !== actual.getMonth() || stated.day !== actual.getDay()) {
      throw holidayNoticeError([wrong(sentence, `${formatMonthDay(date)}是农历${actualText}，不是${lunar[1]}`)]);
    }
  }
}

/**
 * Checks what no single sentence shows: every festival once, no overlaps, statutory days inside.
 * Paragraphs whose days off were not understood are left out (their problem is reported).
 */
function checkNotice(paragraphs: readonly Paragraph[], year: number, problems: NoticeProblem[]): void {
  const report = (problem: NoticeProblem) => problems.push(problem);
  const seen = new Map<Festival, Paragraph>();
  for (const paragraph of paragraphs) {
    for (const name of paragraph.names) {
      if (seen.has(name)) report(unreadable(paragraph.head, `${name}已经在前面安排过`));
      else seen.set(name, paragraph);
    }
  }
  const missing = FESTIVALS.filter((name) => !seen.has(name));
  // A head naming an unknown festival is reported already; the festival it meant is then "missing".
  const headsRead = paragraphs.every((paragraph) => paragraph.names.length === paragraph.name.split("、").length);
  if (missing.length > 0 && headsRead) {
    problems.push({ message: `通知里没有${missing.join("、")}的安排，是不是少复制了一段？`, sentence: "" });
  }

  const read = paragraphs.filter((paragraph) => paragraph.holiday);
  const off = new Map<string, Paragraph>();
  for (const paragraph of read) {
    const holiday = paragraph.holiday!;
    for (const date of listDates(holiday.start, holiday.end)) {
      const other = off.get(date);
      if (other) {
        report(wrong(holiday.sentence, `${formatMonthDay(date)}已经算在${other.name}的假期里`));
        break;
      }
      off.set(date, paragraph);
    }
  }
  const working = new Set<string>();
  for (const paragraph of paragraphs) {
    if (paragraph.holiday?.noSwap && paragraph.workdays.length > 0) {
      report(wrong(paragraph.workdays[0]!.sentence, `${paragraph.name}写明不调休，却又安排了调休上班`));
    }
    for (const { date, sentence } of paragraph.workdays) {
      const holiday = off.get(date);
      if (holiday) report(wrong(sentence, `${formatMonthDay(date)}既在${holiday.name}放假，又要上班`));
      else if (working.has(date)) report(wrong(sentence, `${formatMonthDay(date)}已经写过调休上班`));
      working.add(date);
    }
  }

  if (year < FIRST_STATUTORY_YEAR || year > LAST_STATUTORY_YEAR) return;
  for (const { date, festival } of listStatutoryHolidays(year)) {
    const holiday = seen.get(festival)?.holiday;
    if (holiday && (date < holiday.start || date > holiday.end)) {
      report(wrong(holiday.sentence, `${festival}的法定假日${formatMonthDay(date)}不在这段假期里`));
    }
  }
  problems.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
}

/** A sentence not understood: pushed onto the problems, or thrown (holidayNoticeError) from inside the reading of one sentence. */
function unreadable(sentence: Sentence, hint?: string): NoticeProblem {
  return {
    message: `看不懂这一句：“${sentence.original}”${hint ? `（${hint}）` : ""}`,
    sentence: sentence.original,
    line: sentence.line,
  };
}

function wrong(sentence: Sentence, why: string): NoticeProblem {
  return { message: `这一句有误：“${sentence.original}”（${why}）`, sentence: sentence.original, line: sentence.line };
}

function parseNumeral(text: string): number {
  if (text === "十") return 10;
  const tens = text.indexOf("十");
  if (tens < 0) return text.length === 1 ? NUMERALS.indexOf(text as (typeof NUMERALS)[number]) : -1;
  const high = tens === 0 ? 1 : NUMERALS.indexOf(text.slice(0, tens) as (typeof NUMERALS)[number]);
  const low = tens === text.length - 1 ? 0 : NUMERALS.indexOf(text.slice(tens + 1) as (typeof NUMERALS)[number]);
  return high > 0 && low >= 0 && low < 10 ? high * 10 + low : -1;
}

function formatNumeral(value: number): string {
  if (value <= 10) return NUMERALS[value]!;
  return `${value >= 20 ? NUMERALS[Math.floor(value / 10)] : ""}十${NUMERALS[value % 10]}`;
}

/** "腊月二十八", "正月初七", "闰四月十五" → month (negative when leap, as lunar-javascript) and day. */
function parseLunar(text: string): { month: number; day: number } | undefined {
  const match = /^(闰)?(正|一|二|三|四|五|六|七|八|九|十|十一|十二|冬|腊)月(.+)$/.exec(text);
  if (!match) return undefined;
  const name = match[2]!;
  const month =
    name === "正" || name === "一" ? 1 : name === "冬" ? 11 : name === "腊" ? 12 : parseNumeral(name);
  const dayText = match[3]!.replace(/^廿/, "二十").replace(/^卅$/, "三十");
  const day = dayText.startsWith("初") ? parseNumeral(dayText.slice(1)) : parseNumeral(dayText);
  if (day < 1 || day > 30 || (dayText.startsWith("初") && day > 10) || (!dayText.startsWith("初") && day <= 10)) {
    return undefined;
  }
  return { month: match[1] ? -month : month, day };
}

function formatLunar(month: number, day: number): string {
  const dayText =
    day <= 10 ? `初${NUMERALS[day]}` : day === 20 ? "二十" : day === 30 ? "三十" : day < 20 ? `十${NUMERALS[day - 10]}` : `廿${NUMERALS[day - 20]}`;
  return `${month < 0 ? "闰" : ""}${LUNAR_MONTHS[Math.abs(month)]}月${dayText}`;
}

function toDate(year: number, month: number, day: number): LocalDate | undefined {
  const date = formatLocalDate(year, month, day);
  return isValidLocalDate(date) ? date : undefined;
}

/** 一 … 六, 日. */
function weekdayName(date: LocalDate): string {
  return WEEKDAYS[getWeekday(date) % 7]!;
}

function formatDay(date: LocalDate): string {
  return `${date}（周${weekdayName(date)}）`;
}

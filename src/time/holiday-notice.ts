import { Solar } from "lunar-javascript";
import { isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, type Document, type Pair } from "yaml";
import { CodedError, ErrorCode } from "../errors.js";
import { CalendarError } from "./calendar-error.js";
import {
  addDays,
  diffDays,
  formatLocalDate,
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

/**
 * A notice text that could not be understood, or that contradicts itself or the calendar. The
 * message (Chinese, for the admin) quotes the sentence.
 */
export class HolidayNoticeError extends CodedError {
  constructor(
    message: string,
    /** The offending sentence as written in the notice; "" when the problem is the notice as a whole. */
    readonly sentence: string,
  ) {
    super(ErrorCode.HolidayNotice, message);
  }
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

interface Sentence {
  /** As written, trimmed; quoted in error messages. */
  readonly original: string;
  /** NFKC-folded (full-width digits and punctuation to half-width), without spaces or the final 。. */
  readonly text: string;
}

interface ParsedDate {
  readonly date: string;
  readonly year: number;
  readonly month: number;
}

interface Paragraph {
  readonly head: Sentence;
  readonly names: readonly Festival[];
  readonly name: string;
  holiday?: { readonly start: string; readonly end: string; readonly sentence: Sentence; readonly noSwap: boolean };
  readonly workdays: { readonly date: string; readonly sentence: Sentence }[];
}

/**
 * Reads the State Council's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) as copied
 * from the web page: title, preamble, numbered paragraphs, closing and signature. Every weekday,
 * lunar date and day count it states is checked against the calendar; anything not fully
 * understood throws a {@link HolidayNoticeError} naming the sentence.
 */
export function parseHolidayNotice(text: string, options: ParseHolidayNoticeOptions = {}): HolidayNotice {
  const sentences = splitSentences(text);
  const year = findYear(sentences, options.year);
  const paragraphs: Paragraph[] = [];
  let current: Paragraph | undefined;
  let issued: string | undefined;

  const finish = (): void => {
    if (current && !current.holiday) throw unreadable(current.head, "这一段没有写放假日期");
    current = undefined;
  };

  for (const sentence of sentences) {
    const head = /^([一二三四五六七八九十]+)、([^:]+):(.*)$/.exec(sentence.text);
    if (head) {
      finish();
      const number = parseNumeral(head[1]!);
      if (number !== paragraphs.length + 1) {
        throw unreadable(sentence, `这一段应当是第${formatNumeral(paragraphs.length + 1)}段`);
      }
      const names = head[2]!.split("、");
      for (const name of names) {
        if (!(FESTIVALS as readonly string[]).includes(name)) {
          throw unreadable(sentence, `不认识节日“${name}”，应为${FESTIVALS.join("、")}之一`);
        }
      }
      current = { head: sentence, names: names as Festival[], name: head[2]!, workdays: [] };
      paragraphs.push(current);
      readArrangement(head[3]!, sentence, current, year);
      continue;
    }
    if (paragraphs.length === 0 && isHeader(sentence.text)) continue;
    if (isClosing(sentence.text)) {
      finish();
      continue;
    }
    if (paragraphs.length > 0) {
      if (sentence.text === "国务院办公厅" || sentence.text === "(此件公开发布)") {
        finish();
        continue;
      }
      const signed = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(sentence.text);
      if (signed) {
        finish();
        if (!toDate(Number(signed[1]), Number(signed[2]), Number(signed[3]))) {
          throw unreadable(sentence, "没有这一天");
        }
        issued ??= sentence.text;
        continue;
      }
    }
    if (!current) throw unreadable(sentence);
    readArrangement(sentence.text, sentence, current, year);
  }
  finish();

  checkNotice(paragraphs, year);
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
    throw new CalendarError(ErrorCode.HolidayData, [`现有的节假日数据不是合法的 YAML：${doc.errors[0]!.message.split("\n")[0]}`]);
  }
  doc.contents ??= new YAMLMap();
  const root = doc.contents;
  if (!isMap(root)) {
    throw new CalendarError(ErrorCode.HolidayData, ["现有的节假日数据应当按年份分节，例如 \"2026\": { festivals: [...] }"]);
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

function splitSentences(text: string): Sentence[] {
  const sentences: Sentence[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    for (const piece of line.split(/(?<=[。｡])/)) {
      const original = piece.trim();
      const folded = original.normalize("NFKC").replace(/\s+/g, "").replace(/。+$/, "");
      if (folded !== "") sentences.push({ original, text: folded });
    }
  }
  return sentences;
}

/** The year comes from the title, the preamble ("现将2026年…") and the caller; all that exist must agree. */
function findYear(sentences: readonly Sentence[], wanted: number | undefined): number {
  if (wanted !== undefined && (!Number.isInteger(wanted) || wanted < 1000 || wanted > 9999)) {
    throw new HolidayNoticeError(`年份应当是四位数字，例如 2027；收到的是 ${String(wanted)}`, "");
  }
  let year = wanted;
  let from: Sentence | undefined;
  for (const sentence of sentences) {
    if (/^[一二三四五六七八九十]+、/.test(sentence.text)) break;
    for (const match of [TITLE.exec(sentence.text), /现将(\d{4})年/.exec(sentence.text)]) {
      if (!match) continue;
      const stated = Number(match[1]);
      if (year !== undefined && stated !== year) {
        const other = from ? `前文写的是 ${year} 年` : `指定的是 ${year} 年`;
        throw new HolidayNoticeError(
          `年份对不上：“${sentence.original}”写的是 ${stated} 年，${other}`,
          sentence.original,
        );
      }
      year = stated;
      from ??= sentence;
    }
  }
  if (year === undefined) {
    throw new HolidayNoticeError(
      "不知道这是哪一年的通知：没有“国务院办公厅关于YYYY年部分节假日安排的通知”这样的标题，也没有指定年份",
      "",
    );
  }
  return year;
}

/** Title, document number, addressees, the page's metadata and the preamble before "一、". */
function isHeader(text: string): boolean {
  if (TITLE.test(text) && (/^国务院办公厅关于\d{4}年部分节假日安排的通知$/.test(text) || /全文如下:?$/.test(text))) {
    return true;
  }
  if (/^国办发明电[〔[(]\d{4}[〕\])]\d+号$/.test(text)) return true;
  if (/^各省、.*:$/.test(text)) return true;
  if (/^(索引号|主题分类|发文机关|成文日期|标题|发文字号|发布日期|来源):/.test(text)) return true;
  // Preamble prose explains the rules; it never schedules a day, so it names no weekday and no 上班.
  return /批准|放假办法|放假调休原则|通知如下/.test(text) && !/上班|\((?:周|星期)/.test(text);
}

/** The closing paragraph: 鼓励…错峰出行。节假日期间，各地区、各部门要妥善安排好值班…。 */
function isClosing(text: string): boolean {
  return /^(节假日期间|鼓励单位和个人)/.test(text) && !/上班|\((?:周|星期)/.test(text);
}

/** One sentence of a numbered paragraph: either its days off or its make-up workdays. */
function readArrangement(text: string, sentence: Sentence, paragraph: Paragraph, year: number): void {
  if (text.endsWith("上班")) {
    const dates = readDates(text.slice(0, -"上班".length), sentence, year);
    for (const { date } of dates) {
      if (getWeekday(date) < 6) {
        throw wrong(sentence, `${formatMonthDay(date)}是周${weekdayName(date)}，调休上班日只会是周六或周日`);
      }
      paragraph.workdays.push({ date, sentence });
    }
    return;
  }
  const match = /^(.+?)放假(?:调休)?(?:(\d+)天)?(?:,共(\d+)天)?(,不调休)?$/.exec(text);
  if (!match || (match[2] === undefined && match[3] === undefined)) throw unreadable(sentence);
  if (paragraph.holiday) throw unreadable(sentence, "这一段已经写过放假日期");
  const parts = match[1]!.split("至");
  if (parts.length > 2) throw unreadable(sentence);
  const start = readDates(parts[0]!, sentence, year, undefined, true)[0]!;
  const end = parts[1] === undefined ? start : readDates(parts[1], sentence, year, start, true)[0]!;
  const length = diffDays(start.date, end.date) + 1;
  if (length < 1) throw wrong(sentence, `开始的${formatMonthDay(start.date)}晚于结束的${formatMonthDay(end.date)}`);
  if (length > MAX_BLOCK_DAYS) throw wrong(sentence, `一段假期不会超过 ${MAX_BLOCK_DAYS} 天`);
  for (const count of [match[2], match[3]]) {
    if (count !== undefined && Number(count) !== length) {
      throw wrong(sentence, `${formatMonthDay(start.date)}至${formatMonthDay(end.date)}是 ${length} 天，不是 ${Number(count)} 天`);
    }
  }
  paragraph.holiday = { start: start.date, end: end.date, sentence, noSwap: match[4] !== undefined };
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
    if (!match) throw unreadable(sentence, text === "" ? "缺少日期" : undefined);
    const [whole, yearText, monthText, dayText, note] = match;
    const last = dates.at(-1) ?? previous;
    if (monthText === undefined && last === undefined) throw unreadable(sentence, `“${whole}”缺少月份`);
    const parsed: ParsedDate = {
      year: yearText !== undefined ? Number(yearText) : monthText === undefined ? last!.year : year,
      month: monthText !== undefined ? Number(monthText) : last!.month,
      date: "",
    };
    const date = toDate(parsed.year, parsed.month, Number(dayText));
    if (!date) throw wrong(sentence, `没有${parsed.year}年${parsed.month}月${Number(dayText)}日这一天`);
    if (Math.abs(parsed.year - year) > 1) throw wrong(sentence, `${date} 不在 ${year} 年前后`);
    if (note !== undefined) checkNote(note, date, sentence);
    dates.push({ ...parsed, date });
    at += whole.length;
    if (at === text.length) return dates;
    if (single || text[at] !== "、") throw unreadable(sentence);
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
        throw wrong(sentence, `${formatMonthDay(date)}是周${weekdayName(date)}，不是周${stated}`);
      }
      continue;
    }
    const lunar = /^农历(.+)$/.exec(part);
    if (!lunar) throw unreadable(sentence, `看不懂括号里的“${part}”`);
    const [y, m, d] = splitLocalDate(date);
    const actual = Solar.fromYmd(y, m, d).getLunar();
    const actualText = formatLunar(actual.getMonth(), actual.getDay());
    if (lunar[1] === "除夕") {
      // 除夕 is the last day of the twelfth month, the 29th or the 30th: the eve of 正月初一.
      const [ny, nm, nd] = splitLocalDate(addDays(date, 1));
      const next = Solar.fromYmd(ny, nm, nd).getLunar();
      if (next.getMonth() !== 1 || next.getDay() !== 1) {
        throw wrong(sentence, `${formatMonthDay(date)}是农历${actualText}，不是除夕`);
      }
      continue;
    }
    const stated = parseLunar(lunar[1]!);
    if (!stated) throw unreadable(sentence, `看不懂农历日期“${lunar[1]}”`);
    if (stated.month !== actual.getMonth() || stated.day !== actual.getDay()) {
      throw wrong(sentence, `${formatMonthDay(date)}是农历${actualText}，不是${lunar[1]}`);
    }
  }
}

/** Checks what no single sentence shows: every festival once, no overlaps, statutory days inside. */
function checkNotice(paragraphs: readonly Paragraph[], year: number): void {
  if (paragraphs.length === 0) {
    throw new HolidayNoticeError("没有找到“一、元旦：1月1日（周四）放假……”这样的放假安排", "");
  }
  const seen = new Map<Festival, Paragraph>();
  for (const paragraph of paragraphs) {
    for (const name of paragraph.names) {
      if (seen.has(name)) throw unreadable(paragraph.head, `${name}已经在前面安排过`);
      seen.set(name, paragraph);
    }
  }
  const missing = FESTIVALS.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new HolidayNoticeError(`通知里没有${missing.join("、")}的安排，是不是少复制了一段？`, "");
  }

  const off = new Map<string, Paragraph>();
  for (const paragraph of paragraphs) {
    const holiday = paragraph.holiday!;
    for (const date of listDates(holiday.start, holiday.end)) {
      const other = off.get(date);
      if (other) throw wrong(holiday.sentence, `${formatMonthDay(date)}已经算在${other.name}的假期里`);
      off.set(date, paragraph);
    }
  }
  const working = new Set<string>();
  for (const paragraph of paragraphs) {
    if (paragraph.holiday!.noSwap && paragraph.workdays.length > 0) {
      throw wrong(paragraph.workdays[0]!.sentence, `${paragraph.name}写明不调休，却又安排了调休上班`);
    }
    for (const { date, sentence } of paragraph.workdays) {
      const holiday = off.get(date);
      if (holiday) throw wrong(sentence, `${formatMonthDay(date)}既在${holiday.name}放假，又要上班`);
      if (working.has(date)) throw wrong(sentence, `${formatMonthDay(date)}已经写过调休上班`);
      working.add(date);
    }
  }

  if (year < FIRST_STATUTORY_YEAR || year > LAST_STATUTORY_YEAR) return;
  for (const { date, festival } of listStatutoryHolidays(year)) {
    const paragraph = seen.get(festival)!;
    const { start, end, sentence } = paragraph.holiday!;
    if (date < start || date > end) {
      throw wrong(sentence, `${festival}的法定假日${formatMonthDay(date)}不在这段假期里`);
    }
  }
}

function unreadable(sentence: Sentence, hint?: string): HolidayNoticeError {
  return new HolidayNoticeError(`看不懂这一句：“${sentence.original}”${hint ? `（${hint}）` : ""}`, sentence.original);
}

function wrong(sentence: Sentence, why: string): HolidayNoticeError {
  return new HolidayNoticeError(`这一句有误：“${sentence.original}”（${why}）`, sentence.original);
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

function formatMonthDay(date: LocalDate): string {
  const [, m, d] = splitLocalDate(date);
  return `${m}月${d}日`;
}

function formatDay(date: LocalDate): string {
  return `${date}（周${weekdayName(date)}）`;
}

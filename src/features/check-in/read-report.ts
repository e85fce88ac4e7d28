import type { School } from "../../config/roster.js";
import { MAX_SCHOOL_FIGURE, tooLargeForASchool } from "../../config/school.js";
import { FIGURE, figureOf } from "./read-figure.js";
import { blankSpan, quoteAsFolded, type QuoteTyped } from "../../text/words.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { ReportValue } from "../../store/report.js";
import { reportText, type ReplyVoice } from "./report-text.js";
import { checkAgainstRoster } from "./roster-check.js";
import { readDateSpan, type DateSpan } from "../leaders/read-date-span.js";
import type { LocalDate } from "../../time/local-time.js";

/**
 * Reads what principals write in their reports, in the words they use: figures in any order
 * and unit (`1180人`, `共1200人已提醒1180人`, `50人参加 2人请假`, `两人请假`), verbs (通知 告知
 * 提醒 电话通知 发告家长书), the ways of saying nothing happened, and 完成 / 全部参加 for the
 * roster's figure. A figure that cannot be right (negative, a fraction, more reached than to
 * reach, more than twice the roster's) is refused with the reason; one far from the roster's
 * is kept with a note. The one place where report phrases are read: the reporting commands
 * call it with the message's words (the keyword and the school's name already taken out).
 */

type SafetyValue = Extract<ReportValue, { task: "safety" }>;
type DrowningValue = Extract<ReportValue, { task: "drowning" }>;
type StudyValue = Extract<ReportValue, { task: "study" }>;

/** A report as read, with the notes the reply adds (a figure far from the roster's). */
export interface ReadReport<V> {
  value: V;
  notes: string[];
}

/** What a number counts. */
type Figure = "present" | "reached" | "unreached" | "total" | "attended" | "expected" | "leave" | "staff";

/** Words that say what the number beside them counts; `before`: the word may precede it (已提醒1180), `after`: follow it (1180人已提醒). */
interface LabelSet {
  figure: Figure;
  words: readonly string[];
  before: boolean;
  after: boolean;
}

const PRESENT: LabelSet[] = [
  { figure: "present", words: ["在校学生", "在校生", "在校", "到校学生", "学生到校", "到校", "实到学生", "实到", "出勤", "在园", "到园"], before: true, after: true },
  // Counted but not the 平安 report's: pupils away, or the roll (请假3人 is never 在校3人).
  { figure: "leave", words: ["请假", "病假", "事假", "缺勤", "缺席", "缺课", "未到", "离校", "生病"], before: true, after: true },
  { figure: "expected", words: ["应到", "学生总数", "学生数", "共计", "共有", "共", "总数"], before: true, after: true },
  // 教职工 31 人全部到岗: staff, no pupils.
  { figure: "staff", words: ["教职工", "教职员工", "教师", "老师", "职工", "到岗", "在岗"], before: true, after: true },
];
const DROWNING: LabelSet[] = [
  { figure: "total", words: ["应提醒", "应通知", "应告知", "需提醒", "需通知", "共计", "总共", "合计", "总计", "共有", "共", "学生总数", "学生数", "家长总数", "总数"], before: true, after: false },
  { figure: "total", words: ["中"], before: false, after: true },
  // Before the verbs, so that 未提醒20人 is never read as 提醒20人.
  { figure: "unreached", words: ["未提醒", "未通知", "未告知", "未联系", "没提醒", "没通知", "没联系上", "联系不上", "未联系上", "未到位"], before: true, after: true },
  {
    figure: "reached",
    words: ["已提醒", "提醒", "已通知", "通知", "已告知", "告知", "已联系", "联系", "已发放", "发放", "下发", "已发送", "发送", "发出", "签收", "回执", "覆盖", "已落实", "落实", "已完成", "完成"],
    before: true,
    after: true,
  },
];
const STUDY: LabelSet[] = [
  { figure: "expected", words: ["应到", "应参加", "应参会", "应出席", "应参学", "应有"], before: true, after: true },
  { figure: "expected", words: ["共计", "总共", "合计", "共有", "共", "总人数", "总数"], before: true, after: false },
  { figure: "expected", words: ["中"], before: false, after: true },
  {
    figure: "attended",
    words: ["实到", "实际到", "实际参加", "实际参会", "实参加", "到会", "到场", "参会", "参加", "参与", "参学", "出席", "已到", "签到", "出勤"],
    before: true,
    after: true,
  },
  { figure: "leave", words: ["请假", "病假", "事假", "公假", "缺席", "缺勤", "未到", "未参加", "没来", "缺"], before: true, after: true },
];

/** Every pupil's parents reached: 完成, 全部, 到位, 100%. */
const DROWNING_DONE = /全部|全员|全体|均已|都已|完成|完毕|到位/gu;
/** Every staff member there: 全部参加, 全员, 到齐, 完成. */
const STUDY_ALL = /全部|全员|全体|到齐|全到|都到|都参加|均参加|完成|完毕/gu;
/** Words that make "all" a part: 完成一半, 部分参加, 还有几人. */
const PARTIAL = /一半|部分|大部|多数|少数|尚有|还有|剩|个别/u;

/**
 * Whether the words say "all" (完成, 全部参加) and mean it: not denied just before (未完成,
 * 没有全部到齐) and not a part (完成一半).
 */
function saysAll(words: string, pattern: RegExp): boolean {
  if (PARTIAL.test(words)) return false;
  const hits = matchesOf(words, pattern);
  return hits.length > 0 && hits.every((m) => !/[未没不尚]有?$/u.test(words.slice(Math.max(0, m.index - 2), m.index)));
}
const NO_LEAVE = /(?:无|没有|没)人?(?:请假|缺席|缺勤)/u;

/**
 * Every match of a global pattern, as matchAll finds them, read with the pattern itself:
 * matchAll copies the pattern on each call, and a report is read with a dozen of them.
 */
function matchesOf(text: string, pattern: RegExp): RegExpExecArray[] {
  const found: RegExpExecArray[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    found.push(m);
    // An empty match moves on by a character, as matchAll does.
    if (m[0] === "") pattern.lastIndex += pattern.unicode && text.codePointAt(pattern.lastIndex)! > 0xffff ? 2 : 1;
  }
  return found;
}

/** The one pattern of NOT_FIGURES that may be a figure: a month.day (6.12) is 6.12 people after a label (在校6.12). */
const DOTTED = ".";

/**
 * Whether `before` ends with one of a reader's label words, with only spaces or a colon after
 * it: a figure follows, so `在校3.12` or `实到 5.6` is a fraction of people to refuse, never a
 * date read (and dropped, or taken for a 补报).
 */
export function endsWithLabel(before: string, labels: readonly string[]): boolean {
  const tail = before.replace(/[\s:]+$/u, "");
  return labels.some((label) => tail.endsWith(label));
}

/** A reader's label words that come before their figure (在校, 实到, 已通知). */
const wordsBefore = (sets: readonly LabelSet[]) => sets.flatMap((set) => (set.before ? set.words : []));

/** The label words a figure follows in each named reader's reports (readReportDate's figureLabels). */
export const FIGURE_LABELS = { safety: wordsBefore(PRESENT), drowning: wordsBefore(DROWNING), study: wordsBefore(STUDY) } as const;

/** A month.day written with a point (6.12), which a figure after its label is too (实到 5.6). */
const MONTH_DOT_DAY = /^\d{1,2}\.\d{1,2}$/u;

/** Counting words after a number (1180人, 830户); 人次 before 人. */
const UNIT = "(?:人次|人|名|位|户|份|个)";
/**
 * Spans that hold digits but no figure: titles, dates, times, weeks, classes, rate words (the
 * rate is ours to compute). They are blanked before reading. Each with the characters it cannot
 * match without one of: words without any are not searched for it (most reports hold none).
 */
const NOT_FIGURES: [RegExp, string][] = [
  [/《[^》]*》/gu, "《"],
  // 6.12 for a date, but never 10.5/187 or 840.5人: those are fractions of people.
  [/(?<![\d.])(?:1[0-2]|0?[1-9])\.(?:3[01]|[12]\d|0?[1-9])(?![\d.%])(?!\s*(?:\/|人次|人|名|位|户|份|个))/gu, DOTTED],
  [/\d{4}\s*年/gu, "年"],
  [/\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?/gu, "月"],
  [/\d{1,2}\s*[日号](?!\s*\d)/gu, "日号"],
  [/\d{1,2}\s*:\s*\d{2}/gu, ":"],
  [/\d{1,2}\s*点(?:\s*\d{1,2}\s*分)?/gu, "点"],
  [/\d+\s*分钟/gu, "分"],
  [/第\s*\d+\s*[周次期天]/gu, "第"],
  [/\d+\s*(?:年级|班)/gu, "年班"],
  [/(?:提醒|通知|知晓|覆盖|出勤|参与|参会|到会)率/gu, "率"],
];
const PAIR = new RegExp(String.raw`(?<![A-Za-z\d.])${FIGURE}\s*${UNIT}?\s*/\s*${FIGURE}\s*${UNIT}?`, "gu");
const PERCENT = /(?<![A-Za-z\d.])(\d+(?:\.\d+)?)\s*%/gu;
const ARABIC = new RegExp(String.raw`(?<![A-Za-z\d.])${FIGURE}\s*${UNIT}?`, "gu");
/** A count in Chinese numerals, only with a counting word after it (两人请假; not 县一中, 一切). */
const CHINESE = /(?<!第)([零〇一二两三四五六七八九十百千]+)([人名位户])/gu;
/** Where one clause ends: a label never reaches a number across it. */
const CLAUSE_END = /[,.;!?，。；！？\n]/u;
/** At most this many characters between a label and its number (已通知家长1180人: 家长). */
const MAX_GAP = 6;

interface NumberToken {
  start: number;
  end: number;
  value: number;
  /** As typed, for messages. */
  text: string;
  negative: boolean;
  fraction: boolean;
  /** Written in Chinese numerals (两人, 五十人). */
  chinese: boolean;
}

interface LabelToken {
  start: number;
  end: number;
  figure: Figure;
  set: LabelSet;
}

/** The figures of a report's words: by what they count, the unlabelled ones in order, a `a/b` pair. */
interface Figures {
  labelled: Map<Figure, NumberToken[]>;
  bare: NumberToken[];
  pair?: [NumberToken, NumberToken];
  percents: number[];
  /** The words with every figure blanked, for the flags (完成, 全部参加). */
  rest: string;
  /** The words with the `a/b` pair blanked, only: where a slash is left, a side of it was no number. */
  slashed: string;
  /** The words with every figure and the label it took blanked (dates, times and titles left): what the figures do not explain (a remark). */
  unexplained: string;
}

/** A count written in Chinese numerals (十, 五十, 两千零五); undefined when malformed. */
function readChineseNumber(text: string): number | undefined {
  const digits: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
  const units: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };
  let total = 0;
  let digit: number | undefined;
  for (const ch of text) {
    if (ch in digits) digit = digits[ch];
    else if (ch in units) {
      total += (digit ?? (ch === "十" ? 1 : Number.NaN)) * units[ch]!;
      digit = undefined;
    } else return undefined;
  }
  total += digit ?? 0;
  return Number.isFinite(total) && total > 0 ? total : undefined;
}

/** Whether `text` holds any of the characters of `chars`. */
function hasAny(text: string, chars: string): boolean {
  for (const ch of chars) if (text.includes(ch)) return true;
  return false;
}

function toNumber(match: RegExpExecArray | string[], at: number, start: number, end: number, text: string, quote: QuoteTyped): NumberToken {
  const { value, negative, fraction } = figureOf(match, at);
  return { start, end, value, text: quote(text.trim(), start), negative, fraction, chinese: false };
}

/**
 * A character every pattern readFigures blanks or reads needs: a digit, a numeral, 率, a title's
 * 《. Words without any (平安, most reports) are read as they are, without the patterns.
 */
const MAY_HOLD_FIGURES = /[\d零〇一二两三四五六七八九十百千率《]/u;

/** Finds the figures in a report's words and what each counts, by the labels around them; each number's `text` as typed (`quote`). */
function readFigures(words: string, labels: readonly LabelSet[], quote: QuoteTyped): Figures {
  if (!MAY_HOLD_FIGURES.test(words)) return { labelled: new Map(), bare: [], percents: [], rest: words, slashed: words, unexplained: words };
  let text = words;
  for (const [pattern, needs] of NOT_FIGURES) {
    if (!hasAny(text, needs)) continue;
    const before = needs === DOTTED ? wordsBefore(labels) : [];
    text = text.replace(pattern, (m: string, ...rest: unknown[]) => (endsWithLabel(text.slice(0, rest.at(-2) as number), before) ? m : " ".repeat(m.length)));
  }
  const notFigures = text;

  let pair: [NumberToken, NumberToken] | undefined;
  for (const m of matchesOf(text, PAIR)) {
    const start = m.index;
    const slash = m[0].indexOf("/");
    const first = toNumber(m, 1, start, start + slash, m[0].slice(0, slash), quote);
    const second = toNumber(m, 4, start + slash + 1, start + m[0].length, m[0].slice(slash + 1), quote);
    // A second pair is not a report's figures: it stays for the leftover check to point out.
    if (pair) continue;
    pair = [first, second];
    text = blankSpan(text, start, start + m[0].length);
  }
  const slashed = text;
  const percents: number[] = [];
  for (const m of matchesOf(text, PERCENT)) {
    percents.push(Number(m[1]));
    text = blankSpan(text, m.index, m.index + m[0].length);
  }
  const numbers: NumberToken[] = [];
  for (const m of matchesOf(text, ARABIC)) numbers.push(toNumber(m, 1, m.index, m.index + m[0].length, m[0], quote));
  for (const m of matchesOf(text, CHINESE)) {
    const value = readChineseNumber(m[1]!);
    if (value !== undefined) {
      numbers.push({ start: m.index, end: m.index + m[0].length, value, text: quote(m[0], m.index), negative: false, fraction: false, chinese: true });
    }
  }
  numbers.sort((a, b) => a.start - b.start);
  for (const n of numbers) text = blankSpan(text, n.start, n.end);

  const found = findLabels(text, labels);
  const bound = bindLabels(text, numbers, found);
  const labelled = new Map<Figure, NumberToken[]>();
  const bare: NumberToken[] = [];
  let unexplained = text;
  numbers.forEach((n, i) => {
    const label = bound[i];
    if (label === undefined) bare.push(n);
    else {
      labelled.set(label.figure, [...(labelled.get(label.figure) ?? []), n]);
      unexplained = blankSpan(unexplained, label.start, label.end);
    }
  });
  return { labelled, bare, ...(pair && { pair }), percents, rest: text, slashed, unexplained: sayingAgain(words, notFigures, unexplained) };
}

/**
 * `blanked` with what NOT_FIGURES blanked in `notFigures` given back from `words`: a date, a time,
 * a class or a title is no figure, but it is said (今天6.12下雨, 在校12:30), never explained away.
 */
function sayingAgain(words: string, notFigures: string, blanked: string): string {
  if (notFigures === words) return blanked;
  let out = "";
  for (let i = 0; i < blanked.length; i += 1) out += notFigures[i] === " " && words[i] !== " " ? words[i] : blanked[i];
  return out;
}

/** Each reader's label words by their first character, longest first: made once per list, not per message. */
const labelWords = new WeakMap<readonly LabelSet[], Map<string, { word: string; set: LabelSet }[]>>();

/** The label words in `text`, leftmost first and longest at one place, never overlapping. */
function findLabels(text: string, sets: readonly LabelSet[]): LabelToken[] {
  let words = labelWords.get(sets);
  if (!words) {
    words = new Map();
    for (const entry of sets.flatMap((set) => set.words.map((word) => ({ word, set }))).sort((a, b) => b.word.length - a.word.length)) {
      words.set(entry.word[0]!, [...(words.get(entry.word[0]!) ?? []), entry]);
    }
    labelWords.set(sets, words);
  }
  const found: LabelToken[] = [];
  for (let at = 0; at < text.length; ) {
    const hit = words.get(text[at]!)?.find(({ word }) => text.startsWith(word, at));
    if (!hit) {
      at += 1;
      continue;
    }
    found.push({ start: at, end: at + hit.word.length, figure: hit.set.figure, set: hit.set });
    at += hit.word.length;
  }
  return found;
}

interface Candidate {
  label: number;
  gap: number;
  /** The label comes before the number (已提醒1180), the usual order. */
  leading: boolean;
}

/**
 * Which label each number belongs to: a number may take the nearest label before it or after
 * it, in its clause, with nothing but a few words between; each label takes one number. Of the
 * ways to pair them, the one that labels the most numbers wins, then the tightest, then the one
 * with more labels in front (50人参加 2人请假 → 50 参加, 2 请假; 1200人已提醒1180人 → 1180).
 */
function bindLabels(text: string, numbers: readonly NumberToken[], labels: readonly LabelToken[]): (LabelToken | undefined)[] {
  const gapOf = (from: number, to: number): number | undefined => {
    const between = text.slice(from, to);
    if (CLAUSE_END.test(between)) return undefined;
    const gap = between.replace(/\s/gu, "").length;
    return gap <= MAX_GAP ? gap : undefined;
  };
  const candidates = numbers.map((n, i): Candidate[] => {
    const list: Candidate[] = [];
    const previousEnd = i > 0 ? numbers[i - 1]!.end : 0;
    const nextStart = i + 1 < numbers.length ? numbers[i + 1]!.start : text.length;
    const before = labels.reduce((last, l, j) => (l.end <= n.start && l.start >= previousEnd ? j : last), -1);
    if (before >= 0 && labels[before]!.set.before) {
      const gap = gapOf(labels[before]!.end, n.start);
      if (gap !== undefined) list.push({ label: before, gap, leading: true });
    }
    const after = labels.findIndex((l) => l.start >= n.end && l.end <= nextStart);
    if (after >= 0 && labels[after]!.set.after) {
      const gap = gapOf(n.end, labels[after]!.start);
      if (gap !== undefined) list.push({ label: after, gap, leading: false });
    }
    return list;
  });
  let best: { picks: (Candidate | undefined)[]; score: [number, number, number] } | undefined;
  const better = (a: [number, number, number], b: [number, number, number]) =>
    a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] < b[1] : a[2] > b[2];
  const walk = (i: number, picks: (Candidate | undefined)[], used: Set<number>) => {
    if (i === numbers.length) {
      const chosen = picks.filter((p): p is Candidate => p !== undefined);
      const score: [number, number, number] = [chosen.length, chosen.reduce((s, p) => s + p.gap, 0), chosen.filter((p) => p.leading).length];
      if (!best || better(score, best.score)) best = { picks: [...picks], score };
      return;
    }
    walk(i + 1, [...picks, undefined], used);
    for (const candidate of candidates[i]!) {
      if (used.has(candidate.label)) continue;
      walk(i + 1, [...picks, candidate], new Set([...used, candidate.label]));
    }
  };
  walk(0, [], new Set());
  return best!.picks.map((pick) => (pick ? labels[pick.label] : undefined));
}

/** A slash and the words either side of it, within a clause (`NaN/52`, `/52`, `告家长书/电话`). */
const SLASHED = /[^\s,.;!?，。；！？/]*\s*\/\s*[^\s,.;!?，。；！？/]*/gu;

/**
 * Refuses a negative or fractional figure, digits that are no figure at all (`AB12`), and a
 * `/` with a number on one side only (`NaN/52`, `?/52`, `/52`): its other side is no number,
 * and what is left of it must never be read as the figures. Each is quoted as typed (`quote`).
 */
function checkNumbers(figures: Figures, quote: QuoteTyped): void {
  for (const m of figures.slashed.includes("/") ? matchesOf(figures.slashed, SLASHED) : []) {
    if (/\d/u.test(m[0])) throw new CodedError(ErrorCode.Usage, reportText.notAFigure(quote(m[0].trim(), m.index + m[0].length - m[0].trimStart().length)));
  }
  const all = [...(figures.pair ?? []), ...figures.bare];
  for (const numbers of figures.labelled.values()) all.push(...numbers);
  const negative = all.find((n) => n.negative);
  if (negative) throw new CodedError(ErrorCode.Usage, reportText.negativeFigure(negative.text));
  const fraction = all.find((n) => n.fraction);
  if (fraction) throw new CodedError(ErrorCode.Usage, reportText.fractionalFigure(fraction.text));
  const huge = all.find((n) => tooLargeForASchool(n.value));
  if (huge) throw new CodedError(ErrorCode.Usage, reportText.figureTooLarge(huge.text, MAX_SCHOOL_FIGURE));
  const leftover = /\S*\d\S*/u.exec(figures.rest);
  if (leftover) throw new CodedError(ErrorCode.Usage, reportText.unknownWord(quote(leftover[0], leftover.index)));
}

/** The sum of a figure's numbers (病假1人 事假1人), if any is given. */
function sum(figures: Figures, figure: Figure): number | undefined {
  const numbers = figures.labelled.get(figure);
  return numbers ? numbers.reduce((total, n) => total + n.value, 0) : undefined;
}

/** The one number of a figure, if given; two different ones are a question to ask. */
function single(figures: Figures, figure: Figure, name: string): number | undefined {
  const values = [...new Set((figures.labelled.get(figure) ?? []).map((n) => n.value))];
  if (values.length > 1) throw new CodedError(ErrorCode.Usage, reportText.twoValues(name, values));
  return values[0];
}

/** Unlabelled numbers fill the figures still missing, in the order given; more are a question. */
function fillBare(bareNumbers: readonly NumberToken[], slots: (number | undefined)[], names: readonly string[]): (number | undefined)[] {
  const filled = [...slots];
  const bare = [...bareNumbers];
  for (let i = 0; i < filled.length && bare.length > 0; i++) {
    if (filled[i] === undefined) filled[i] = bare.shift()!.value;
  }
  if (bare.length > 0) throw new CodedError(ErrorCode.Usage, reportText.whichNumber(bare.map((n) => n.text), names));
  return filled;
}

/**
 * A part and its whole (已提醒 of 应提醒, 实到 of 应到): each by its label, else from `a/b`, else
 * from the unlabelled numbers in the order written.
 */
function readPartOfWhole(figures: Figures, part: Figure, whole: Figure, labels: readonly [string, string]): (number | undefined)[] {
  const labelled = [single(figures, part, `${labels[0]}人数`), single(figures, whole, `${labels[1]}人数`)];
  return fillBare(figures.bare, [labelled[0] ?? figures.pair?.[0].value, labelled[1] ?? figures.pair?.[1].value], labels);
}

/** A whole the sender gave (应提醒, 应到): more than none, and checked against the roster's figure. */
function checkWhole(whole: number | undefined, roster: number, what: { name: string; zero: string; rosterWhat: string }, voice: ReplyVoice, notes: string[]): void {
  if (whole === undefined) return;
  if (whole <= 0) throw new CodedError(ErrorCode.Usage, what.zero);
  checkAgainstRoster(whole, roster, what.name, what.rosterWhat, voice, notes);
}

/**
 * Words that, in a 平安 report, hint at an incident: asked about, never filed as 无异常 (平安，但有一名
 * 学生发烧回家). What happens on a normal day (校门口积水已安排值守, 停电) is a remark, kept.
 */
const INCIDENT = new RegExp(
  [
    "异常|事故|意外|伤亡|死亡|车祸|溺|落水|失踪|走失|失联|出走|未归",
    "受伤|摔伤|烫伤|烧伤|划伤|割伤|扭伤|擦伤|碰伤|撞伤|砸伤|咬伤|抓伤|骨折|摔倒|跌倒|晕倒|昏倒|昏迷|抽搐|流血|出血",
    "发烧|发热|高烧|呕吐|腹泻|中毒|传染|感染|疫情|流感|水痘|手足口|诺如|腮腺炎",
    "送医|就医|急诊|救护车|医院|住院|报警|警察|派出所",
    "打架|斗殴|欺凌|霸凌|纠纷|冲突|自伤|自残|轻生",
    "火灾|起火|着火|失火|触电|漏电",
  ].join("|"),
  "gu",
);
const NEGATION = /无|没|未|不|零|非/u;
const WITHDRAW = /撤销|撤消|撤回|取消|作废|删除/u;
/** A negation just before the keyword: 不平安, 并非平安. */
const NEGATED_KEYWORD = /(?:不|没有|没|未|并非|非)$/u;

/** An incident word not denied just before it in its clause (无异常, 未发生安全事故, 无人受伤), and where it is. */
function findIncident(words: string): { word: string; at: number } | undefined {
  for (const m of matchesOf(words, INCIDENT)) {
    const clause = words.slice(0, m.index).split(CLAUSE_END).at(-1) ?? "";
    if (!NEGATION.test(clause.slice(-6))) return { word: m[0], at: m.index };
  }
  return undefined;
}

/**
 * A 平安 report: nothing happened, optionally with pupils present. Words that hint at an
 * incident, a withdrawal, or a negation before the keyword (不平安) are asked about instead.
 */
/** What a reader knows of the kinds beside its own. */
export interface KindsApart {
  /** The words that start each other enabled kind (folded). */
  others: readonly string[];
  /** Each enabled kind's first word, for the refusal that asks for one message each. */
  kinds: readonly string[];
}

export function readSafety(args: {
  before: string;
  words: string;
  school: School;
  voice: ReplyVoice;
  /** The characters as typed behind `words[start, end)`, for the remark; none without it. */
  typed?: (start: number, end: number) => string;
  /** A word of `words` as typed, for refusals (the message's `around.quote`); as it is without it. */
  quote?: QuoteTyped;
  /** The longest remark taken, in characters (limits.description_chars). */
  remarkChars?: number;
  /** The other kinds: with figures, a message holding one of their words is two reports. */
  apart?: KindsApart;
}): ReadReport<SafetyValue> {
  const { before, words, school, voice } = args;
  if (NEGATED_KEYWORD.test(before)) throw new CodedError(ErrorCode.Usage, reportText.notSafe(voice));
  if (WITHDRAW.test(words)) throw new CodedError(ErrorCode.Usage, reportText.withdrawInReport(voice.form("撤销 平安")));
  const { quote = quoteAsFolded } = args;
  const incident = findIncident(words);
  if (incident) throw new CodedError(ErrorCode.Usage, reportText.incidentInSafety(quote(incident.word, incident.at), voice));
  const figures = readFigures(words, PRESENT, quote);
  const hasNumbers = figures.pair !== undefined || figures.bare.length > 0 || figures.labelled.size > 0;
  // 平安 学习 50/52: two reports in one message; each is its own command.
  const apart = args.apart;
  if (hasNumbers && apart?.others.some((word) => words.includes(word))) throw new CodedError(ErrorCode.Usage, reportText.oneReportEach(apart.kinds));
  checkNumbers(figures, quote);
  if (figures.pair) throw new CodedError(ErrorCode.Usage, reportText.whichNumber([figures.pair[0].text, figures.pair[1].text], ["在校"]));
  // 有一名学生发烧回家: a count in words, unlabelled, tells of one pupil, not of those present.
  const bare = figures.bare.filter((n) => !n.chinese);
  const [present] = fillBare(bare, [single(figures, "present", "在校人数")], ["在校"]);
  const notes: string[] = [];
  const other: NumberToken[] = [];
  for (const figure of ["leave", "expected", "staff"] as const) other.push(...(figures.labelled.get(figure) ?? []));
  if (other.length > 0) notes.push(reportText.onlyPresentKept(other.map((n) => n.text)));
  if (present !== undefined) checkAgainstRoster(present, school.pupils, "在校人数", "学生", voice, notes);
  const remark = args.typed && readRemark(words, figures.unexplained, args.typed);
  if (remark && args.remarkChars !== undefined && [...remark].length > args.remarkChars) {
    throw new CodedError(ErrorCode.Usage, reportText.remarkTooLong([...remark].length, args.remarkChars));
  }
  return { value: { task: "safety", status: "normal", ...(present !== undefined && { present }), ...(remark && { remark }) }, notes };
}

/** A 平安 report's own words that say nothing more: thanks, all is well, who and what was counted. */
const REPORT_FILLER = /平安日报|报平安|平安|补报|补|安全|谢谢|感谢|辛苦了?|收到|请查收|请领导放心|放心|一切|正常|良好|平稳|稳定|安好|无事|无异常|没有异常|没异常|学生|全部|全体|全员|均|都|已|到校|到岗|在岗|在校|教职工|老师|教师|人|名/gu;
/** A run of words between separators; a point or colon between digits (6.12, 12:30) separates nothing. */
const SEGMENT = /(?:[^\s,.;!?，。；！？、:]|(?<=\d)[.:](?=\d))+/gu;

/**
 * What a 平安 report says besides 平安 and its figures (今天下雨，校门口积水已安排值守), as typed:
 * from the first run of words the figures, greetings and the report's own phrases do not
 * explain to the last. `unexplained` is `words` with the figures and their labels blanked.
 */
function readRemark(words: string, unexplained: string, typed: (start: number, end: number) => string): string | undefined {
  const said = matchesOf(words, SEGMENT).filter((m) => {
    const left = unexplained.slice(m.index, m.index + m[0].length);
    // A run blanked whole (figures and their labels) says nothing, without the patterns.
    return left.trim() !== "" && left.replace(GREETING, "").replace(REPORT_FILLER, "").replace(/[\p{P}\p{S}\s]/gu, "") !== "";
  });
  const first = said[0];
  const last = said.at(-1);
  return first && last ? typed(first.index, last.index + last[0].length) || undefined : undefined;
}

/**
 * An abnormal report's description: the words after the keyword, or the whole message when
 * more than a greeting or the school's name came before it (一名学生摔伤，异常). A negation
 * before the keyword (今天没发生什么异常) is asked about: it must not alert the leaders.
 */
export function readAbnormal(args: { before: string; after: string; afterFolded: string; whole: string; voice: ReplyVoice }): string {
  const clause = args.before.split(CLAUSE_END).at(-1) ?? "";
  if (NEGATION.test(clause)) throw new CodedError(ErrorCode.Usage, reportText.negatedAbnormal(args.voice));
  // 异常情况：无 — an answer to a form's question, not an incident.
  if (/^(?:情况)?[\s:]*(?:无|没有|暂无|没|未发现|否)[\s\p{P}]*$/u.test(args.afterFolded)) {
    throw new CodedError(ErrorCode.Usage, reportText.negatedAbnormal(args.voice));
  }
  const description = isGreetingOnly(args.before) ? args.after : args.whole;
  if ([...description.trim()].length < 2) throw new CodedError(ErrorCode.Usage, reportText.missingDescription);
  return description.trim();
}

/**
 * A date named in a report (平安 昨天, 补报6-15的平安, 2026年6月15日平安, 学习 上周), as a word of its own:
 * not 昨天下雨, which tells of a remark. `/` is never a date's (50/52 is a pair of figures).
 */
const REPORT_DATE = new RegExp(
  String.raw`(?<=^|[\s,.;!?，。；！？、:]|补报?)` +
    String.raw`(今天|今日|昨天|昨日|前天|明天|明日|后天|本周|这周|上周|\d{4}\s*[-.年]\s*\d{1,2}\s*[-.月]\s*\d{1,2}\s*[日号]?|(?:1[0-2]|0?[1-9])\s*(?:-|月)\s*(?:3[01]|[12]\d|0?[1-9])\s*[日号]?|(?:1[0-2]|0?[1-9])\.(?:3[01]|[12]\d|0?[1-9]))` +
    String.raw`(?=$|[\s,.;!?，。；！？、]|的|补报|报)`,
  "gu",
);

/**
 * The day or week a report's words name, if any, and the words without it (same length): a
 * date is never a figure (`6-15` is no 15 pupils). Dates without a year are the nearest past one.
 * `labelled` passes over a date the words before it give to a field (日期 11月18日); a month.day
 * right after one of `figureLabels` (实到 5.6) is a figure, not a date. `typed`, the date as typed (`quote`), for refusals.
 */
export function readReportDate(
  words: string,
  today: LocalDate,
  { labelled, figureLabels = [], quote = quoteAsFolded }: { labelled?: (before: string) => boolean; figureLabels?: readonly string[]; quote?: QuoteTyped } = {},
): { span?: DateSpan; typed?: string; words: string } {
  const m = matchesOf(words, REPORT_DATE).find((found) => {
    const before = words.slice(0, found.index);
    return !labelled?.(before) && !(MONTH_DOT_DAY.test(found[1]!) && endsWithLabel(before, figureLabels));
  });
  if (!m) return { words };
  const typed = quote(m[1]!, m.index);
  // The date is read with its points as dashes (6.15 → 6-15): a refusal quotes it as typed, whole.
  const read = readDateSpan(m[1]!.replace(/\./gu, "-"), today, "past", () => typed);
  const rest = blankSpan(words, m.index, m.index + m[0].length);
  return read ? { span: read.span, typed, words: rest } : { words: rest };
}

/** A particle that ends a question: 平安吗, 报了么, 学习呢, 平安？ (not 什么, 怎么, 那么). */
const ASKING_END = /(?:吗|(?<![什怎那这多要])么|呢|\?)$/u;
/** Words that ask: 是否平安, 要不要报, 报了没, 怎么报. */
const ASKING_WORDS = /是否|有没有|要不要|需不需要|需要不|用不用|是不是|能不能|可不可以|可以不|了没|报没报|怎么|如何|什么时候|几点/u;
/** What a question about reporting says besides the keyword: 要报异常吗, 是否有异常. */
const ASKING_FILLER = /是否|有没有|要不要|需不需要|需要|应该|要|用|该|吗|么|呢|了没|没有|没|\?/gu;

/**
 * Whether a reporting command's message asks rather than tells (我们今天报平安了吗, 今天要报平安吗？,
 * 是否要报学习): the clause that holds the keyword ends as a question or holds a word that asks.
 * `before` and `after` are the words either side of the keyword. A question in a clause of its
 * own (平安，今天下雨，要不要提前放学？) belongs to a remark, not to the report.
 */
export function asksAboutReporting(before: string, after: string): boolean {
  const head = before.split(CLAUSE_END).at(-1) ?? "";
  // A question mark ends the clause only where nothing of it follows (`?/52` is a figure gone wrong).
  const tail = /^[^,.;!?，。；！？\n]*(?:\?+(?=$|[\s,.;!?，。；！？~～\p{S}]))?/u.exec(after)![0];
  const clause = `${head} ${tail}`.replace(/[^\p{L}\p{N}?]+$/u, "");
  return ASKING_END.test(clause) || ASKING_WORDS.test(clause);
}

/**
 * Whether an 异常 message asks (有异常吗, 今天需要报异常吗, 是否有异常？) rather than reports: it asks,
 * and describes nothing. A description that holds a question (有学生打架？) is an incident to report.
 */
export function asksAboutAbnormal(before: string, after: string): boolean {
  return asksAboutReporting(before, after) && isGreetingOnly(after.replace(ASKING_FILLER, ""));
}

/** Words that say when or who, around a report's keyword, and nothing more. */
const GREETING =
  /各位|领导|老师|您好|你好|早上好|上午好|下午好|晚上好|大家好|好|今日|今天|本日|当日|本周|这周|本校|我校|学校|全校|师生|今|报告|汇报|报个|报|一下|发生|出现|有|情况|如下|了|的|啦|呀|哦|吧/gu;

function isGreetingOnly(text: string): boolean {
  return text.replace(GREETING, "").replace(/[\p{P}\p{S}\s]/gu, "") === "";
}

/** How parents were reached, as SPEC.md lists them, with the words principals use for each. */
const CHANNELS: [string, RegExp][] = [
  ["电话", /电话|打电话/u],
  ["短信", /短信/u],
  ["家访", /家访/u],
  ["告家长书", /告家长书|家长信|致家长|一封信/u],
  ["家长会", /家长会/u],
  ["微信", /微信|家长群|班级群|钉钉/u],
];

/**
 * A 防溺水 report: parents reached over parents to reach (the roster's pupils when not given);
 * 完成, 全部 or 100% mean every one of them; how they were reached.
 */
export function readDrowning(args: { words: string; quote?: QuoteTyped; school: School; voice: ReplyVoice }): ReadReport<DrowningValue> {
  const { words, school, voice, quote = quoteAsFolded } = args;
  if (WITHDRAW.test(words)) throw new CodedError(ErrorCode.Usage, reportText.withdrawInReport(voice.form("撤销 防溺水")));
  const channels = CHANNELS.filter(([, pattern]) => pattern.test(words)).map(([name]) => name);
  // Channel words are not figures' labels: 家长会 must not read as 会.
  let text = words;
  for (const [, pattern] of CHANNELS) text = text.replace(new RegExp(pattern.source, "gu"), (m) => " ".repeat(m.length));
  const figures = readFigures(text, DROWNING, quote);
  checkNumbers(figures, quote);
  let [reached, total] = readPartOfWhole(figures, "reached", "total", ["已提醒", "应提醒"]);
  // 已提醒1180人，还有20人未提醒: the parents to reach are both; 共1200人，20人未提醒: the rest were reached.
  const unreached = sum(figures, "unreached");
  if (unreached !== undefined) {
    if (reached !== undefined && total === undefined) total = reached + unreached;
    else if (reached === undefined) reached = (total ?? school.pupils) - unreached;
    if (reached < 0 || reached + unreached !== (total ?? school.pupils)) {
      throw new CodedError(ErrorCode.Usage, reportText.unreachedMismatch(reached, unreached, total ?? school.pupils));
    }
  }
  const notes: string[] = [];
  checkWhole(total, school.pupils, { name: "应提醒人数", zero: reportText.totalZero, rosterWhat: "学生" }, voice, notes);
  total ??= school.pupils;
  const done = saysAll(figures.rest, DROWNING_DONE) || figures.percents.includes(100);
  if (reached === undefined && done) reached = total;
  if (reached === undefined) throw new CodedError(ErrorCode.Usage, reportText.drowningNumbers);
  if (total <= 0) throw new CodedError(ErrorCode.Usage, reportText.totalZero);
  if (reached > total) throw new CodedError(ErrorCode.Usage, reportText.reachedOverTotal(reached, total));
  return { value: { task: "drowning", reached, total, channels }, notes };
}

/** The study topic: after 主题 / 内容 to the end as typed, else a 《title》; and the words before it. */
export function readStudyTopic(input: { folded: string; original(start?: number, end?: number): string }): { topic?: string; words: string } {
  const label = /(?:学习)?(?:主题|内容)\s*:?/u.exec(input.folded);
  if (label) {
    const topic = input.original(label.index + label[0].length).replace(/^[\s:：]+/u, "");
    return { ...(topic && { topic }), words: input.folded.slice(0, label.index) };
  }
  const title = /《[^》]*》/u.exec(input.folded);
  if (title) return { topic: input.original(title.index, title.index + title[0].length), words: input.folded };
  return { words: input.folded };
}

/**
 * A 学习 report: staff attended over staff expected (the roster's staff when not given), on
 * leave, the topic. 全部参加, 全员, 完成 mean all expected attended; 请假2人 alone means the
 * others did.
 */
export function readStudy(args: { words: string; quote?: QuoteTyped; topic?: string; school: School; voice: ReplyVoice }): ReadReport<StudyValue> {
  const { words, topic, school, voice, quote = quoteAsFolded } = args;
  if (WITHDRAW.test(words)) throw new CodedError(ErrorCode.Usage, reportText.withdrawInReport(voice.form("撤销 学习")));
  const figures = readFigures(words, STUDY, quote);
  checkNumbers(figures, quote);
  let [attended, expected] = readPartOfWhole(figures, "attended", "expected", ["实到", "应到"]);
  let leave = sum(figures, "leave");
  if (leave === undefined && NO_LEAVE.test(figures.rest)) leave = 0;
  // 50人参加 2人请假: every part named, so the whole is theirs (as 已提醒 + 未提醒 is for 防溺水), checked like a whole typed.
  if (expected === undefined && attended !== undefined && leave !== undefined) expected = attended + leave;
  const notes: string[] = [];
  checkWhole(expected, school.staff, { name: "应到人数", zero: reportText.expectedZero, rosterWhat: "教职工" }, voice, notes);
  expected ??= school.staff;
  if (expected <= 0) throw new CodedError(ErrorCode.Usage, reportText.expectedZero);
  if (leave !== undefined && leave > expected) throw new CodedError(ErrorCode.Usage, reportText.leaveOverExpected(0, leave, expected));
  // 全体参加，1人请假: all but the one on leave.
  if (attended === undefined && leave !== undefined && leave > 0) attended = expected - leave;
  if (attended === undefined && saysAll(figures.rest, STUDY_ALL)) attended = expected;
  if (attended === undefined) throw new CodedError(ErrorCode.Usage, reportText.studyNumbers);
  if (attended > expected) throw new CodedError(ErrorCode.Usage, reportText.attendedOverExpected(attended, expected));
  if (leave !== undefined && attended + leave > expected) throw new CodedError(ErrorCode.Usage, reportText.leaveOverExpected(attended, leave, expected));
  return {
    value: { task: "study", attended, expected, ...(leave !== undefined && { leave }), ...(topic && { topic }) },
    notes,
  };
}

/**
 * A reporting command's message that asks rather than reports (平安吗, 我们今天报平安了吗):
 * the schools asked about, and the command that would report (or withdraw), as the sender
 * writes it. Nothing is recorded; the answer is the schools' status, as 状态 gives it.
 */
export interface Question {
  asked: readonly School[];
  /** The command the sender would send to do it (`平安`, `代报 县一中 平安`). */
  command: string;
}

/** Whether a command's parsed arguments are a question (see Question). */
export function isQuestion(args: unknown): args is Question {
  return typeof args === "object" && args !== null && "asked" in args;
}

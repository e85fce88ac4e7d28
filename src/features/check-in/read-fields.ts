import type { FieldDeclaration } from "../../config/kind-schema.js";
import type { ReportKind } from "../../config/kinds.js";
import type { School } from "../../config/roster.js";
import { MAX_SCHOOL_FIGURE } from "../../config/school.js";
import { CodedError, ErrorCode } from "../../errors.js";
import type { FieldValue, FieldsValue } from "../../store/report.js";
import type { LocalDate } from "../../time/local-time.js";
import { readDateSpan } from "../leaders/read-date-span.js";
import { fieldsText } from "./fields-text.js";
import { fitExample } from "./fit-example.js";
import { reportText, type ReplyVoice } from "./report-text.js";
import { checkAgainstRoster } from "./roster-check.js";
import { FIGURE, figureOf, type ReadFigure } from "./read-figure.js";
import { quoteAsFolded, type QuoteTyped } from "../../text/words.js";

/**
 * The generic reader: what a message says of a declared kind's fields, each found by its label
 * (应到1200 实到1180 因病缺勤3, 带班领导 张三, 已召开 / 未召开, 主题：防火), a named count by its
 * name (发热2 咳嗽1), a choice by its option, a date anywhere, a `a/b` pair as a count and its
 * total, and a status by 异常 (with what follows it) or else normal. A field's words run from its
 * label to the next label. Required fields, limits, a count over its total, a total the roster
 * gives (against the roster, as every reader checks one: checkAgainstRoster) and no count above
 * it are checked here, each refusal saying what to write.
 */
export function readFields(args: {
  words: string;
  /** The characters as typed behind `words[start, end)`, for texts. */
  typed: (start: number, end: number) => string;
  /** A word of `words` as typed, for refusals (the message's `around.quote`); as it is without it. */
  quote?: QuoteTyped;
  kind: Pick<ReportKind, "name" | "fields" | "examples">;
  school: School;
  today: LocalDate;
  /** How replies name the school (贵校, or 该校 for 代报). */
  voice?: ReplyVoice;
}): { value: FieldsValue; notes: string[]; unrecorded?: string } {
  const { words, typed, kind, school, today, quote = quoteAsFolded, voice = reportText.voice() } = args;
  const fields = Object.entries(kind.fields);
  // 晨检 实到1190 异常 发热学生多: a kind without a status keeps no 异常, and what it says would be lost.
  if (!fields.some(([, field]) => field.type === "status") && SAYS_ABNORMAL.test(words)) throw usage(fieldsText.noAbnormal(kind.name));
  const labels = findLabels(words, fields);
  const value: Record<string, FieldValue> = {};
  // Where the words were read (a label, or what went into a field): a figure anywhere else is
  // one the message meant and we did not record; other words there are told back as not recorded.
  const read: [number, number][] = labels.map((label) => [label.start, label.end]);
  const segmentOf = (index: number) => {
    const label = labels[index]!;
    const end = labels[index + 1]?.start ?? words.length;
    return { start: label.end, end, text: words.slice(label.end, end) };
  };

  labels.forEach((label, index) => {
    const segment = segmentOf(index);
    const field = kind.fields[label.field]!;
    switch (field.type) {
      case "status": {
        value[label.field] = label.abnormal ? "abnormal" : "normal";
        // What follows the status says more of it (异常 校门口积水; 平安 今天下雨): the description, where the kind keeps one.
        const description = typedText(typed, segment.start, segment.end);
        if (description && kind.fields.description?.type === "text") {
          value.description = description;
          read.push([segment.start, segment.end]);
        }
        return;
      }
      case "count": {
        const figure = figureAfter(segment.text, field.label, (word, at) => quote(word, segment.start + at));
        if (figure === undefined) return;
        const { n } = figure;
        read.push([segment.start, segment.start + figure.length]);
        const earlier = value[label.field];
        if (earlier !== undefined && earlier !== n) throw usage(fieldsText.twoValues(field.label, [earlier as number, n]));
        value[label.field] = n;
        return;
      }
      case "counts": {
        if (label.name === undefined) return;
        const figure = figureAfter(segment.text, label.name, (word, at) => quote(word, segment.start + at));
        if (figure === undefined) return;
        const { n } = figure;
        read.push([segment.start, segment.start + figure.length]);
        const counts = { ...((value[label.field] as Record<string, number> | undefined) ?? {}) };
        const earlier = counts[label.name];
        if (earlier !== undefined && earlier !== n) throw usage(fieldsText.twoValues(label.name, [earlier, n]));
        counts[label.name] = n;
        value[label.field] = counts;
        return;
      }
      case "yesno": {
        const before = words.slice(Math.max(0, label.start - 2), label.start);
        const answer = /^\s*[:：]?\s*(是|有|已|否|无|没有|没)/u.exec(segment.text);
        if (answer) read.push([segment.start, segment.start + answer[0].length]);
        const yes = NEGATION_BEFORE.test(before) ? false : answer ? !/否|无|没/u.test(answer[1]!) : true;
        // 已召开 … 未召开: the message says both; neither is recorded.
        if (value[label.field] !== undefined && value[label.field] !== yes) throw usage(fieldsText.yesAndNo(field.label));
        value[label.field] = yes;
        return;
      }
      case "text": {
        const text = typedText(typed, segment.start, segment.end);
        if (text) {
          value[label.field] = text;
          read.push([segment.start, segment.end]);
        }
        return;
      }
      case "date": {
        const at = segment.start + (/^[\s:：]*/u.exec(segment.text)?.[0].length ?? 0);
        const date = readDateSpan(words.slice(at, segment.end), today, "nearest", quote);
        if (date) {
          value[label.field] = dateOf(field, date, today, () => quote(words.slice(at, at + date.length), at));
          read.push([at, at + date.length]);
        }
        return;
      }
      case "choice":
        return;
    }
  });

  for (const [id, field] of fields) {
    if (field.type === "choice") {
      const chosen = chosenOptions(words, field.options ?? [], read);
      if (chosen.length > 1 && !field.multiple) throw usage(fieldsText.oneChoice(field.label, chosen));
      if (chosen.length > 0) value[id] = field.multiple ? chosen : chosen[0]!;
    }
    // A date written without its label: the first date in the words.
    if (field.type === "date" && value[id] === undefined) {
      for (const m of words.matchAll(DATE_START)) {
        const date = readDateSpan(words.slice(m.index), today, "nearest", quote);
        if (date) {
          value[id] = dateOf(field, date, today, () => quote(words.slice(m.index, m.index + date.length), m.index));
          read.push([m.index, m.index + date.length]);
          break;
        }
      }
    }
    if (field.type === "status" && value[id] === undefined) value[id] = "normal";
  }

  // 1180/1200: a count and its total, for the first count that has one and was not labelled.
  const pair = PAIR.exec(words);
  const paired = fields.find(([id, field]) => field.type === "count" && field.total !== undefined && value[id] === undefined);
  if (pair && paired) {
    const slash = pair[0].indexOf("/");
    const [part, whole] = [pair[0].slice(0, slash).trim(), pair[0].slice(slash + 1).trim()];
    value[paired[0]] = checkedFigure(figureOf(pair, 1), paired[1].label, () => quote(part, pair.index));
    value[paired[1].total!] = checkedFigure(figureOf(pair, 4), kind.fields[paired[1].total!]!.label, () => quote(whole, pair.index + pair[0].indexOf(whole, slash)));
    read.push([pair.index, pair.index + pair[0].length]);
  }
  // 头痛3 where only 发热, 咳嗽 … are named: the 3 would be lost, and with it a rule's alert.
  for (const m of words.matchAll(/\d+/gu)) {
    if (read.some(([start, end]) => m.index >= start && m.index < end)) continue;
    const [start, end] = wordAt(words, m.index);
    throw usage(fieldsText.figureNotRead(typed(start, end), quote(m[0], m.index), kind.name, countNames(fields)));
  }

  // The wholes the roster filled in (实到 alone: 应到 is its pupils), as opposed to those the message gave.
  const fromRoster = new Set<string>();
  for (const [id, field] of fields) {
    if (field.type !== "count") continue;
    const total = field.total !== undefined ? kind.fields[field.total] : undefined;
    if (field.total !== undefined && total && value[field.total] === undefined && total.roster) {
      value[field.total] = school[total.roster];
      fromRoster.add(field.total);
    }
    const n = value[id];
    if (typeof n !== "number") continue;
    if (field.max !== undefined && n > field.max) throw usage(fieldsText.overMax(field.label, n, field.max));
    const whole = field.total !== undefined ? value[field.total] : undefined;
    if (typeof whole === "number" && n > whole) throw usage(fieldsText.overTotal(field.label, n, total!.label, whole));
  }
  const notes: string[] = [];
  // A whole the roster also gives (应到, its pupils or staff): checked as every reader checks one,
  // and no count of the report above it (发热 1000000 of 应到 2136 would reach 汇总 and its alerts).
  const wholes = fields.flatMap(([id, field]) => (field.type === "count" && field.roster !== undefined ? [{ id, field, roster: field.roster }] : []));
  for (const { id, field, roster } of wholes) {
    const given = value[id];
    if (typeof given !== "number" || fromRoster.has(id)) continue;
    if (given <= 0) throw usage(fieldsText.wholeZero(field.label));
    checkAgainstRoster(given, school[roster], `${field.label}人数`, ROSTER_WHAT[roster], voice, notes);
  }
  const bound = wholes.flatMap(({ id, field }) => (typeof value[id] === "number" ? [{ label: field.label, n: value[id] }] : [])).sort((a, b) => b.n - a.n)[0];
  if (bound) {
    for (const [id, field] of fields) {
      const n = value[id];
      if (field.type === "count" && field.roster === undefined && typeof n === "number" && n > bound.n) throw usage(fieldsText.overTotal(field.label, n, bound.label, bound.n));
      if (field.type === "counts" && typeof n === "object" && n !== null) {
        for (const [name, count] of Object.entries(n as Record<string, number>)) if (count > bound.n) throw usage(fieldsText.overTotal(name, count, bound.label, bound.n));
      }
    }
  }
  for (const [id, field] of fields) {
    if (field.type === "text" && typeof value[id] === "string") {
      const chars = [...(value[id] as string)].length;
      const limit = field.max_chars ?? DEFAULT_TEXT_CHARS;
      if (chars > limit) throw usage(fieldsText.textTooLong(field.label, chars, limit));
    }
    if (field.required && value[id] === undefined) {
      const example = kind.examples[0];
      throw usage(fieldsText.missing(field.label, example === undefined ? undefined : fitExample(kind, example, { school, today })));
    }
  }
  const unread = unreadWords(words, read).map(([start, end]) => typed(start, end));
  const unrecorded = unread.length > 0 ? fieldsText.notRecorded(unread, kind.name, fieldLabels(fields)) : undefined;
  return { value: { task: "fields", ...value }, notes: unrecorded === undefined ? notes : [...notes, unrecorded], ...(unrecorded !== undefined && { unrecorded }) };
}

/** How a roster column is named in a note or refusal about it. */
const ROSTER_WHAT = { pupils: "学生", staff: "教职工" } as const;

/** What stands between a message's words: spaces and punctuation, half- or full-width. */
const SEPARATOR_CLASS = String.raw`[\s,.;:!?，。；：！？、]`;
const SEPARATOR = new RegExp(SEPARATOR_CLASS, "u");
const SEPARATORS = new RegExp(`${SEPARATOR_CLASS}+`, "u");
const TRAILING_SEPARATORS = new RegExp(`${SEPARATOR_CLASS}+$`, "u");

/** A text field's longest, unless it declares its own. */
const DEFAULT_TEXT_CHARS = 200;
/** A figure right at the start of a label's words (实到1190, 发热：2, 参会 35人). */
const LEADING_FIGURE = new RegExp(String.raw`^\s*[:：]?\s*${FIGURE}`, "u");
const PAIR = new RegExp(String.raw`(?<![\d.])${FIGURE}\s*人?\s*/\s*${FIGURE}`, "u");
/** Where a date may start: a digit or a day word. */
const DATE_START = /(?<![\d.])(?=\d{1,4}\s*[-.年月]|今天|昨天|前天)/gu;
/** 未召开, 没有值班, 不: the answer is no. */
const NEGATION_BEFORE = /(?:未|没|没有|不|无)$/u;
/** How principals write 异常 and its normal opposites, for a status field. */
const ABNORMAL_WORDS = ["有异常", "异常"];
const NORMAL_WORDS = ["无异常", "没有异常", "一切正常", "平安", "正常"];
/** 异常 (有异常) as a word of its own: not denied (无异常), nor part of a name (体温异常). */
const SAYS_ABNORMAL = new RegExp(`(?:^|${SEPARATOR_CLASS})有?异常`, "u");

interface FoundLabel {
  start: number;
  end: number;
  field: string;
  /** A named count's name. */
  name?: string;
  /** A status said abnormal. */
  abnormal?: boolean;
}

/** The words a kind's figures follow: its count fields' labels and its counts' names (发热, 咳嗽). */
export function figureLabelsOf(kind: Pick<ReportKind, "fields">): string[] {
  return Object.values(kind.fields).flatMap((field) => (field.type === "count" ? [field.label] : field.type === "counts" ? (field.names ?? []) : []));
}

/** The labels of the kind's fields in the words, leftmost first and longest at one place, never overlapping. */
function findLabels(words: string, fields: readonly [string, FieldDeclaration][]): FoundLabel[] {
  const candidates: { word: string; label: Omit<FoundLabel, "start" | "end"> }[] = [];
  for (const [id, field] of fields) {
    if (field.type === "status") {
      for (const word of NORMAL_WORDS) candidates.push({ word, label: { field: id } });
      for (const word of ABNORMAL_WORDS) candidates.push({ word, label: { field: id, abnormal: true } });
    } else if (field.type === "counts") {
      for (const name of field.names ?? []) candidates.push({ word: name, label: { field: id, name } });
    } else if (field.type !== "choice") candidates.push({ word: field.label, label: { field: id } });
  }
  candidates.sort((a, b) => b.word.length - a.word.length);
  const found: FoundLabel[] = [];
  // What follows 异常 is its description: no status word in it (已安全转移, 恢复正常) is read.
  let described = false;
  for (let at = 0; at < words.length; ) {
    const hit = candidates.find(({ word, label }) => words.startsWith(word, at) && !(described && typeOfField(fields, label.field) === "status"));
    if (!hit) {
      at += 1;
      continue;
    }
    found.push({ start: at, end: at + hit.word.length, ...hit.label });
    if (hit.label.abnormal) described = true;
    at += hit.word.length;
  }
  return found;
}

/**
 * The options the words name, in the declaration's order. The longest option at a place wins
 * (不合格 is not 合格 when both are options), and an option right after a negation is not
 * chosen (不合格 names no option when only 合格 is one).
 */
function chosenOptions(words: string, options: readonly string[], read: [number, number][]): string[] {
  const taken: boolean[] = [];
  const chosen = new Set<string>();
  for (const option of [...options].sort((a, b) => b.length - a.length)) {
    for (let at = words.indexOf(option); at >= 0; at = words.indexOf(option, at + 1)) {
      const span = Array.from({ length: option.length }, (_, i) => at + i);
      if (span.some((i) => taken[i]) || NEGATION_BEFORE.test(words.slice(Math.max(0, at - 2), at))) continue;
      for (const i of span) taken[i] = true;
      read.push([at, at + option.length]);
      chosen.add(option);
    }
  }
  return options.filter((option) => chosen.has(option));
}

const typeOfField = (fields: readonly [string, FieldDeclaration][], id: string) => fields.find(([fieldId]) => fieldId === id)?.[1].type;

/** The typed text of `[start, end)` without the separators around it; undefined when nothing is left. */
function typedText(typed: (start: number, end: number) => string, start: number, end: number): string | undefined {
  const text = typed(start, end).replace(/^[\s:：,，、;；。.]+|[\s,，、;；。]+$/gu, "");
  return text === "" ? undefined : text;
}

/**
 * The figure written right after a label, and how many characters it takes from the label on;
 * refused when it cannot be a count (发热-2, 发热2.5, a figure no school has); undefined when
 * none follows (其他正常: the name within other words). `quote(word, at)` gives a word at `text[at]` as typed.
 */
function figureAfter(text: string, label: string, quote: (word: string, at: number) => string): { n: number; length: number } | undefined {
  const match = LEADING_FIGURE.exec(text);
  if (!match) return undefined;
  const figure = match[0].replace(/^[\s:：]+/u, "").trim();
  return { n: checkedFigure(figureOf(match, 1), label, () => quote(figure, match[0].indexOf(figure))), length: match[0].length };
}

/** The word around `at`: from the separator before it to the one after. */
function wordAt(words: string, at: number): [number, number] {
  let start = at;
  let end = at;
  while (start > 0 && !SEPARATOR.test(words[start - 1]!)) start -= 1;
  while (end < words.length && !SEPARATOR.test(words[end]!)) end += 1;
  return [start, end];
}

/** What a figure can be written after: each count's label and each named count. */
function countNames(fields: readonly [string, FieldDeclaration][]): string[] {
  return fields.flatMap(([, field]) => (field.type === "count" ? [field.label] : field.type === "counts" ? [...(field.names ?? [])] : []));
}


/**
 * Words around the fields that say nothing to record: 已/未 before a yes-no label (已召开), a
 * unit after a figure (参会12人), and the everyday words for all is well (一切正常), which a
 * kind without a status has no field for and needs none.
 */
const SAYS_NOTHING = /^(?:[已未没有无不是否了的人名个位例次]+|一切正常|全部正常|正常|平安|无异常|没有异常)$/u;

/**
 * The words no field took (例会 未召开 原因：校长外出: 原因：校长外出), each run from one read
 * place to the next, without separators and the words that say nothing: they are told back
 * as not recorded, never dropped unsaid.
 */
function unreadWords(words: string, read: readonly [number, number][]): [number, number][] {
  const taken = new Uint8Array(words.length);
  for (const [start, end] of read) taken.fill(1, start, end);
  const runs: [number, number][] = [];
  for (let at = 0; at < words.length; ) {
    if (taken[at] || SEPARATOR.test(words[at]!)) {
      at += 1;
      continue;
    }
    let end = at;
    while (end < words.length && !taken[end]) end += 1;
    const run = words.slice(at, end).replace(TRAILING_SEPARATORS, "");
    if (run !== "" && !run.split(SEPARATORS).every((word) => word === "" || SAYS_NOTHING.test(word))) runs.push([at, at + run.length]);
    at = end;
  }
  return runs;
}


/** How a reply names what a kind records: each field by its label, a named count by its names. */
function fieldLabels(fields: readonly [string, FieldDeclaration][]): string[] {
  return fields.flatMap(([, field]) => (field.type === "counts" ? [...(field.names ?? [])] : field.type === "choice" ? [...(field.options ?? [])] : [field.label]));
}

/** A figure's value, or the refusal of a figure no count can be, quoting it as typed (`typed`). */
function checkedFigure(figure: ReadFigure, label: string, typed: () => string): number {
  if (figure.negative) throw usage(fieldsText.negative(label, typed()));
  if (figure.fraction) throw usage(fieldsText.notWhole(label, typed()));
  if (figure.tooLarge) throw usage(fieldsText.tooLarge(label, typed(), MAX_SCHOOL_FIGURE));
  return figure.value;
}

const usage = (message: string) => new CodedError(ErrorCode.Usage, message);

/** A date field's value, the first day read; a day to come is refused where the field takes days come only (a meeting held). */
function dateOf(field: FieldDeclaration, read: { span: { start: LocalDate } }, today: LocalDate, typed: () => string): LocalDate {
  const day = read.span.start;
  if (field.past && day > today) throw usage(fieldsText.dateAhead(field.label, typed(), day, today));
  return day;
}

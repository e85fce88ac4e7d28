/*
 * How a message's words are read, the ground every parser stands on: folding a message into
 * what parsers read (normalizeText) and a word into the form it is matched in (simplified
 * script, NFKC, lower case), the separators between words, and finding many fixed strings
 * (keywords, school names) in one pass.
 */

import TRADITIONAL_PAIRS from "opencc-js/dict/TSCharacters";

/**
 * Traditional → simplified, character by character, from OpenCC's table (the one the holiday
 * notice's converter uses), so that every word a declaration gives (晨检, 发热, 带班领导) is also
 * found in traditional script: `報平安`, `學習 50人參加`, `發熱2`. Character by character, not
 * phrase by phrase, so each folded character stands for the one typed. Free text (an abnormal
 * report's description) is kept as typed; only what we match against is folded.
 */
const TRADITIONAL = new Map(TRADITIONAL_PAIRS.split("|").map((pair) => pair.split(" ") as [string, string]));

/** Simplified form of a string, character by character, for the folded keyword set. */
export function toSimplified(text: string): string {
  let out = "";
  for (const ch of text) out += TRADITIONAL.get(ch) ?? ch;
  return out;
}

/** A keyword or a word of a declaration as the folded text is matched against: NFKC, simplified, lower case. */
export function foldWord(word: string): string {
  return toSimplified(word.normalize("NFKC")).toLowerCase();
}

/** A message as the parser reads it, able to give back any part of it as typed. */
export interface NormalizedText {
  /** NFKC, simplified, leading @mentions removed, white space collapsed: what parsers read. */
  folded: string;
  /** The characters as the user typed them (full-width punctuation, traditional script) behind `folded[start, end)`. */
  original(start?: number, end?: number): string;
  /** The whole message as typed, mention removed: `original()`, worked out once. */
  typed: string;
}

const SPACE = /[\s\u200b]/u;

/** Each character's folded units, its white space as " ": worked out once per character (NFKC and the script table were most of a message's folding), for at most this many. */
const folds = new Map<string, readonly string[]>();
const FOLDS_KEPT = 4096;

function foldChar(ch: string): readonly string[] {
  let units = folds.get(ch);
  if (units) return units;
  units = (SPACE.test(ch) ? " " : toSimplified(ch.normalize("NFKC"))).split("").map((unit) => (SPACE.test(unit) ? " " : unit));
  if (folds.size < FOLDS_KEPT) folds.set(ch, units);
  return units;
}

/**
 * Folds what a principal typed into what the parser reads: NFKC (full-width digits, letters and
 * punctuation become ASCII), traditional keywords become simplified, the leading @mention of
 * the bot is removed, and runs of white space collapse. Each folded character remembers where
 * it came from, so free text such as an abnormal report's description is kept exactly as typed.
 */
export function normalizeText(raw: string, botName: string): NormalizedText {
  // The folded units and where each came from, white space collapsed as it is read (a space
  // only after a kept unit that is none), in one pass: no array is built twice.
  const chars: string[] = [];
  const from: number[] = [];
  for (let i = 0; i < raw.length; ) {
    const ch = String.fromCodePoint(raw.codePointAt(i)!);
    for (const unit of foldChar(ch)) {
      if (unit === " " && (chars.length === 0 || chars[chars.length - 1] === " ")) continue;
      chars.push(unit);
      from.push(i);
    }
    i += ch.length;
  }
  if (chars[chars.length - 1] === " ") {
    chars.pop();
    from.pop();
  }
  const whole = chars.join("");
  // Leading @mentions, each with the space after it: the bot's by its name (which may hold a
  // space), any other up to the next space; a stray @ alone is one too.
  const mention = `@${toSimplified(botName.normalize("NFKC"))}`;
  let first = 0;
  while (whole[first] === "@") {
    const rest = whole.slice(first);
    first += rest.startsWith(mention) ? mention.length : /^@\S*/u.exec(rest)![0].length;
    if (whole[first] === " ") first += 1;
  }
  const end = (index: number) => (first + index < from.length ? from[first + index]! : raw.length);
  const folded = whole.slice(first);
  const original = (start = 0, stop = folded.length) => (start >= stop ? "" : raw.slice(end(start), end(stop)).trim());
  return { folded, original, typed: original() };
}

/**
 * How principals separate words, and the readers every parser uses: spaces and ，,：:；;／/、
 * (after NFKC folding, see normalizeText). The one place this class is written.
 */
const SEPARATOR = String.raw`\s,:;/、`;
const SEPARATORS = new RegExp(`[${SEPARATOR}]+`, "u");
const SEPARATOR_RUN = new RegExp(`^[${SEPARATOR}]*`, "u");
const TRAILING_SEPARATORS = new RegExp(`[${SEPARATOR}]+$`, "u");
const WORD = new RegExp(`^[^${SEPARATOR}]+`, "u");

/** `text` with `[start, end)` blanked, same length: a place in the rest is a place in `text`, for mapping back to what was typed. */
export function blankSpan(text: string, start: number, end: number): string {
  return text.slice(0, start) + " ".repeat(end - start) + text.slice(end);
}

/** Splits an argument string on the separators, dropping empty pieces. */
export function splitWords(args: string): string[] {
  return args.split(SEPARATORS).filter((w) => w.length > 0);
}

/** `text` without the separators it ends with. */
export function trimTrailingSeparators(text: string): string {
  return text.replace(TRAILING_SEPARATORS, "");
}

/** Where the next word starts in `text` at or after `from`, skipping separators. */
export function skipSeparators(text: string, from: number): number {
  return from + (SEPARATOR_RUN.exec(text.slice(from))?.[0].length ?? 0);
}

/** A word of a text and where it is in it. */
export interface Word {
  word: string;
  start: number;
  end: number;
}

/** The next word of `text` from `from` and where it ends; undefined at the end of the text. */
export function readWord(text: string, from: number): Word | undefined {
  const start = skipSeparators(text, from);
  const match = WORD.exec(text.slice(start));
  return match ? { word: match[0], start, end: start + match[0].length } : undefined;
}

/** Every word of `text`, each with its place (readWord). */
export function readWords(text: string): Word[] {
  const words: Word[] = [];
  for (let word = readWord(text, 0); word; word = readWord(text, word.end)) words.push(word);
  return words;
}

/**
 * A command's words when its keyword was found inside the message: those before it and those
 * after it (`东湖小学今日平安` → `东湖小学今日`; `昨天汇总` → `昨天`).
 */
export function wordsAround(input: { before: string; folded: string }): string {
  return [input.before, input.folded].filter((part) => part !== "").join(" ");
}

/**
 * wordsAround with the way back to what was typed: `original(start, end)` gives the characters
 * behind `folded[start, end)`, the parts either side of the keyword joined by a space; `named`,
 * strings found in the message (findFolded), moved to their places in `folded`, those not in
 * either part left out.
 */
function textAround(
  input: {
    before: string;
    folded: string;
    original(start?: number, end?: number): string;
    originalBefore(start?: number, end?: number): string;
  },
  after: number,
  named: readonly FoundString<string>[] | undefined,
): WordsAroundKeyword["around"] {
  const { before } = input;
  const offset = before === "" ? 0 : before.length + 1;
  const around = {
    folded: wordsAround(input),
    original(start: number, end: number) {
      const typedBefore = start < before.length ? input.originalBefore(start, Math.min(end, before.length)) : "";
      const typedAfter = end > offset ? input.original(Math.max(start, offset) - offset, end - offset) : "";
      return [typedBefore, typedAfter].filter((part) => part !== "").join(" ");
    },
    ...(named && {
      named: named.flatMap((found) => {
        if (found.end <= before.length) return [found];
        return found.start >= after ? [{ ...found, start: found.start - after + offset, end: found.end - after + offset }] : [];
      }),
    }),
  };
  return { ...around, quote: quoteAsTyped(around) };
}

/** A message's words around a keyword found in it: folded for parsing, and any part of them as typed. */
export interface WordsAroundKeyword {
  /** The words after the keyword, folded. */
  folded: string;
  /** The characters as typed behind `folded[start, end)` (for free text). */
  original(start?: number, end?: number): string;
  /** A word of `folded` as typed, for a refusal that quotes it (quoteAsTyped, bound once with the words). */
  quote: QuoteTyped;
  /**
   * What came before the keyword when it was not the first thing in the message (`今日平安`,
   * `东湖小学异常：…`), folded, separators trimmed; "" when the message starts with it.
   */
  before: string;
  /** The characters as typed behind `before[start, end)` (a remark written before the keyword). */
  originalBefore(start?: number, end?: number): string;
  /** The whole text the keyword was found in, as typed (free text written around a keyword). */
  whole: string;
  /**
   * The words before and after the keyword, joined (textAround), with the way back to what was
   * typed; `named`, where the strings the registry passed over (the schools' names and codes,
   * findFolded) are in `folded`, when it read them: its one scan of the message, handed down.
   */
  around: {
    folded: string;
    original(start: number, end: number): string;
    /** A word of `folded` as typed (quoteTyped), bound once with the words: a reader calls it only when it quotes. */
    quote: QuoteTyped;
    named?: readonly FoundString<string>[];
  };
}

/**
 * The words around the keyword at `folded[start, end)` of a message, read at once: a command is
 * handed them and never comes back here for them. `named` (findFolded's finds in the message), when
 * given, are handed on in the places of `around`, those in the keyword or the separators beside it left out (textAround).
 */
export function readAroundKeyword(text: NormalizedText, start: number, end: number, named?: readonly FoundString<string>[]): WordsAroundKeyword {
  // `学习 /52`: a slash before a number is half a figure, not a separator; the reader refuses it.
  const halfFigure = /\/\s*\d/u.exec(text.folded.slice(end, skipSeparators(text.folded, end) + 1));
  const after = halfFigure ? end + halfFigure.index : skipSeparators(text.folded, end);
  const folded = text.folded.slice(after);
  const before = trimTrailingSeparators(text.folded.slice(0, start));
  const parts = {
    folded,
    original: (from = 0, to = folded.length) => text.original(after + from, after + to),
    before,
    originalBefore: (from = 0, to = before.length) => text.original(from, to),
  };
  return { ...parts, quote: quoteAsTyped(parts), whole: text.typed, around: textAround(parts, after, named) };
}

/** Folded text a parser reads, with the way back to the characters typed behind any span of it (a message, a command's words, their `around`). */
export interface TypedSource {
  folded: string;
  original(start: number, end: number): string;
}

/**
 * A word of folded text as the user typed it, for a refusal that quotes him (“東區”, “ＡＢＣ”,
 * never the folded “东区”, “ABC”): `quote(word, start)` where the reader kept the word's place
 * in the source's folded text, else `quote(word)`, its first place there.
 */
export type QuoteTyped = (word: string, start?: number) => string;

/**
 * The one way back from a folded word to what was typed (the source's `original`, never the raw
 * string indexed by folded places: NFKC changes lengths). A word not found in the source's
 * folded text is one the reader made rather than read (words of it joined anew): no typed
 * characters stand behind it, so it is quoted as it is.
 */
export function quoteAsTyped(source: TypedSource): QuoteTyped {
  return (word, start) => {
    const at = start !== undefined && source.folded.startsWith(word, start) ? start : source.folded.indexOf(word);
    return word === "" || at < 0 ? word : source.original(at, at + word.length) || word;
  };
}

/** For a reader given folded text alone (a word the bot wrote, a unit test): words quoted as they are. */
export const quoteAsFolded: QuoteTyped = (word) => word;

/** The task a word names, if any, among the words that name tasks (config/kinds.ts taskWordsOf, folded). */
export function parseTaskWord<Task extends string>(taskWords: ReadonlyMap<string, Task>, word: string): Task | undefined {
  return taskWords.get(word);
}

/** The first task word inside `text` (撤销今天的平安 → 平安), where it is, and the task; the longest word at one place. */
export function findTaskWord<Task extends string>(taskWords: ReadonlyMap<string, Task>, text: string): { task: Task; start: number; end: number } | undefined {
  const longestFirst = [...taskWords.keys()].sort((a, b) => b.length - a.length);
  for (let at = 0; at < text.length; at++) {
    const word = longestFirst.find((w) => text.startsWith(w, at));
    if (word) return { task: taskWords.get(word)!, start: at, end: at + word.length };
  }
  return undefined;
}

/** Where one of the strings occurs in a text, and what it stands for. */
export interface FoundString<T> {
  value: T;
  start: number;
  end: number;
}

/**
 * Finds every occurrence of any of many fixed strings in a short text (school names in a chat
 * message). Built once per list, as a tree of the strings by character: a message is scanned
 * once, each position followed down the tree only as far as the text goes along a string, so a
 * message costs the same whatever the list's length, even where every string starts alike
 * (平安县…, a county's schools).
 */
export function createStringFinder<T>(entries: readonly { key: string; value: T }[]): (text: string) => FoundString<T>[] {
  interface Branch {
    next: Map<string, Branch>;
    /** The values of the strings that end here, in the order given. */
    ends: T[];
  }
  const root: Branch = { next: new Map(), ends: [] };
  for (const { key, value } of entries) {
    let at = root;
    for (let i = 0; i < key.length; i += 1) {
      let next = at.next.get(key[i]!);
      if (!next) at.next.set(key[i]!, (next = { next: new Map(), ends: [] }));
      at = next;
    }
    if (at !== root) at.ends.push(value);
  }
  return (text) => {
    const found: FoundString<T>[] = [];
    for (let start = 0; start < text.length; start += 1) {
      let at = root.next.get(text[start]!);
      for (let end = start + 1; at; end += 1) {
        for (const value of at.ends) found.push({ value, start, end });
        at = end < text.length ? at.next.get(text[end]!) : undefined;
      }
    }
    return found;
  };
}

/** Finders of string lists, built once per list (the roster's identifiers: thousands of names). */
const foldedFinders = new WeakMap<readonly string[], (text: string) => FoundString<string>[]>();

/**
 * Every occurrence in `text` (folded, lower case) of any of `strings` folded as a keyword is
 * (foldWord), each found with the string as given: the roster's school names and codes, found
 * in a message once.
 */
export function findFolded(text: string, strings: readonly string[]): FoundString<string>[] {
  let find = foldedFinders.get(strings);
  if (!find) {
    find = createStringFinder(strings.map((raw) => ({ key: foldWord(raw), value: raw })));
    foldedFinders.set(strings, find);
  }
  return find(text);
}

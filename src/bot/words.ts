import type { TaskId } from "../config/schema.js";

/**
 * How principals separate words, and the readers every parser uses: spaces and ，,：:；;／/、
 * (after NFKC folding, see normalize.ts). The one place this class is written.
 */
const SEPARATOR = String.raw`\s,:;/、`;
const SEPARATORS = new RegExp(`[${SEPARATOR}]+`, "u");
const SEPARATOR_RUN = new RegExp(`^[${SEPARATOR}]*`, "u");
const TRAILING_SEPARATORS = new RegExp(`[${SEPARATOR}]+$`, "u");
const WORD = new RegExp(`^[^${SEPARATOR}]+`, "u");

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

/** The next word of `text` from `from` and where it ends; undefined at the end of the text. */
export function readWord(text: string, from: number): { word: string; start: number; end: number } | undefined {
  const start = skipSeparators(text, from);
  const match = WORD.exec(text.slice(start));
  return match ? { word: match[0], start, end: start + match[0].length } : undefined;
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
 * behind `folded[start, end)`, the parts either side of the keyword joined by a space.
 */
export function textAround(input: {
  before: string;
  folded: string;
  original(start?: number, end?: number): string;
  originalBefore(start?: number, end?: number): string;
}): { folded: string; original(start: number, end: number): string } {
  const { before } = input;
  const offset = before === "" ? 0 : before.length + 1;
  return {
    folded: wordsAround(input),
    original(start, end) {
      const typedBefore = start < before.length ? input.originalBefore(start, Math.min(end, before.length)) : "";
      const typedAfter = end > offset ? input.original(Math.max(start, offset) - offset, end - offset) : "";
      return [typedBefore, typedAfter].filter((part) => part !== "").join(" ");
    },
  };
}

/** The task a word names, if any, among the words that name tasks (config/kinds.ts taskWordsOf, folded). */
export function parseTaskWord(taskWords: ReadonlyMap<string, TaskId>, word: string): TaskId | undefined {
  return taskWords.get(word);
}

/** The first task word inside `text` (撤销今天的平安 → 平安), where it is, and the task; the longest word at one place. */
export function findTaskWord(taskWords: ReadonlyMap<string, TaskId>, text: string): { task: TaskId; start: number; end: number } | undefined {
  const longestFirst = [...taskWords.keys()].sort((a, b) => b.length - a.length);
  for (let at = 0; at < text.length; at++) {
    const word = longestFirst.find((w) => text.startsWith(w, at));
    if (word) return { task: taskWords.get(word)!, start: at, end: at + word.length };
  }
  return undefined;
}

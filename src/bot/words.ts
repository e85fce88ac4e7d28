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

/** Words that name a task in commands like `撤销 平安` or `未报 学习` (simplified script). */
const TASK_WORDS: Record<string, TaskId> = {
  平安: "safety", 报平安: "safety", 安全: "safety", 零报告: "safety", 日报: "safety",
  平安日报: "safety", 异常: "safety",
  防溺水: "drowning", 溺水: "drowning", 防溺水提醒: "drowning",
  学习: "study", 周学习: "study", 政治学习: "study",
};

/** The task a word names, if any. */
export function parseTaskWord(word: string): TaskId | undefined {
  return TASK_WORDS[word];
}

const TASK_WORDS_LONGEST_FIRST = Object.keys(TASK_WORDS).sort((a, b) => b.length - a.length);

/** The first task word inside `text` (撤销今天的平安 → 平安), where it is, and the task. */
export function findTaskWord(text: string): { task: TaskId; start: number; end: number } | undefined {
  for (let at = 0; at < text.length; at++) {
    const word = TASK_WORDS_LONGEST_FIRST.find((w) => text.startsWith(w, at));
    if (word) return { task: TASK_WORDS[word]!, start: at, end: at + word.length };
  }
  return undefined;
}

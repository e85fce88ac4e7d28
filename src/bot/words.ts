/** Separators between words after NFKC (see normalize.ts), anchored. */
const SEPARATOR_RUN = /^[\s,:;/、]*/u;
const WORD = /^[^\s,:;/、]+/u;

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

import { splitWords } from "./normalize.js";

/**
 * Reads a command's argument string piece by piece: each `take` removes what it matched, so
 * whatever is left at the end is unexplained (a school name, or a mistake to point out).
 */
export function createArgScanner(folded: string) {
  let rest = ` ${folded} `;
  return {
    /** The first match of `pattern` (removed from the rest), or undefined. */
    take(pattern: RegExp): RegExpExecArray | undefined {
      const match = pattern.exec(rest);
      if (!match) return undefined;
      rest = `${rest.slice(0, match.index)} ${rest.slice(match.index + match[0].length)}`;
      return match;
    },
    /** A whole number captured by `pattern`'s first group. */
    number(pattern: RegExp): number | undefined {
      const match = this.take(pattern);
      return match ? Number(match[1]) : undefined;
    },
    /** What no `take` claimed, as words. */
    words(): string[] {
      return splitWords(rest);
    },
  };
}

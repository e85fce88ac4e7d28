import { toSimplified } from "../text/words.js";

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

/**
 * Folds what a principal typed into what the parser reads: NFKC (full-width digits, letters and
 * punctuation become ASCII), traditional keywords become simplified, the leading @mention of
 * the bot is removed, and runs of white space collapse. Each folded character remembers where
 * it came from, so free text such as an abnormal report's description is kept exactly as typed.
 */
export function normalizeText(raw: string, botName: string): NormalizedText {
  let chars: string[] = [];
  let from: number[] = [];
  for (let i = 0; i < raw.length; ) {
    const ch = String.fromCodePoint(raw.codePointAt(i)!);
    const folded = SPACE.test(ch) ? " " : toSimplified(ch.normalize("NFKC"));
    for (const unit of folded.split("")) {
      chars.push(SPACE.test(unit) ? " " : unit);
      from.push(i);
    }
    i += ch.length;
  }
  const keep = (test: (index: number) => boolean) => {
    const kept = chars.map((_, i) => i).filter(test);
    chars = kept.map((i) => chars[i]!);
    from = kept.map((i) => from[i]!);
  };
  const collapseSpaces = () => {
    keep((i) => chars[i] !== " " || (i > 0 && chars[i - 1] !== " "));
    if (chars.at(-1) === " ") keep((i) => i < chars.length - 1);
  };
  collapseSpaces();
  const mention = `@${toSimplified(botName.normalize("NFKC"))}`;
  while (chars[0] === "@") {
    const text = chars.join("");
    const length = text.startsWith(mention) ? mention.length : /^@\S+/u.exec(text)![0].length;
    keep((i) => i >= length);
    collapseSpaces();
  }
  const end = (index: number) => (index < from.length ? from[index]! : raw.length);
  const original = (start = 0, stop = chars.length) => (start >= stop ? "" : raw.slice(end(start), end(stop)).trim());
  return { folded: chars.join(""), original, typed: original() };
}

import { utf8Bytes } from "../../push/split-message.js";

/** A list that may be shortened to its first items when the message is too long. */
export interface ListLine {
  /** Written before the items, e.g. `城关片区：`. */
  prefix: string;
  items: readonly string[];
  /** Between items: `、` within a line, `\n` for one item per line. */
  separator: string;
  /** What stands for the hidden items, given the list's full length and how many are shown, e.g. `等 12 所`. */
  more(total: number, shown: number): string;
}

/** A message as lines, some of them shortenable lists. */
export type DocLine = string | ListLine;

/** The message with every list cut to at most `cap` items. */
export function renderDoc(doc: readonly DocLine[], cap = Number.POSITIVE_INFINITY): string {
  return doc
    .map((line) => {
      if (typeof line === "string") return line;
      const shown = line.items.slice(0, cap);
      const text = line.prefix + shown.join(line.separator);
      if (line.items.length <= cap) return text;
      const joint = line.separator === "\n" ? "\n" : "";
      return text + joint + line.more(line.items.length, shown.length);
    })
    .join("\n");
}

/**
 * The message within `limit` UTF-8 bytes: whole when it fits; else the longest lists are cut to
 * the largest common length that fits (shorter lists stay whole), each ending with its `more`
 * text; and if even one item per list is too long, the last lines are dropped for `cut`.
 */
export function fitDoc(doc: readonly DocLine[], limit: number, cut: string): string {
  const whole = renderDoc(doc);
  if (utf8Bytes(whole) <= limit) return whole;
  const longest = Math.max(0, ...doc.map((line) => (typeof line === "string" ? 0 : line.items.length)));
  let low = 1;
  let high = longest;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (utf8Bytes(renderDoc(doc, mid)) <= limit) low = mid;
    else high = mid - 1;
  }
  const shortened = renderDoc(doc, low);
  if (utf8Bytes(shortened) <= limit) return shortened;
  const lines = shortened.split("\n");
  let bytes = utf8Bytes(cut);
  const kept: string[] = [];
  for (const line of lines) {
    const size = utf8Bytes(line) + 1;
    if (bytes + size > limit) break;
    kept.push(line);
    bytes += size;
  }
  return [...kept, cut].join("\n");
}

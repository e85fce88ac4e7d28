import { utf8Bytes } from "../../push/enqueue.js";

/** A list that may be shortened to its first items, or collapsed, when the message is too long. */
export interface ListLine {
  /** Written before the items, e.g. `城关片区：`. */
  prefix: string;
  items: readonly string[];
  /** Between items: `、` within a line, `\n` for one item per line. */
  separator: string;
  /** The list's full length when `items` is only its beginning (a province's missing schools). */
  total?: number;
  /** What stands for the hidden items, given the list's full length and how many are shown, e.g. `等 12 所`. */
  more(total: number, shown: number): string;
  /**
   * What stands for the whole list when the message is still too long after shortening every
   * typed text: a count and where to read the list, e.g. `东部片区：12 所（发送“未报 平安 东部片区”查看）`.
   */
  collapsed?: string;
}

/** A line that shows text a person typed, which is shortened before anything else is. */
export interface TypedLine {
  /** Characters of the typed text shown when there is room. */
  cap: number;
  /** The line with at most `chars` characters of the typed text. */
  render(chars: number): string;
}

/** A message as lines, some of them shortenable. */
export type DocLine = string | ListLine | TypedLine;

/** The fewest characters of a typed text a fitted message still shows. */
export const TYPED_MIN_CHARS = 20;

/** How a message is shortened: typed texts cut to `chars`, lists cut to `cap` items, some lists collapsed. */
interface Shortening {
  chars: number;
  cap: number;
  collapsed: ReadonlySet<ListLine>;
}

const WHOLE: Shortening = { chars: Number.POSITIVE_INFINITY, cap: Number.POSITIVE_INFINITY, collapsed: new Set() };

const isTyped = (line: DocLine): line is TypedLine => typeof line !== "string" && "render" in line;
const isList = (line: DocLine): line is ListLine => typeof line !== "string" && "items" in line;

function renderLine(line: DocLine, how: Shortening): string {
  if (typeof line === "string") return line;
  if (isTyped(line)) return line.render(Math.min(line.cap, how.chars));
  if (line.collapsed !== undefined && how.collapsed.has(line)) return line.collapsed;
  const shown = line.items.slice(0, how.cap);
  const text = line.prefix + shown.join(line.separator);
  const total = line.total ?? line.items.length;
  if (shown.length >= total) return text;
  const joint = line.separator === "\n" ? "\n" : "";
  return text + joint + line.more(total, shown.length);
}

function render(doc: readonly DocLine[], how: Shortening): string {
  return doc.map((line) => renderLine(line, how)).join("\n");
}

/** The message with typed texts at their cap and every list cut to at most `cap` items. */
export function renderDoc(doc: readonly DocLine[], cap = Number.POSITIVE_INFINITY): string {
  return render(doc, { ...WHOLE, cap });
}

/**
 * The UTF-8 size of the doc rendered a given way, from each line's size: a line is rendered
 * again only when what shortens it changed (a typed text's length; a list's cap or collapse).
 * The searches below try many shortenings; rendering the whole 20 KB each time was most of
 * 汇总's time at province size.
 */
function measureDoc(doc: readonly DocLine[]): (how: Shortening) => number {
  const sizes = new Map<DocLine, Map<string, number>>();
  const sizeOf = (line: ListLine | TypedLine, how: Shortening): number => {
    const key = isTyped(line) ? String(Math.min(line.cap, how.chars)) : `${how.cap}${how.collapsed.has(line) ? "c" : ""}`;
    let known = sizes.get(line);
    if (!known) sizes.set(line, (known = new Map()));
    let bytes = known.get(key);
    if (bytes === undefined) known.set(key, (bytes = utf8Bytes(renderLine(line, how))));
    return bytes;
  };
  // Lines join with "\n", one byte each.
  const fixed = doc.reduce((sum, line) => sum + (typeof line === "string" ? utf8Bytes(line) : 0), 0) + Math.max(0, doc.length - 1);
  const shortenable = doc.filter((line): line is ListLine | TypedLine => typeof line !== "string");
  return (how) => shortenable.reduce((sum, line) => sum + sizeOf(line, how), fixed);
}

/** The largest whole number in [low, high] for which `fits` holds, given that it holds for `low`. */
function largest(low: number, high: number, fits: (n: number) => boolean): number {
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * The message within `limit` UTF-8 bytes, losing as little as it can, in this order:
 * 1. whole, when it fits;
 * 2. typed texts cut to the largest common length that fits, down to TYPED_MIN_CHARS;
 * 3. lists with a `collapsed` form collapsed to it, the one that saves most first, until it
 *    fits (a list shorter than its collapsed form stays);
 * 4. the longest remaining lists cut to the largest common length that fits, each ending with
 *    its `more` text;
 *    (after 3 or 4, typed texts get back what room is left);
 * 5. with `cut`, the last lines dropped for it; without, the message as short as step 4 made it
 *    (for a push, which the pipeline splits rather than loses).
 */
export function fitDoc(doc: readonly DocLine[], limit: number, cut?: string): string {
  const size = measureDoc(doc);
  const fits = (how: Shortening) => size(how) <= limit;
  if (fits(WHOLE)) return render(doc, WHOLE);

  // Typed texts as long as they can be once the lists are as short as they will be.
  const maxChars = Math.max(TYPED_MIN_CHARS, ...doc.filter(isTyped).map((line) => line.cap));
  const widen = (how: Shortening) => ({ ...how, chars: largest(TYPED_MIN_CHARS, maxChars, (n) => fits({ ...how, chars: n })) });

  let how = widen(WHOLE);
  if (fits(how)) return render(doc, how);

  how = { ...WHOLE, chars: TYPED_MIN_CHARS };
  // Each list's saving measured once, and the size kept as lists collapse: measuring every line
  // again for each list (and each saving in each comparison of the sort) grew with the square
  // of the lists, which seven kinds' missing lists by area made most of 汇总's time.
  const savings = new Map<ListLine, number>();
  for (const line of doc.filter(isList)) {
    const saved = line.collapsed === undefined ? 0 : utf8Bytes(renderLine(line, how)) - utf8Bytes(line.collapsed);
    if (saved > 0) savings.set(line, saved);
  }
  const collapsible = [...savings.keys()].sort((a, b) => savings.get(b)! - savings.get(a)!);
  const collapsed = new Set<ListLine>();
  how = { ...how, collapsed };
  // Too long even at its shortest (seven kinds' abnormal reports in a week): every search below
  // would end at its shortest setting, each probe measuring every line to get there.
  const shortest: Shortening = { chars: TYPED_MIN_CHARS, cap: 1, collapsed: new Set(collapsible) };
  if (!fits(shortest)) return cutDoc(render(doc, shortest), limit, cut);
  let measured = size(how);
  for (const line of collapsible) {
    collapsed.add(line);
    measured -= savings.get(line)!;
    if (measured <= limit) return render(doc, widen(how));
  }

  const longest = Math.max(0, ...doc.filter(isList).map((line) => line.items.length));
  how = widen({ ...how, cap: largest(1, longest, (n) => fits({ ...how, cap: n })) });
  return cutDoc(render(doc, how), limit, cut);
}

/** A rendered message within `limit` bytes: its last lines dropped for `cut`; without `cut`, as it is. */
function cutDoc(shortened: string, limit: number, cut: string | undefined): string {
  if (utf8Bytes(shortened) <= limit || cut === undefined) return shortened;
  let bytes = utf8Bytes(cut);
  const kept: string[] = [];
  for (const line of shortened.split("\n")) {
    const size = utf8Bytes(line) + 1;
    if (bytes + size > limit) break;
    kept.push(line);
    bytes += size;
  }
  return [...kept, cut].join("\n");
}

/**
 * A message for a push, which the pipeline splits into parts of `partBytes`: in as few parts as
 * its shortest form needs, and within them shortened no more than it must be (so 25 incidents
 * that take two messages anyway keep their texts as long as two messages allow). Each part
 * boundary may waste up to a line, which `slack` bytes per part leave room for.
 */
export function fitDocParts(doc: readonly DocLine[], partBytes: number, slack = 300): string {
  const shortest = utf8Bytes(fitDoc(doc, 0));
  const parts = Math.max(1, Math.ceil(shortest / (partBytes - slack)));
  return fitDoc(doc, parts === 1 ? partBytes : parts * (partBytes - slack));
}

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

/**
 * Entries of a few lines each (abnormal reports, remarks), kept whole until nothing else can be
 * shortened: then cut to their first ones, the rest counted by `more`.
 */
export interface EntryList {
  entries: readonly (readonly (string | TypedLine)[])[];
  /** How many there are in all: `entries` may hold only the first. */
  total: number;
  /** The line that stands for the `hidden` entries not shown. */
  more(hidden: number): string;
}

/**
 * Lines that give way as a whole to one line, when even their lists at their shortest leave no
 * room (a kind's missing schools in 40 areas, in a reply of seven kinds): e.g. a count and where
 * to read them.
 */
export interface FoldLine {
  lines: readonly (string | ListLine)[];
  folded: string;
}

/** A message as lines, some of them shortenable. */
export type DocLine = string | ListLine | TypedLine | EntryList | FoldLine;

/** Entries of each entry list a fitted message keeps before it folds its folds (fitDoc step 5). */
export const ENTRIES_KEPT = 3;

/** The fewest characters of a typed text a fitted message still shows. */
export const TYPED_MIN_CHARS = 20;

/** How a message is shortened: typed texts cut to `chars`, lists cut to `cap` items, some lists collapsed, entry lists cut to `entries`. */
export interface Shortening {
  chars: number;
  cap: number;
  collapsed: ReadonlySet<ListLine>;
  entries: number;
  folded: ReadonlySet<FoldLine>;
}

const WHOLE: Shortening = { chars: Number.POSITIVE_INFINITY, cap: Number.POSITIVE_INFINITY, collapsed: new Set(), entries: Number.POSITIVE_INFINITY, folded: new Set() };

const isTyped = (line: DocLine): line is TypedLine => typeof line !== "string" && "render" in line;
const isList = (line: DocLine): line is ListLine => typeof line !== "string" && "items" in line;
const isEntries = (line: DocLine): line is EntryList => typeof line !== "string" && "entries" in line;
const isFold = (line: DocLine): line is FoldLine => typeof line !== "string" && "folded" in line;
/** The lists of a doc, those of its folds included. */
const listLines = (doc: readonly DocLine[]): ListLine[] => doc.flatMap((line) => (isList(line) ? [line] : isFold(line) ? line.lines.filter(isList) : []));
/** The typed lines of a doc, those of its entries included. */
const typedLines = (doc: readonly DocLine[]): TypedLine[] => doc.flatMap((line) => (isTyped(line) ? [line] : isEntries(line) ? line.entries.flat().filter(isTyped) : []));

function renderLine(line: DocLine, how: Shortening): string {
  if (typeof line === "string") return line;
  if (isTyped(line)) return line.render(Math.min(line.cap, how.chars));
  if (isFold(line)) return how.folded.has(line) ? line.folded : line.lines.map((inner) => renderLine(inner, how)).join("\n");
  if (isEntries(line)) {
    const shown = line.entries.slice(0, how.entries);
    const lines = shown.flat().map((entryLine) => renderLine(entryLine, how));
    if (line.total > shown.length) lines.push(line.more(line.total - shown.length));
    return lines.join("\n");
  }
  if (line.collapsed !== undefined && how.collapsed.has(line)) return line.collapsed;
  const shown = line.items.slice(0, how.cap);
  const text = line.prefix + shown.join(line.separator);
  const total = line.total ?? line.items.length;
  if (shown.length >= total) return text;
  const joint = line.separator === "\n" ? "\n" : "";
  return text + joint + line.more(total, shown.length);
}

/** The message shortened as `how` says. */
export function renderShortened(doc: readonly DocLine[], how: Shortening): string {
  return doc.map((line) => renderLine(line, how)).join("\n");
}

/** The message with typed texts at their cap and every list cut to at most `cap` items. */
export function renderDoc(doc: readonly DocLine[], cap = Number.POSITIVE_INFINITY): string {
  return renderShortened(doc, { ...WHOLE, cap });
}

/** The UTF-8 size of a doc rendered a given way, whole (`size`) or a line of it (`sizeOf`). */
export interface DocMeasure {
  size(how: Shortening): number;
  sizeOf(line: Exclude<DocLine, string>, how: Shortening): number;
}

/**
 * The UTF-8 size of the doc rendered a given way, from each piece's size, each piece measured
 * once: a list's prefix, items and `more` text (its size at any cap is their sum), a typed
 * text at each length tried, a fixed line. The searches below try many shortenings; rendering
 * the lines again for each (seven kinds' 280 lists by area, each with its `more` text) was most
 * of the fitting's time.
 */
export function measureDoc(doc: readonly DocLine[]): DocMeasure {
  const fixedSizes = new Map<string, number>();
  const bytesOf = (text: string): number => {
    let bytes = fixedSizes.get(text);
    if (bytes === undefined) fixedSizes.set(text, (bytes = utf8Bytes(text)));
    return bytes;
  };
  const typedSizes = new Map<TypedLine, Map<number, number>>();
  const typedSize = (line: TypedLine, chars: number): number => {
    const shown = Math.min(line.cap, chars);
    let known = typedSizes.get(line);
    if (!known) typedSizes.set(line, (known = new Map()));
    let bytes = known.get(shown);
    if (bytes === undefined) known.set(shown, (bytes = utf8Bytes(line.render(shown))));
    return bytes;
  };
  // A list's fixed pieces' sizes, its items' summed from the first (upTo[n]: the first n), its `more` texts by how many are shown.
  const lists = new Map<ListLine, { prefix: number; separator: number; collapsed: number; upTo: number[]; more: Map<number, number> }>();
  const listSize = (line: ListLine, how: Shortening): number => {
    let known = lists.get(line);
    if (!known) {
      const upTo = [0];
      for (const item of line.items) upTo.push(upTo[upTo.length - 1]! + utf8Bytes(item));
      const collapsed = line.collapsed === undefined ? 0 : utf8Bytes(line.collapsed);
      lists.set(line, (known = { prefix: utf8Bytes(line.prefix), separator: utf8Bytes(line.separator), collapsed, upTo, more: new Map() }));
    }
    if (line.collapsed !== undefined && how.collapsed.has(line)) return known.collapsed;
    const shown = Math.min(line.items.length, how.cap);
    const text = known.prefix + known.upTo[shown]! + Math.max(0, shown - 1) * known.separator;
    const total = line.total ?? line.items.length;
    if (shown >= total) return text;
    let more = known.more.get(shown);
    if (more === undefined) known.more.set(shown, (more = utf8Bytes(line.more(total, shown))));
    return text + (line.separator === "\n" ? 1 : 0) + more;
  };
  // Lines join with "\n", one byte each.
  const entriesSize = (line: EntryList, how: Shortening): number => {
    const shown = line.entries.slice(0, how.entries);
    let bytes = 0;
    let pieces = 0;
    for (const entry of shown) {
      for (const entryLine of entry) bytes += typeof entryLine === "string" ? bytesOf(entryLine) : typedSize(entryLine, how.chars);
      pieces += entry.length;
    }
    if (line.total > shown.length) {
      bytes += bytesOf(line.more(line.total - shown.length));
      pieces += 1;
    }
    return bytes + Math.max(0, pieces - 1);
  };
  // A fold's size with its lists as they last were: the searches over typed texts' lengths and
  // entries change neither a list's cap nor what is collapsed (a set that only grows).
  const folds = new Map<FoldLine, { cap: number; collapsed: ReadonlySet<ListLine>; count: number; bytes: number }>();
  const foldSize = (line: FoldLine, how: Shortening): number => {
    const last = folds.get(line);
    if (last && last.cap === how.cap && last.collapsed === how.collapsed && last.count === how.collapsed.size) return last.bytes;
    const bytes = line.lines.reduce((sum, inner) => sum + (typeof inner === "string" ? bytesOf(inner) : listSize(inner, how)), Math.max(0, line.lines.length - 1));
    folds.set(line, { cap: how.cap, collapsed: how.collapsed, count: how.collapsed.size, bytes });
    return bytes;
  };
  const sizeOf = (line: Exclude<DocLine, string>, how: Shortening): number => {
    if (isTyped(line)) return typedSize(line, how.chars);
    if (isEntries(line)) return entriesSize(line, how);
    if (isFold(line)) return how.folded.has(line) ? bytesOf(line.folded) : foldSize(line, how);
    return listSize(line, how);
  };
  const fixed = doc.reduce((sum, line) => sum + (typeof line === "string" ? bytesOf(line) : 0), 0) + Math.max(0, doc.length - 1);
  const shortenable = doc.filter((line): line is Exclude<DocLine, string> => typeof line !== "string");
  return { size: (how) => shortenable.reduce((sum, line) => sum + sizeOf(line, how), fixed), sizeOf };
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
 * 5. with `cut`, when even every list at its shortest is too long: the entry lists cut to the
 *    largest common number of entries that fits, each ending with its `more` line, folds folded
 *    to their line (the one that saves most first) as far as it takes to keep ENTRIES_KEPT;
 *    (after 3, 4 or 5, typed texts get back what room is left);
 * 6. with `cut`, the last lines dropped for it; without, the message as short as step 4 made it
 *    (for a push, which the pipeline splits rather than loses).
 */
export function fitDoc(doc: readonly DocLine[], limit: number, cut?: string): string {
  return fitDocShowing(doc, limit, cut).text;
}

/** A message fitted by fitDoc, with how many entries of each entry list it shows (Infinity: all, and step 5 was not needed). */
export interface FittedDoc {
  text: string;
  entries: number;
  /** The lists it shows collapsed (ListLine.collapsed). */
  collapsed: ReadonlySet<ListLine>;
}

/** fitDoc, saying how many entries it kept (step 5): a reader that read only the first entries knows whether more would show. */
export function fitDocShowing(doc: readonly DocLine[], limit: number, cut?: string): FittedDoc {
  const whole = (text: string, how: Pick<Shortening, "collapsed"> = WHOLE): FittedDoc => ({ text, entries: Number.POSITIVE_INFINITY, collapsed: how.collapsed });
  const { size, sizeOf } = measureDoc(doc);
  const fits = (how: Shortening) => size(how) <= limit;
  if (fits(WHOLE)) return whole(renderShortened(doc, WHOLE));

  // Typed texts as long as they can be once the lists are as short as they will be.
  const maxChars = Math.max(TYPED_MIN_CHARS, ...typedLines(doc).map((line) => line.cap));
  const widen = (how: Shortening) => ({ ...how, chars: largest(TYPED_MIN_CHARS, maxChars, (n) => fits({ ...how, chars: n })) });

  // Searched only when the shortest texts fit: a reply of seven kinds at a province's size never
  // does, and the search measured every line of it some seven times for nothing.
  let how: Shortening = { ...WHOLE, chars: TYPED_MIN_CHARS };
  if (fits(how)) return whole(renderShortened(doc, widen(WHOLE)));

  // Each list's saving measured once, and the size kept as lists collapse: measuring every line
  // again for each list (and each saving in each comparison of the sort) grew with the square
  // of the lists, which seven kinds' missing lists by area made most of 汇总's time.
  const savings = new Map<ListLine, number>();
  for (const line of listLines(doc)) {
    const saved = line.collapsed === undefined ? 0 : sizeOf(line, how) - utf8Bytes(line.collapsed);
    if (saved > 0) savings.set(line, saved);
  }
  const collapsible = [...savings.keys()].sort((a, b) => savings.get(b)! - savings.get(a)!);
  const collapsed = new Set<ListLine>();
  how = { ...how, collapsed };
  // Too long even at its shortest (seven kinds' abnormal reports in a week): every search below
  // would end at its shortest setting, each probe measuring every line to get there.
  const shortest: Shortening = { ...WHOLE, chars: TYPED_MIN_CHARS, cap: 1, collapsed: new Set(collapsible) };
  if (!fits(shortest)) {
    if (cut === undefined) return whole(renderShortened(doc, shortest), shortest);
    // Seven kinds' abnormal reports in a week: each list shows its first, and says how many more;
    // to keep ENTRIES_KEPT of each, the lists by area fold, the one that saves most first.
    const most = Math.max(0, ...doc.filter(isEntries).map((line) => line.entries.length));
    const kept = Math.min(ENTRIES_KEPT, most);
    const folded = new Set<FoldLine>();
    how = { ...shortest, folded };
    // Each fold's saving measured once, and the size kept as they fold (as lists collapse above).
    let measured = size({ ...how, entries: kept });
    if (measured > limit) {
      const saving = (line: FoldLine) => sizeOf(line, shortest) - utf8Bytes(line.folded);
      const foldable = doc.filter(isFold).map((line) => ({ line, saved: saving(line) })).filter(({ saved }) => saved > 0).sort((a, b) => b.saved - a.saved);
      for (const { line, saved } of foldable) {
        folded.add(line);
        measured -= saved;
        if (measured <= limit) break;
      }
    }
    const entries = largest(0, most, (n) => fits({ ...how, entries: n }));
    return { text: cutDoc(renderShortened(doc, widen({ ...how, entries })), limit, cut), entries, collapsed: how.collapsed };
  }
  let measured = size(how);
  for (const line of collapsible) {
    collapsed.add(line);
    measured -= savings.get(line)!;
    if (measured <= limit) return whole(renderShortened(doc, widen(how)), how);
  }

  const longest = Math.max(0, ...listLines(doc).map((line) => line.items.length));
  how = widen({ ...how, cap: largest(1, longest, (n) => fits({ ...how, cap: n })) });
  return whole(cutDoc(renderShortened(doc, how), limit, cut), how);
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

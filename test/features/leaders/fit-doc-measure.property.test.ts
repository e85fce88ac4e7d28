import fc from "fast-check";
import { expect, it } from "vitest";
import { measureDoc, renderShortened, type DocLine, type EntryList, type FoldLine, type ListLine, type Shortening, type TypedLine } from "../../../src/features/leaders/fit-doc.js";
import { utf8Bytes } from "../../../src/push/enqueue.js";

// fitDoc searches by measuring, never by rendering: a measure that differs from the rendered
// size by a byte sends a message over WeCom's limit, or shortens one that fitted.

/** Text of every UTF-8 width: ASCII, CJK, a 4-byte emoji, separators and newlines. */
const text = fc.array(fc.constantFrom("a", "7", " ", "校", "、", "\n", "😀", "é", "（"), { maxLength: 8 }).map((chars) => chars.join(""));

const typed: fc.Arbitrary<TypedLine> = fc.record({ body: text, cap: fc.integer({ min: 0, max: 12 }) }).map(({ body, cap }) => ({
  cap,
  render: (chars: number) => `备注：${[...body].slice(0, chars).join("")}`,
}));

const list: fc.Arbitrary<ListLine> = fc
  .record({
    prefix: text,
    items: fc.array(text, { maxLength: 6 }),
    separator: fc.constantFrom("、", "\n", ""),
    extra: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    collapsed: fc.option(text, { nil: undefined }),
  })
  .map(({ prefix, items, separator, extra, collapsed }) => ({
    prefix,
    items,
    separator,
    ...(extra !== undefined && { total: items.length + extra }),
    more: (total: number, shown: number) => `等 ${total} 所（列出 ${shown}）`,
    ...(collapsed !== undefined && { collapsed }),
  }));

const entries: fc.Arbitrary<EntryList> = fc
  .record({ entries: fc.array(fc.array(fc.oneof(text, typed), { minLength: 1, maxLength: 3 }), { maxLength: 4 }), extra: fc.integer({ min: 0, max: 3 }) })
  .map(({ entries, extra }) => ({ entries, total: entries.length + extra, more: (hidden: number) => `另有 ${hidden} 条` }));

const fold: fc.Arbitrary<FoldLine> = fc.record({ lines: fc.array(fc.oneof(text, list), { maxLength: 4 }), folded: text });

const doc: fc.Arbitrary<DocLine[]> = fc.array(fc.oneof(text, typed, list, entries, fold), { maxLength: 8 });

const listsOf = (lines: readonly DocLine[]): ListLine[] =>
  lines.flatMap((line) => (typeof line === "string" ? [] : "items" in line ? [line] : "folded" in line ? line.lines.filter((inner): inner is ListLine => typeof inner !== "string") : []));
const foldsOf = (lines: readonly DocLine[]): FoldLine[] => lines.filter((line): line is FoldLine => typeof line !== "string" && "folded" in line);

/** A shortening's settings; which lists are collapsed and which folds folded are picked by index. */
const setting = fc.record({
  chars: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constant(Number.POSITIVE_INFINITY)),
  // Few caps, so that one often repeats while the collapsed set grows (what a fold's kept size depends on).
  cap: fc.constantFrom(0, 1, 2, Number.POSITIVE_INFINITY),
  entries: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constant(Number.POSITIVE_INFINITY)),
  collapse: fc.array(fc.nat()),
  fold: fc.array(fc.nat()),
});

it("measures a doc, under any sequence of shortenings, as the bytes it renders to", () => {
  fc.assert(
    fc.property(doc, fc.array(setting, { minLength: 1, maxLength: 8 }), (lines, settings) => {
      const lists = listsOf(lines);
      const folds = foldsOf(lines);
      const measure = measureDoc(lines);
      // As fitDoc does: one collapsed set that only grows, searched over between additions.
      const collapsed = new Set<ListLine>();
      const check = (how: Shortening) => {
        expect(measure.size(how)).toBe(utf8Bytes(renderShortened(lines, how)));
        for (const line of lines) {
          if (typeof line !== "string") expect(measure.sizeOf(line, how)).toBe(utf8Bytes(renderShortened([line], how)));
        }
      };
      let last: Shortening | undefined;
      for (const { chars, cap, entries: kept, collapse, fold: folding } of settings) {
        for (const i of collapse) if (lists.length > 0) collapsed.add(lists[i % lists.length]!);
        const folded = new Set(folding.filter(() => folds.length > 0).map((i) => folds[i % folds.length]!));
        check((last = { chars, cap, entries: kept, collapsed, folded }));
      }
      // The same shortening with a set of its own, as a fresh search starts.
      if (last) check({ ...last, collapsed: new Set(last.collapsed) });
    }),
    { numRuns: 1000 },
  );
});

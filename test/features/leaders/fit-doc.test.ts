import { describe, expect, it } from "vitest";
import { ENTRIES_KEPT, fitDoc, fitDocParts, fitDocShowing, renderDoc, TYPED_MIN_CHARS, type DocLine, type EntryList, type FoldLine, type ListLine, type TypedLine } from "../../../src/features/leaders/fit-doc.js";
import { utf8Bytes } from "../../../src/push/enqueue.js";

const list = (prefix: string, count: number, separator = "、"): DocLine => ({
  prefix,
  items: Array.from({ length: count }, (_, i) => `校${i + 1}`),
  separator,
  more: (total, shown) => (separator === "\n" ? `另有 ${total - shown} 所` : `等 ${total} 所`),
});

describe("fitDoc", () => {
  it("returns the message whole when it fits", () => {
    const doc = ["标题", list("甲：", 3)];
    expect(fitDoc(doc, 1000, "截断")).toBe("标题\n甲：校1、校2、校3");
  });

  it("cuts the longest lists to the largest common length that fits, leaving short ones whole", () => {
    const doc = ["标题", list("甲：", 40), list("乙：", 2), list("丙：", 30)];
    const text = fitDoc(doc, 120, "截断");
    expect(utf8Bytes(text)).toBeLessThanOrEqual(120);
    const [, a, b, c] = text.split("\n");
    expect(b).toBe("乙：校1、校2");
    expect(a).toMatch(/等 40 所$/u);
    expect(c).toMatch(/等 30 所$/u);
    expect(a!.split("、").length).toBe(c!.split("、").length);
    // One more item per list would not fit.
    const shown = a!.split("、").length;
    expect(utf8Bytes(renderDoc(doc, shown + 1))).toBeGreaterThan(120);
  });

  it("puts the rest of a one-per-line list on its own line", () => {
    expect(renderDoc([list("", 5, "\n")], 2)).toBe("校1\n校2\n另有 3 所");
  });

  it("drops the last lines for the cut note when even one item per list is too long", () => {
    const doc: DocLine[] = Array.from({ length: 50 }, (_, i) => `第${i}行：很长的异常描述不可省略`);
    const text = fitDoc(doc, 200, "……已截断");
    expect(utf8Bytes(text)).toBeLessThanOrEqual(200);
    expect(text.startsWith("第0行")).toBe(true);
    expect(text.endsWith("\n……已截断")).toBe(true);
  });
});

describe("fitDoc with typed texts and collapsible lists", () => {
  /** A typed text of `chars` characters shown up to `cap`, cut with an ellipsis. */
  const typed = (n: number, chars: number, cap = 100): TypedLine => ({
    cap,
    render: (shown) => {
      const text = `事故${n}`.padEnd(chars, "详");
      return `> ${text.length > shown ? `${text.slice(0, shown)}…` : text}`;
    },
  });
  const area = (name: string, count: number): ListLine => ({
    prefix: `${name}：`,
    items: Array.from({ length: count }, (_, i) => `${name}校${i + 1}`),
    separator: "、",
    more: (total) => `等 ${total} 所`,
    collapsed: `${name}：${count} 所（发送“未报 平安 ${name}”查看）`,
  });

  it("shortens typed texts first, to the longest common length that fits", () => {
    const doc: DocLine[] = ["标题", typed(1, 300), typed(2, 300), area("甲", 3)];
    const whole = renderDoc(doc);
    expect(whole).toContain("详".repeat(90));
    const text = fitDoc(doc, utf8Bytes(whole) - 150, "截断");
    expect(text).toContain("甲：甲校1、甲校2、甲校3");
    const [, one, two] = text.split("\n");
    expect(one!.length).toBe(two!.length);
    expect(one!.length).toBeLessThan(100);
    expect(one!.length).toBeGreaterThan(TYPED_MIN_CHARS);
  });

  it("then collapses the lists that save most, and gives the typed texts back the room that frees", () => {
    const doc: DocLine[] = ["标题", typed(1, 300), area("甲", 200), area("乙", 2)];
    const limit = utf8Bytes(renderDoc(["标题", typed(1, 300), "甲：200 所（发送“未报 平安 甲”查看）", "乙：乙校1、乙校2"]));
    const text = fitDoc(doc, limit, "截断");
    // The long list collapsed; the short one, shorter than its collapsed form, stays; the text is whole again.
    expect(text.split("\n")).toEqual(["标题", renderDoc([typed(1, 300)]), "甲：200 所（发送“未报 平安 甲”查看）", "乙：乙校1、乙校2"]);
  });

  it("without a cut note keeps every line, as short as it can make them", () => {
    const doc: DocLine[] = Array.from({ length: 40 }, (_, i) => typed(i, 300));
    const text = fitDoc(doc, 500);
    expect(text.split("\n")).toHaveLength(40);
    expect(utf8Bytes(text)).toBeGreaterThan(500);
    expect(text.split("\n")[0]).toBe(`> 事故0${"详".repeat(TYPED_MIN_CHARS - 3)}…`);
  });

  it("fits a push to as few parts as its shortest form needs, shortening no more than that", () => {
    const doc: DocLine[] = Array.from({ length: 25 }, (_, i) => typed(i, 500));
    const shortest = utf8Bytes(fitDoc(doc, 0));
    expect(shortest).toBeGreaterThan(1000);
    const text = fitDocParts(doc, 1000, 100);
    const parts = Math.ceil(shortest / 900);
    expect(utf8Bytes(text)).toBeLessThanOrEqual(parts * 900);
    // Longer than the shortest form: the room of the parts it takes anyway is used.
    expect(utf8Bytes(text)).toBeGreaterThan(parts * 900 - 100);
    expect(utf8Bytes(text)).toBeGreaterThan(shortest);
  });

  /** `count` entries of two lines, `total` in all. */
  const entries = (name: string, count: number, total = count): EntryList => ({
    entries: Array.from({ length: count }, (_, i) => [`${name}${i + 1}号学校`, typed(i, 60)]),
    total,
    more: (hidden) => `另有${name} ${hidden} 条`,
  });
  /** Forty lines of one area each, folding to one line. */
  const fold = (name: string): FoldLine => ({ lines: [`${name}未报：`, ...Array.from({ length: 40 }, (_, i) => `第${i}片区：${name}校${i}`)], folded: `${name}未报：40 个片区` });

  it("with a cut note, cuts entry lists to the largest common number that fits, each saying exactly how many more, before dropping lines", () => {
    const doc: DocLine[] = ["标题", entries("甲", 30, 200), "中间", entries("乙", 4), "结尾"];
    const fitted = fitDocShowing(doc, 600, "截断");
    expect(utf8Bytes(fitted.text)).toBeLessThanOrEqual(600);
    expect(fitted.text).not.toContain("截断");
    const lines = fitted.text.split("\n");
    expect(lines.filter((line) => line.startsWith("甲"))).toHaveLength(fitted.entries);
    expect(lines).toContain(`另有甲 ${200 - fitted.entries} 条`);
    expect(fitted.entries).toBeLessThan(4);
    expect(lines).toContain(`另有乙 ${4 - fitted.entries} 条`);
    expect(lines.at(-1)).toBe("结尾");
  });

  it("folds the lines that save most as far as it takes to keep ENTRIES_KEPT of each entry list", () => {
    const doc: DocLine[] = ["标题", entries("甲", 20), fold("甲"), entries("乙", 20), fold("乙")];
    const unfolded = utf8Bytes(renderDoc(["标题", fold("甲"), fold("乙")]));
    const fitted = fitDocShowing(doc, unfolded, "截断");
    expect(fitted.entries).toBeGreaterThanOrEqual(ENTRIES_KEPT);
    expect(fitted.text).not.toContain("截断");
    // One fold is enough: the other keeps its areas.
    expect(fitted.text.split("\n").filter((line) => line.endsWith("未报：40 个片区"))).toHaveLength(1);
    expect(fitted.text.split("\n").filter((line) => line.startsWith("第0片区"))).toHaveLength(1);
  });

  it("leaves entry lists whole without a cut note (a push, which is split)", () => {
    const doc: DocLine[] = [entries("甲", 30)];
    expect(fitDocShowing(doc, 500).text.split("\n").filter((line) => line.startsWith("甲"))).toHaveLength(30);
  });
});

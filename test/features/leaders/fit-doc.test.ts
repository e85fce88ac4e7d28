import { describe, expect, it } from "vitest";
import { fitDoc, renderDoc, type DocLine } from "../../../src/features/leaders/fit-doc.js";
import { utf8Bytes } from "../../../src/push/split-message.js";

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

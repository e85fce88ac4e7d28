import { describe, expect, it } from "vitest";
import { normalizeText, quoteAsTyped, readWords } from "../../src/text/words.js";

describe("quoteAsTyped", () => {
  it("gives a folded word back as typed, at its place or found, through original() where NFKC changed lengths", () => {
    const text = normalizeText("未報 ＡＢＣ ㍿ 東區 东区", "平安助手");
    expect(text.folded).toBe("未报 ABC 株式会社 东区 东区");
    const quote = quoteAsTyped(text);
    const words = readWords(text.folded);
    expect(words.map(({ word, start }) => quote(word, start))).toEqual(["未報", "ＡＢＣ", "㍿", "東區", "东区"]);
    // Without its place, the word's first place.
    expect(quote("东区")).toBe("東區");
    // A place where the word is not: found, never the characters that happen to be there.
    expect(quote("ABC", 0)).toBe("ＡＢＣ");
  });

  it("quotes a word the reader put together as it is: no typed characters stand behind it", () => {
    const quote = quoteAsTyped(normalizeText("未报 平安县 城关片区", "平安助手"));
    expect(quote("平安县/城关片区")).toBe("平安县/城关片区");
  });
});

import { describe, expect, it } from "vitest";
import { normalizeText, splitWords } from "../../src/text/words.js";

describe("normalizeText", () => {
  it("strips the bot's mention, folds full-width and traditional script, collapses spaces", () => {
    const text = normalizeText("@平安助手　報平安　 在校１２００ ", "平安助手");
    expect(text.folded).toBe("报平安 在校1200");
    expect(text.original()).toBe("報平安　 在校１２００");
  });

  it("folds every character OpenCC's table knows, so a declared kind's own words work in traditional script too", () => {
    const text = normalizeText("晨檢 實到1190 發熱2 腹瀉1 嘔吐1 帶班領導 王校長", "平安助手");
    expect(text.folded).toBe("晨检 实到1190 发热2 腹泻1 呕吐1 带班领导 王校长");
    expect(text.original(text.folded.indexOf("发热"))).toBe("發熱2 腹瀉1 嘔吐1 帶班領導 王校長");
  });

  it("strips other leading mentions too (a message that @s two people)", () => {
    expect(normalizeText("@张局长 @平安助手 汇总", "平安助手").folded).toBe("汇总");
  });

  it("gives back any folded range exactly as typed", () => {
    const raw = "异常 一名學生课间摔伤，已送医";
    const text = normalizeText(raw, "平安助手");
    expect(text.folded).toBe("异常 一名学生课间摔伤,已送医");
    expect(text.original(3)).toBe("一名學生课间摔伤，已送医");
    expect(text.original(3, 7)).toBe("一名學生");
  });

  it("keeps offsets right when NFKC expands a character", () => {
    const text = normalizeText("学习 ㈱ 主题：安全", "平安助手");
    expect(text.folded).toBe("学习 (株) 主题:安全");
    expect(text.original(text.folded.indexOf("主题"))).toBe("主题：安全");
  });

  it("is empty for a bare mention", () => {
    expect(normalizeText("@平安助手", "平安助手").folded).toBe("");
  });

  it("takes a stray @ for a mention of nobody (it threw before)", () => {
    expect(normalizeText("@平安助手 @ 平安", "平安助手").folded).toBe("平安");
    expect(normalizeText("@平安助手 @", "平安助手").folded).toBe("");
    expect(normalizeText("@平安助手 @ 平安", "平安助手").original()).toBe("平安");
  });
});

describe("splitWords", () => {
  it("splits on spaces and the separators principals use", () => {
    expect(splitWords("撤销,学习;城关一小/ 状态、本校")).toEqual(["撤销", "学习", "城关一小", "状态", "本校"]);
  });
});

import { describe, expect, it } from "vitest";
import { findNearMiss } from "../../src/bot/near-miss.js";

const KEYWORDS = ["平安", "报平安", "防溺水", "学习", "汇总", "未报", "撤销", "安全", "help"];
const near = (text: string, masked: boolean[] = []) => findNearMiss(text, KEYWORDS, masked);

describe("findNearMiss", () => {
  it("finds a word of the same sound, one edit from a longer keyword, or the keyword in pinyin", async () => {
    expect(await near("平按")).toBe("平安");
    expect(await near("评安")).toBe("平安");
    expect(await near("今天瓶安")).toBe("平安");
    expect(await near("会总")).toBe("汇总");
    expect(await near("为报")).toBe("未报");
    expect(await near("防弱水 830/846")).toBe("防溺水");
    expect(await near("报平按")).toBe("报平安");
    expect(await near("pingan")).toBe("平安");
    expect(await near("Ping An!")).toBe("平安");
    expect(await near("halp")).toBe("help");
  });

  it("finds nothing in everyday words, exact keywords or masked school names", async () => {
    for (const text of ["安全教育已完成", "平时", "学校", "晚安", "谢谢", "", "12345"]) expect(await near(text), text).toBeUndefined();
    expect(await near("平岸小学", [true, true, true, true])).toBeUndefined();
  });
});

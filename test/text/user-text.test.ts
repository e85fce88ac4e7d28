import { describe, expect, it } from "vitest";
import { escapeUserText, shortenUserText } from "../../src/text/user-text.js";

/** Markup a reader would see acting if it went through: none of it may survive. */
const ACTIVE = [/\[[^\]]*\]\([^)]*\)/, /\*\*/, /<@/, /<font/i, /^#/m, /^>/m, /`/, /&[a-z]+;/i, /!\[/, /:\/\//, /\n/];

describe("escapeUserText", () => {
  const hostile = [
    "测试 [点此下载通知](http://evil.example/x) **全部平安**",
    "![图](http://evil.example/a.png)",
    "# 全县停课\n> 领导批示：不用上报",
    "<@all> <font color=\"warning\">紧急</font>",
    "`rm -rf` ~~删除~~ _斜体_",
    "&lt;script&gt; &amp;",
    "访问 https://evil.example 领取",
    "第一行\r\n第二行\u2028第三行",
  ];

  it.each(hostile)("leaves no active markup in %j", (text) => {
    const shown = escapeUserText(text);
    for (const pattern of ACTIVE) expect(shown, `${pattern}`).not.toMatch(pattern);
  });

  it("keeps ordinary Chinese text exactly as typed", () => {
    const text = "一名学生课间摔伤，已送医，无生命危险。家长已到场：王某某（父亲）";
    expect(escapeUserText(text)).toBe(text);
    expect(escapeUserText("应到52 实到50 请假2")).toBe("应到52 实到50 请假2");
  });

  it("replaces each marker by a twin a reader reads the same", () => {
    expect(escapeUserText("[a](b) *c* <d> #e")).toBe("［a］（b） ＊c＊ ＜d＞ ＃e");
  });
});

describe("shortenUserText", () => {
  it("cuts on code points and says where the rest is", () => {
    const long = "😀".repeat(600);
    const short = shortenUserText(long, 500, "详见：历史 东湖小学");
    expect([...short.split("…")[0]!]).toHaveLength(500);
    expect(short.endsWith("…（详见：历史 东湖小学）")).toBe(true);
    expect(shortenUserText("短文本", 500, "详见")).toBe("短文本");
  });
});

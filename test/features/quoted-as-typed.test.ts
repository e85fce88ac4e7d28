import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { ALL_KINDS } from "../support/config-variant.js";

/**
 * A refusal that quotes what a user wrote quotes it as typed (full-width, traditional script),
 * never as the parser read it folded; words the bot names itself stay its own. Friday 2026-11-27.
 */
describe("refusals quote the user's words as typed", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-27T08:30:00+08:00", variant: { edits: ALL_KINDS } });
  });
  afterAll(() => h.close());

  const firstLine = async (userid: string, text: string) => (await h.say(userid, text)).split("\n")[0];

  it("a leader's task, area, date and school words", async () => {
    const leader = (text: string) => firstLine("wang_zhiyuan", text);
    expect(await leader("未報 東區")).toMatch(/^“東區”不是任务名称/u);
    expect(await leader("未报 ＡＢＣ")).toMatch(/^“ＡＢＣ”不是任务名称/u);
    expect(await leader("提醒 學習課")).toMatch(/^“學習課”不是任务名称/u);
    expect(await leader("未报 平安 １１－２０")).toMatch(/^“１１－２０”是日期/u);
    expect(await leader("汇总 東區片區")).toBe("“東區片區”不是可识别的日期、任务或片区（片区写全称或开头的几个字）。");
    expect(await leader("汇总 上週 東區")).toBe("“東區”不是可识别的日期、任务或片区（片区写全称或开头的几个字）。");
    expect(await leader("汇总 昨天 晨檢２")).toBe("“晨檢２”不是可识别的日期、任务或片区（片区写全称或开头的几个字）。");
    // A task word between the words not understood is quoted with them, as typed, not as the blanks left of it.
    expect(await leader("汇总 東區 平安 片區")).toBe("“東區 平安 片區”不是可识别的日期、任务或片区（片区写全称或开头的几个字）。");
    expect(await leader("汇总 ２０２６－１３－０１")).toBe("“２０２６－１３－０１”不是有效的日期。");
    expect(await leader("汇总 １３月１日")).toBe("“１３月１日”不是有效的日期。");
    expect(await leader("导出 ２０２６年１３月")).toMatch(/^“２０２６年１３月”不是可识别的日期范围/u);
    expect(await leader("导出 ０２－３０至０３－０１")).toBe("“０２－３０”不是有效的日期。");
    expect(await leader("看板 ＡＢ")).toMatch(/^看板只显示今天的情况，不需要“ＡＢ”/u);
    for (const text of ["历史 不存在學校", "免报 不存在學校 平安 明天 下雨", "代报 不存在學校 平安", "收到 不存在學校"]) {
      expect(await leader(text), text).toBe("没有找到学校“不存在學校”。请写学校全称、简称或学校代码。");
    }
  });

  it("a principal's figures and dates, and the names the bot gives stay its own", async () => {
    const principal = (text: string) => firstLine("zhang_wei", text);
    expect(await principal("平安 在校－５")).toBe("人数不能是负数（“－５”）。");
    expect(await principal("平安 在校５．５")).toBe("人数要写整数（“５．５”）。");
    expect(await principal("平安 在校９９９９９９９")).toMatch(/^“９９９９９９９”太大了/u);
    expect(await principal("學習 實到５０／５２ 請假－１")).toBe("人数不能是负数（“－１”）。");
    expect(await principal("學習 ＡＢ５０／５２")).toMatch(/^“ＡＢ５０／５２”里有不是人数的内容/u);
    expect(await principal("平安 ５０／５２")).toMatch(/^“５０、５２”是什么人数/u);
    expect(await principal("平安 ２０２７－０１－０１")).toBe("只能登记今天和之前 3 天内的上报，“２０２７－０１－０１”还没到。");
    expect(await principal("平安 １０月１日")).toMatch(/“１０月１日”的平安日报已不能补报/u);
    expect(await principal("平安 一名學生摔傷")).toMatch(/^“摔傷”像是异常情况/u);
    expect(await principal("状态 ５班")).toBe("“５班”不是可识别的内容。");
    expect(await principal("撤销 平安 ３号")).toBe("“３号”不是可识别的内容。");
    expect(await principal("晨检 實到１６８０ 發熱－２")).toBe("发热不能是负数（“－２”）。");
    expect(await principal("晨检 實到１６８０ 頭痛３")).toMatch(/^“頭痛３”里的 ３ 不知道该登记到哪一项/u);
  });
});

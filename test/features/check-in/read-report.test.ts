import { describe, expect, it } from "vitest";
import type { School } from "../../../src/config/roster.js";
import { ErrorCode, hasCode } from "../../../src/errors.js";
import { asksAboutAbnormal, asksAboutReporting, readDrowning, readReportDate, readSafety, readStudy } from "../../../src/features/check-in/read-report.js";
import { reportText } from "../../../src/features/check-in/report-text.js";

/** 东湖中学 of the example roster: 712 pupils, 64 staff. */
const school: School = { code: "DB002", name: "平安县东湖镇中学", shortName: "东湖中学", area: "东部片区", stage: "初中", reporters: ["zhu_hong"], pupils: 712, staff: 64, line: 11 };
const voice = reportText.voice();

/** The reader's refusal, or undefined when it read the words. */
function refusal(read: () => unknown): string | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    if (hasCode(error, ErrorCode.Usage)) return error.message;
    throw error;
  }
}

describe("figures against the roster", () => {
  it("takes 实到 + 请假 as the whole and checks it as a typed whole", () => {
    const read = readStudy({ words: "50人参加 2人请假", school, voice });
    expect(read.value).toEqual({ task: "study", attended: 50, expected: 52, leave: 2 });
    expect(read.notes).toEqual([reportText.rosterNote("贵校", "教职工", 64)]);
    expect(readStudy({ words: "45/50", school, voice }).notes).toEqual(read.notes);
    expect(readStudy({ words: "60人参加 2人请假", school, voice }).notes).toEqual([]);
  });

  it("refuses a slash with a number on one side only", () => {
    for (const words of ["NaN/52", "?/52", "/52", "50/", "50 / abc"]) {
      expect(refusal(() => readStudy({ words, school, voice })), words).toMatch(/不是人数/u);
    }
    expect(refusal(() => readDrowning({ words: "?/700", school, voice }))).toMatch(/不是人数/u);
    expect(readDrowning({ words: "700/712 告家长书/电话", school, voice }).value.channels).toEqual(["电话", "告家长书"]);
  });
});

describe("a figure no school has", () => {
  it("is refused before the roster is looked at, whatever figure of whichever report it is", () => {
    const tooLarge = /^“99999999999”太大了，一所学校的人数不会超过 100 万，请核对。$/u;
    expect(refusal(() => readStudy({ words: "50/52 请假99999999999", school, voice }))).toMatch(tooLarge);
    expect(refusal(() => readDrowning({ words: "700/99999999999", school, voice }))).toMatch(tooLarge);
    expect(refusal(() => readSafety({ before: "", words: "在校99999999999", school, voice }))).toMatch(tooLarge);
    expect(readSafety({ before: "", words: "在校1,000", school, voice }).value).toMatchObject({ present: 1000 });
  });
});

describe("two reports in one message", () => {
  it("is refused when a 平安 with figures holds another enabled kind's word, naming every kind", () => {
    const apart = { others: ["晨检", "学习"], kinds: ["平安", "学习", "晨午检"] };
    expect(refusal(() => readSafety({ before: "", words: "晨检 实到1190", school, voice, apart }))).toBe("一条消息只能报一项。平安、学习、晨午检请分开发送，每条以任务开头。");
    expect(readSafety({ before: "", words: "在校700", school, voice, apart }).value).toMatchObject({ present: 700 });
  });
});

describe("questions", () => {
  it("asks when the keyword's clause ends as a question or holds a word that asks", () => {
    const asks: [string, string][] = [["我们今天", "了吗"], ["今天要", "吗?"], ["", "吗"], ["今天", "吗"], ["", "报了没"], ["是否要报", ""], ["", "?"], ["", "呢"], ["怎么报", ""]];
    for (const [before, after] of asks) expect(asksAboutReporting(before, after), `${before}|${after}`).toBe(true);
    const tells: [string, string][] = [["", ""], ["今天", ""], ["", "在校846"], ["", "没什么"], ["", "?/52"], ["", ",今天下雨,要不要提前放学?"], ["谁知道呢,", "在校846"], ["", "~"]];
    for (const [before, after] of tells) expect(asksAboutReporting(before, after), `${before}|${after}`).toBe(false);
  });

  it("takes an 异常 message as a question only when it describes nothing", () => {
    expect(asksAboutAbnormal("", "吗")).toBe(true);
    expect(asksAboutAbnormal("今天需要报", "吗")).toBe(true);
    expect(asksAboutAbnormal("是否", "?")).toBe(true);
    expect(asksAboutAbnormal("", "有学生打架?")).toBe(false);
    expect(asksAboutAbnormal("", "学生走失,是否报警?")).toBe(false);
  });
});

describe("dates in a report", () => {
  const today = "2026-06-16";
  it("reads a date that stands as a word of its own, and blanks it", () => {
    expect(readReportDate("岭头小学 昨天", today)).toEqual({
      span: { start: "2026-06-15", end: "2026-06-15", kind: "day", word: "昨天" },
      typed: "昨天",
      words: "岭头小学   ",
    });
    const start = (words: string) => readReportDate(words, today).span?.start;
    expect(start("6-15")).toBe("2026-06-15");
    expect(start("补报6月15日的")).toBe("2026-06-15");
    expect(start("6.15")).toBe("2026-06-15");
    expect(start("2025年12月31日")).toBe("2025-12-31");
    expect(start("12-31")).toBe("2025-12-31");
    expect(readReportDate("上周 50/52", today).span).toMatchObject({ start: "2026-06-08", kind: "week" });
  });

  it("leaves words that only hold a date word, and figures, alone", () => {
    for (const words of ["昨天下雨,积水已清理", "50/52", "在校846", "6/15", "第15周"]) {
      expect(readReportDate(words, today), words).toEqual({ words });
    }
  });
});

describe("a 平安 report's remark", () => {
  /** The remark read from `words`, the typed text being the words themselves. */
  const remarkOf = (words: string) => readSafety({ before: "", words, school, voice, typed: (start, end) => words.slice(start, end) }).value.remark;

  it("keeps what the figures, greetings and the report's own phrases do not explain", () => {
    expect(remarkOf("在校700 今天下雨,校门口积水已安排值守")).toBe("今天下雨,校门口积水已安排值守");
    expect(remarkOf("有两名老师外出培训")).toBe("有两名老师外出培训");
    // The keyword said again (平安平安, 平安，报平安) is no remark; said inside one, it is kept with it.
    expect(remarkOf("祝大家平安")).toBe("祝大家平安");
    for (const words of ["", "无事,谢谢", ",一切正常", "在校700人 请假6人", "今天700名学生全部到校", "各位领导好", "🙏👍", "在校 700 名学生,教职工 60 人全部到岗", "平安", ",报平安", "今日平安"]) {
      expect(remarkOf(words), words).toBeUndefined();
    }
  });

  it("keeps a date, a time or a class it holds, as typed and whole", () => {
    expect(remarkOf("今天6.12下雨")).toBe("今天6.12下雨");
    expect(remarkOf("在校700 12:30放学")).toBe("12:30放学");
    expect(remarkOf("3年级2班外出研学")).toBe("3年级2班外出研学");
  });

  it("asks about words that hint at an incident, unless denied", () => {
    expect(refusal(() => remarkOf("但有一名学生发烧回家"))).toMatch(/“发烧”像是异常情况/u);
    expect(refusal(() => remarkOf("无人发烧"))).toBeUndefined();
    expect(refusal(() => readSafety({ before: "", words: "停电".repeat(30), school, voice, typed: () => "停电".repeat(30), remarkChars: 50 }))).toMatch(/超过了 50 字/u);
  });
});

describe("a month.day right after a figure's label", () => {
  it("is a figure with decimals, refused, never a date dropped or taken for a 补报", () => {
    expect(refusal(() => readSafety({ before: "", words: "在校3.12", school, voice }))).toBe(reportText.fractionalFigure("3.12"));
    expect(refusal(() => readStudy({ words: "实到10.5 应到52", school, voice }))).toBe(reportText.fractionalFigure("10.5"));
    expect(readReportDate("实到 5.6", "2026-11-27", { figureLabels: ["实到"] }).span).toBeUndefined();
    // Without a label before it, it is a date.
    expect(readReportDate("5.6", "2026-11-27", { figureLabels: ["实到"] }).span?.start).toBe("2026-05-06");
    expect(readSafety({ before: "", words: "在校700 6.12", school, voice }).value.present).toBe(700);
  });
});

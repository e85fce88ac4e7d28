import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../../src/errors.js";
import { readDateSpan } from "../../../src/features/leaders/read-date-span.js";
import { quoteAsFolded } from "../../../src/text/words.js";

const TUESDAY = "2026-11-24";
const read = (text: string, today = TUESDAY) => readDateSpan(text, today, "nearest", quoteAsFolded)?.span;

describe("readDateSpan", () => {
  it("reads the day words relative to today", () => {
    expect(read("今天")).toEqual({ start: TUESDAY, end: TUESDAY, kind: "day", word: "今天" });
    expect(read("昨天")).toEqual({ start: "2026-11-23", end: "2026-11-23", kind: "day", word: "昨天" });
    expect(read("前天")?.start).toBe("2026-11-22");
    expect(read("明天")?.start).toBe("2026-11-25");
    expect(read("昨天", "2027-01-01")?.start).toBe("2026-12-31");
  });

  it("reads the ISO week, Monday to Sunday, also on a Monday and a Sunday", () => {
    expect(read("本周")).toEqual({ start: "2026-11-23", end: "2026-11-29", kind: "week", word: "本周" });
    expect(read("本周", "2026-11-23")).toEqual({ start: "2026-11-23", end: "2026-11-29", kind: "week", word: "本周" });
    expect(read("本周", "2026-11-29")).toEqual({ start: "2026-11-23", end: "2026-11-29", kind: "week", word: "本周" });
    expect(read("上周")).toEqual({ start: "2026-11-16", end: "2026-11-22", kind: "week", word: "上周" });
    expect(read("下周", "2026-12-30")).toEqual({ start: "2027-01-04", end: "2027-01-10", kind: "week", word: "下周" });
  });

  it("reads dates with and without a year", () => {
    for (const text of ["11-20", "11月20日", "11月20号", "11.20", "11/20", "2026-11-20", "2026年11月20日", "2026/11/20", "11 月 20 日"]) {
      expect(read(text), text).toEqual({ start: "2026-11-20", end: "2026-11-20", kind: "day" });
    }
  });

  it("puts a date without a year in the year nearest to today", () => {
    expect(read("12-28", "2027-01-05")?.start).toBe("2026-12-28");
    expect(read("01-03", "2026-12-30")?.start).toBe("2027-01-03");
    expect(read("2-29", "2028-03-01")?.start).toBe("2028-02-29");
  });

  it("reads ranges with 至, ~, 到 and —", () => {
    expect(read("11-20至11-27")).toEqual({ start: "2026-11-20", end: "2026-11-27", kind: "range" });
    expect(read("2026-11-20~2026-11-27")).toEqual({ start: "2026-11-20", end: "2026-11-27", kind: "range" });
    expect(read("11月20日 到 11月27日")).toEqual({ start: "2026-11-20", end: "2026-11-27", kind: "range" });
    expect(read("今天—下周")).toEqual({ start: TUESDAY, end: "2026-12-06", kind: "range" });
    expect(read("12-28至1-3", "2026-12-20")).toEqual({ start: "2026-12-28", end: "2027-01-03", kind: "range" });
  });

  it("says how much it read, so the rest is the reason", () => {
    const text = "11-25至11-27 中考考点";
    const result = readDateSpan(text, TUESDAY, "nearest", quoteAsFolded)!;
    expect(text.slice(result.length).trim()).toBe("中考考点");
    expect(readDateSpan("城关一小", TUESDAY, "nearest", quoteAsFolded)).toBeUndefined();
  });

  it("refuses a day that does not exist and a range that runs backwards", () => {
    expect(() => read("2-30")).toThrow(expect.objectContaining({ code: ErrorCode.Usage }));
    expect(() => read("2026-02-30")).toThrow("“2026-02-30”不是有效的日期");
    expect(() => read("11-27至11-20")).toThrow("结束日期 11月20日 早于开始日期 11月27日");
    expect(() => read("11-20至")).toThrow("后面缺少结束日期");
  });
});

describe("readDateSpan for questions about the past", () => {
  const start = (text: string, today: string) => readDateSpan(text, today, "past", quoteAsFolded)?.span.start;

  it("takes a date more than a month ahead as last year's, and a nearer one as this year's", () => {
    expect(start("11-20", "2026-06-12")).toBe("2025-11-20");
    expect(start("11月20日", "2026-06-12")).toBe("2025-11-20");
    expect(start("11-30", "2026-11-24")).toBe("2026-11-30");
    expect(start("12-28", "2027-01-05")).toBe("2026-12-28");
    expect(start("06-01", "2026-06-12")).toBe("2026-06-01");
    // The nearest rule keeps the date nearest to today either way.
    expect(readDateSpan("11-20", "2026-06-12", "nearest", quoteAsFolded)?.span.start).toBe("2026-11-20");
  });

  it("reads months and weekdays: 本月, 上月, 周五, 上周五, 星期三", () => {
    expect(read("本月")).toEqual({ start: "2026-11-01", end: "2026-11-30", kind: "month", word: "本月" });
    expect(read("上个月", "2026-01-15")).toEqual({ start: "2025-12-01", end: "2025-12-31", kind: "month", word: "上个月" });
    expect(read("上周五")).toEqual({ start: "2026-11-20", end: "2026-11-20", kind: "day", word: "上周五" });
    expect(read("本周三")?.start).toBe("2026-11-25");
    expect(read("星期日")?.start).toBe("2026-11-29");
    expect(read("下礼拜一")?.start).toBe("2026-11-30");
    // Asked about what happened, a bare weekday to come is last week's.
    expect(readDateSpan("周五", TUESDAY, "past", quoteAsFolded)?.span.start).toBe("2026-11-20");
    expect(readDateSpan("周二", TUESDAY, "past", quoteAsFolded)?.span.start).toBe(TUESDAY);
    expect(readDateSpan("上周五至本周一", TUESDAY, "nearest", quoteAsFolded)?.span).toEqual({ start: "2026-11-20", end: "2026-11-23", kind: "range" });
  });
});

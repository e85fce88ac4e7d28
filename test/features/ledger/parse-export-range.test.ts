import { describe, expect, it } from "vitest";
import { ErrorCode, hasCode } from "../../../src/errors.js";
import { parseExportRange } from "../../../src/features/ledger/parse-export-range.js";
import { quoteAsFolded } from "../../../src/text/words.js";

/** Wednesday. */
const TODAY = "2026-11-25";

describe("parseExportRange", () => {
  it("reads the words, 本周 by default", () => {
    expect(parseExportRange("", TODAY, quoteAsFolded)).toEqual({ from: "2026-11-23", to: "2026-11-29", label: "本周" });
    expect(parseExportRange("上周", TODAY, quoteAsFolded)).toEqual({ from: "2026-11-16", to: "2026-11-22", label: "上周" });
    expect(parseExportRange("本月", TODAY, quoteAsFolded)).toEqual({ from: "2026-11-01", to: "2026-11-30", label: "本月" });
    expect(parseExportRange("上月", TODAY, quoteAsFolded)).toEqual({ from: "2026-10-01", to: "2026-10-31", label: "上月" });
    expect(parseExportRange("上月", "2026-01-10", quoteAsFolded)).toMatchObject({ from: "2025-12-01", to: "2025-12-31" });
    expect(parseExportRange("本月", "2028-02-10", quoteAsFolded)).toMatchObject({ from: "2028-02-01", to: "2028-02-29" });
    expect(parseExportRange("本周", "2026-11-29", quoteAsFolded)).toMatchObject({ from: "2026-11-23", to: "2026-11-29" });
  });

  it("reads ranges with and without years, and one date", () => {
    expect(parseExportRange("11-01至11-20", TODAY, quoteAsFolded)).toEqual({ from: "2026-11-01", to: "2026-11-20" });
    expect(parseExportRange("2026-11-01~2026-11-20", TODAY, quoteAsFolded)).toEqual({ from: "2026-11-01", to: "2026-11-20" });
    expect(parseExportRange("11月1日到11月20日", TODAY, quoteAsFolded)).toEqual({ from: "2026-11-01", to: "2026-11-20" });
    expect(parseExportRange("11.1 至 11.20", TODAY, quoteAsFolded)).toEqual({ from: "2026-11-01", to: "2026-11-20" });
    expect(parseExportRange("2025-12-20至01-05", "2026-01-08", quoteAsFolded)).toEqual({ from: "2025-12-20", to: "2026-01-05" });
    expect(parseExportRange("12-20至2026-01-05", "2026-01-08", quoteAsFolded)).toEqual({ from: "2025-12-20", to: "2026-01-05" });
    expect(parseExportRange("12-01至12-20", "2027-01-05", quoteAsFolded)).toEqual({ from: "2026-12-01", to: "2026-12-20" });
    expect(parseExportRange("11-20", TODAY, quoteAsFolded)).toEqual({ from: "2026-11-20", to: "2026-11-20" });
  });

  it("refuses reversed, over-long, impossible and unreadable ranges with a usage error", () => {
    const message = (text: string, today = TODAY) => {
      try {
        parseExportRange(text, today, quoteAsFolded);
      } catch (error) {
        expect(hasCode(error, ErrorCode.Usage)).toBe(true);
        return (error as Error).message;
      }
      throw new Error(`"${text}" was accepted`);
    };
    expect(message("11-20至11-01")).toContain("结束日期 2026-11-01 早于开始日期 2026-11-20");
    expect(message("2026-11-20~2026-11-01")).toContain("早于开始日期");
    expect(message("2025-11-01至2026-11-02")).toBe("一次最多导出 366 天（现在是 367 天），请缩小范围。");
    expect(parseExportRange("2025-11-02至2026-11-02", TODAY, quoteAsFolded)).toMatchObject({ from: "2025-11-02" });
    expect(message("02-30至03-01")).toContain("“02-30”不是有效的日期");
    expect(message("2027-02-29")).toContain("“2027-02-29”不是有效的日期");
    expect(message("11-01至13-01")).toContain("“13-01”不是有效的日期");
    expect(message("明年")).toContain("“明年”不是可识别的日期范围");
  });
});

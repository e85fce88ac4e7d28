import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { CodedError, ErrorCode, hasCode } from "../../src/errors.js";
import {
  BUILT_IN_HOLIDAYS_PATH,
  importedHolidaysPath,
  loadHolidayData,
  parseHolidays,
} from "../../src/time/holidays.js";

/** chinese-days' published data: date → "English,中文,n" for holidays and make-up workdays. */
async function loadChineseDays(): Promise<{ holidays: Record<string, string>; workdays: Record<string, string> }> {
  const path = createRequire(import.meta.url).resolve("chinese-days/dist/chinese-days.json");
  return JSON.parse(await readFile(path, "utf8"));
}

function problemsOf(text: string): readonly string[] {
  try {
    parseHolidays(text, "h.yaml");
  } catch (error) {
    expect(hasCode(error, ErrorCode.HolidayData)).toBe(true);
    return (error as CodedError<ErrorCode.HolidayData>).details.problems;
  }
  throw new Error("expected a HOLIDAY_DATA error");
}

describe("the built-in data file", () => {
  it("loads 2025 and 2026, and has no 2027 (not yet published in the data we have)", async () => {
    const data = await loadHolidayData();
    expect(data.years).toEqual([2025, 2026]);
    expect(data.holidays.get("2026-10-01")).toBe("国庆节");
    expect(data.holidays.get("2026-02-15")).toBe("春节");
    expect(data.workdays.get("2026-10-10")).toBe("国庆节");
    expect(data.holidays.has("2027-01-01")).toBe(false);
  });

  it("agrees day for day with the chinese-days package for every year it holds", async () => {
    const data = await loadHolidayData({ builtIn: BUILT_IN_HOLIDAYS_PATH });
    const upstream = await loadChineseDays();
    for (const year of data.years) {
      const inYear = (dates: Iterable<string>) => [...dates].filter((d) => d.startsWith(`${year}-`)).sort();
      expect(inYear(data.holidays.keys()), `holidays ${year}`).toEqual(inYear(Object.keys(upstream.holidays)));
      expect(inYear(data.workdays.keys()), `workdays ${year}`).toEqual(inYear(Object.keys(upstream.workdays)));
    }
    const upstreamYears = new Set(Object.keys(upstream.holidays).map((d) => Number(d.slice(0, 4))));
    const missing = [...upstreamYears].filter((y) => y >= 2025 && !data.years.includes(y));
    expect(missing, "chinese-days has years that config/holidays-cn.yaml lacks: add them").toEqual([]);
  });
});

describe("parseHolidays", () => {
  it("reads a year an admin adds", () => {
    const data = parseHolidays(
      `"2027":\n  festivals:\n    - name: 元旦\n      holidays: { start: 2027-01-01, end: 2027-01-03 }\n      workdays: [2027-01-09]\n`,
      "h.yaml",
    );
    expect(data.years).toEqual([2027]);
    expect([...data.holidays.keys()]).toEqual(["2027-01-01", "2027-01-02", "2027-01-03"]);
    expect(data.workdays.get("2027-01-09")).toBe("元旦");
  });

  it("lists every problem with where it is", () => {
    const problems = problemsOf(
      [
        `"2027":`,
        `  festivals:`,
        `    - name: 元旦`,
        `      holidays: { start: 2027-01-03, end: 2027-01-01 }`,
        `    - name: 春节`,
        `      holidays: { start: 2027-02-05, end: 2027-02-30 }`,
        `      workdays: [2027-02-01]`,
        `    - name: 国庆节`,
        `      holidays: { start: 2027-10-01, end: 2027-10-07 }`,
        `      workdays: [2027-10-02]`,
      ].join("\n"),
    );
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/"2027"\.festivals\[0\]（元旦）\.holidays: 开始 2027-01-03 晚于结束 2027-01-01/);
    expect(problems[1]).toMatch(/festivals\[1\]（春节）\.holidays\.end: "2027-02-30" 不是有效日期/);
    expect(problems[2]).toMatch(/festivals\[1\]（春节）\.workdays\[0\]: 2027-02-01 不是周六或周日/);
    expect(problems[3]).toMatch(/2027-10-02 既写在 .*holidays 放假，又写在 .*workdays\[0\] 上班/);
  });

  it("catches a mistyped year and an overlong block", () => {
    const problems = problemsOf(
      `"2027":\n  festivals:\n    - name: 国庆节\n      holidays: { start: 2027-10-01, end: 2027-11-07 }\n      workdays: [2072-10-09]\n`,
    );
    expect(problems[0]).toMatch(/共 38 天，超过 15 天/);
    expect(problems[1]).toMatch(/2072-10-09 不在 2027 年前后/);
  });

  it("reports the shape of a wrong file", () => {
    expect(problemsOf(`"2027":\n  festivals:\n    - name: 元旦\n      holiday: 2027-01-01\n`).join("\n")).toMatch(
      /"2027"\.festivals\[0\]/,
    );
    expect(problemsOf(`"2027": {festivals: [`)[0]).toMatch(/^h\.yaml:1: 不是合法的 YAML/);
    expect(problemsOf(`27:\n  festivals: []\n`)[0]).toMatch(/"27": 年份写成四位数字/);
  });

  it("says which file it could not read", async () => {
    await expect(loadHolidayData({ builtIn: "/nonexistent/holidays.yaml" })).rejects.toThrow(/读不到节假日数据文件：找不到 \/nonexistent\/holidays\.yaml/);
  });
});

describe("loadHolidayData", () => {
  const year2027 = `"2027":\n  festivals:\n    - name: 元旦\n      holidays: { start: 2027-01-01, end: 2027-01-03 }\n`;

  async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), "pingan-holidays-"));
    try {
      await run(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it("looks for the imported file beside the config", () => {
    expect(importedHolidaysPath("/etc/pingan/pingan.yaml")).toBe("/etc/pingan/holidays.yaml");
    expect(importedHolidaysPath("pingan.yaml")).toBe("holidays.yaml");
  });

  it("is the bundled data alone when nothing was imported", async () => {
    await withDir(async (dir) => {
      const data = await loadHolidayData({ imported: join(dir, "holidays.yaml") });
      expect(data.years).toEqual([2025, 2026]);
    });
  });

  it("adds the imported years, and an imported year replaces the bundled one", async () => {
    await withDir(async (dir) => {
      const imported = join(dir, "holidays.yaml");
      const short2026 = `"2026":\n  festivals:\n    - name: 国庆节\n      holidays: { start: 2026-10-01, end: 2026-10-03 }\n`;
      await writeFile(imported, `${short2026}\n${year2027}`);
      const data = await loadHolidayData({ imported });
      expect(data.years).toEqual([2025, 2026, 2027]);
      expect(data.holidays.get("2027-01-03")).toBe("元旦");
      expect(data.holidays.has("2026-10-07")).toBe(false);
      expect(data.holidays.has("2026-02-15")).toBe(false);
      expect(data.holidays.get("2025-01-28")).toBe("春节");
    });
  });

  it("names the imported file when it is wrong", async () => {
    await withDir(async (dir) => {
      const imported = join(dir, "holidays.yaml");
      await writeFile(imported, year2027.replace("2027-01-03", "2027-01-32"));
      await expect(loadHolidayData({ imported })).rejects.toThrow(`${imported}:4: "2027".festivals[0]（元旦）.holidays.end`);
    });
  });
});

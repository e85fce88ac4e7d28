import { readFileSync } from "node:fs";
import { getLunarDate, getLunarFestivals, getSolarTerms } from "chinese-days";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { listStatutoryHolidays, type StatutoryFestival } from "../../src/time/statutory-holidays.js";

/**
 * Checked by hand against published calendars: 春节 is 除夕 plus 正月初一 to 初三; 清明 is the
 * solar term's day in China Standard Time; 端午 is lunar 5-5; 中秋 is lunar 8-15.
 */
const EXPECTED: Record<number, { spring: string[]; qingming: string; duanwu: string; midAutumn: string }> = {
  2025: { spring: ["01-28", "01-29", "01-30", "01-31"], qingming: "04-04", duanwu: "05-31", midAutumn: "10-06" },
  2026: { spring: ["02-16", "02-17", "02-18", "02-19"], qingming: "04-05", duanwu: "06-19", midAutumn: "09-25" },
  2027: { spring: ["02-05", "02-06", "02-07", "02-08"], qingming: "04-05", duanwu: "06-09", midAutumn: "09-15" },
  2028: { spring: ["01-25", "01-26", "01-27", "01-28"], qingming: "04-04", duanwu: "05-28", midAutumn: "10-03" },
  2029: { spring: ["02-12", "02-13", "02-14", "02-15"], qingming: "04-04", duanwu: "06-16", midAutumn: "09-22" },
  2030: { spring: ["02-02", "02-03", "02-04", "02-05"], qingming: "04-05", duanwu: "06-05", midAutumn: "09-12" },
};

/**
 * chinese-days, the oracle here, works in the process's time zone and answers a day early west of
 * Greenwich; it is asked in Beijing time, so that this file passes under any TZ (our code needs none).
 */
function inBeijing<T>(ask: () => T): T {
  const saved = process.env.TZ;
  process.env.TZ = "Asia/Shanghai";
  try {
    return ask();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

function datesOf(year: number, festival: StatutoryFestival): string[] {
  return listStatutoryHolidays(year)
    .filter((day) => day.festival === festival)
    .map((day) => day.date);
}

describe("listStatutoryHolidays", () => {
  for (const [yearText, expected] of Object.entries(EXPECTED)) {
    const year = Number(yearText);
    it(`lists the 13 statutory days of ${year}, sorted`, () => {
      const days = listStatutoryHolidays(year);
      const want = [
        { date: `${year}-01-01`, festival: "元旦" },
        ...expected.spring.map((day) => ({ date: `${year}-${day}`, festival: "春节" })),
        { date: `${year}-${expected.qingming}`, festival: "清明节" },
        { date: `${year}-05-01`, festival: "劳动节" },
        { date: `${year}-05-02`, festival: "劳动节" },
        { date: `${year}-${expected.duanwu}`, festival: "端午节" },
        { date: `${year}-${expected.midAutumn}`, festival: "中秋节" },
        { date: `${year}-10-01`, festival: "国庆节" },
        { date: `${year}-10-02`, festival: "国庆节" },
        { date: `${year}-10-03`, festival: "国庆节" },
      ].sort((a, b) => a.date.localeCompare(b.date));
      expect(days).toEqual(want);
    });
  }

  it("starts 春节 on 除夕 even when 腊月 has only 29 days", () => {
    const lastDay = (year: number): number[] => {
      const lunar = inBeijing(() => getLunarDate(datesOf(year, "春节")[0]!));
      return [lunar.lunarMon, lunar.lunarDay];
    };
    for (const year of [2025, 2026, 2027, 2028, 2029]) expect(lastDay(year), String(year)).toEqual([12, 29]);
    expect(lastDay(2030)).toEqual([12, 30]);
  });

  it("agrees with chinese-days on 除夕, 正月初一, 清明, 端午 and 中秋 for every year 2025–2099", () => {
    const disagreements: string[] = [];
    for (let year = 2025; year <= 2099; year += 1) {
      // Only around the festivals: 春节 falls in Jan 21–Feb 20, 端午 in May 28–Jun 25, 中秋 in Sep 7–Oct 8.
      const windows = [["01-15", "02-25"], ["05-20", "06-30"], ["09-01", "10-10"]];
      const festivals = inBeijing(() => windows.flatMap(([from, to]) => getLunarFestivals(`${year}-${from}`, `${year}-${to}`)));
      const on = (name: string): string[] =>
        festivals.filter((festival) => festival.name.includes(name)).map((festival) => festival.date);
      const theirs = {
        eve: on("除夕"),
        newYear: on("春节"),
        qingming: inBeijing(() => getSolarTerms(`${year}-04-01`, `${year}-04-10`))
          .filter((term) => term.name === "清明")
          .map((term) => term.date),
        duanwu: on("端午节"),
        midAutumn: on("中秋节"),
      };
      const spring = datesOf(year, "春节");
      const ours = {
        eve: [spring[0]],
        newYear: [spring[1]],
        qingming: datesOf(year, "清明节"),
        duanwu: datesOf(year, "端午节"),
        midAutumn: datesOf(year, "中秋节"),
      };
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        disagreements.push(`${year}: ${JSON.stringify(ours)} ≠ ${JSON.stringify(theirs)}`);
      }
    }
    expect(disagreements).toEqual([]);
  });

  it("refuses years before the 2024 revision took effect, after 2099, and non-integers", () => {
    for (const year of [2024, 1949, 2100, 2025.5, Number.NaN]) {
      expect(() => listStatutoryHolidays(year)).toThrow(RangeError);
    }
    expect(() => listStatutoryHolidays(2024)).toThrow(/2025–2099/);
    expect(listStatutoryHolidays(2099)).toHaveLength(13);
  });

  describe("against the bundled config/holidays-cn.yaml", () => {
    const data = parseYaml(readFileSync(new URL("../../config/holidays-cn.yaml", import.meta.url), "utf8")) as Record<
      string,
      { festivals: { name: string; holidays: { start: string; end: string } }[] }
    >;

    for (const year of [2025, 2026]) {
      const blocks = data[String(year)]!.festivals;

      it(`puts every statutory day of ${year} inside that festival's holiday block`, () => {
        for (const { date, festival } of listStatutoryHolidays(year)) {
          const block = blocks.find((item) => item.name.split("、").includes(festival));
          expect(block, `${festival} has a block in ${year}`).toBeDefined();
          expect(date >= block!.holidays.start && date <= block!.holidays.end, `${date} ${festival}`).toBe(true);
        }
      });

      it(`gives every holiday block of ${year} at least one statutory day of its festival`, () => {
        const days = listStatutoryHolidays(year);
        for (const block of blocks) {
          const inside = days.filter(
            (day) =>
              block.name.split("、").includes(day.festival) &&
              day.date >= block.holidays.start &&
              day.date <= block.holidays.end,
          );
          expect(inside.length, block.name).toBeGreaterThan(0);
        }
      });
    }
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { CodedError, ErrorCode, hasCode } from "../../src/errors.js";
import { loadHolidayData, type HolidayData } from "../../src/time/holidays.js";
import { createSchoolCalendar, type CalendarConfig } from "../../src/time/periods.js";

const config: CalendarConfig = {
  holidays: ["2026-11-20"],
  workdays: ["2026-10-07"],
  terms: [
    { name: "2025-2026学年第二学期", start: "2026-03-02", end: "2026-07-08" },
    { name: "2026-2027学年第一学期", start: "2026-09-01", end: "2027-01-22" },
  ],
  summer_holiday: [{ start: "2026-07-09", end: "2026-08-31" }],
  winter_holiday: [
    { start: "2026-01-31", end: "2026-03-01" },
    { start: "2027-01-25", end: "2027-02-28" },
  ],
};

let builtIn: HolidayData;
beforeAll(async () => {
  builtIn = await loadHolidayData();
});

describe("createSchoolCalendar", () => {
  it("makes National Day 2026 a statutory holiday and no school day, though in term", () => {
    const calendar = createSchoolCalendar(config, builtIn);
    for (const date of ["2026-10-01", "2026-10-02", "2026-10-05"]) {
      expect(calendar.phaseOf(date)).toBe("term");
      expect(calendar.isStatutoryHoliday(date)).toBe(true);
      expect(calendar.isWorkday(date)).toBe(false);
      expect(calendar.isSchoolDay(date)).toBe(false);
      expect(calendar.runsOn("school", date)).toBe(false);
      expect(calendar.runsOn("weekdays", date)).toBe(false);
      expect(calendar.runsOn("all", date)).toBe(true);
    }
    expect(calendar.holidayName("2026-10-01")).toBe("国庆节");
    expect(calendar.isSchoolDay("2026-09-30")).toBe(true);
  });

  it("makes a 调休 weekend a workday and a school day (Sat 2026-10-10, Sun 2026-09-20)", () => {
    const calendar = createSchoolCalendar(config, builtIn);
    for (const date of ["2026-10-10", "2026-09-20"]) {
      expect(calendar.isMakeUpWorkday(date)).toBe(true);
      expect(calendar.isStatutoryHoliday(date)).toBe(false);
      expect(calendar.isWorkday(date)).toBe(true);
      expect(calendar.isSchoolDay(date)).toBe(true);
      expect(calendar.runsOn("weekdays", date)).toBe(true);
      expect(calendar.runsOn("school", date)).toBe(true);
    }
    expect(calendar.holidayName("2026-10-10")).toBe("国庆节");
    expect(calendar.isMakeUpWorkday("2026-10-11")).toBe(false);
    expect(calendar.isWorkday("2026-10-11")).toBe(false);
    // A make-up workday in the winter holiday is a workday but no school day.
    expect(calendar.isWorkday("2026-02-14")).toBe(true);
    expect(calendar.phaseOf("2026-02-14")).toBe("winter_holiday");
    expect(calendar.isSchoolDay("2026-02-14")).toBe(false);
  });

  it("lets the config add a day off and overrule a built-in holiday", () => {
    const calendar = createSchoolCalendar(config, builtIn);
    expect(calendar.isStatutoryHoliday("2026-11-20")).toBe(true);
    expect(calendar.isSchoolDay("2026-11-20")).toBe(false);
    expect(calendar.holidayName("2026-11-20")).toBe("本地调整");
    // 2026-10-07 (Wed) is built-in National Day; the config makes it a working day.
    expect(calendar.isStatutoryHoliday("2026-10-07")).toBe(false);
    expect(calendar.isWorkday("2026-10-07")).toBe(true);
    expect(calendar.isMakeUpWorkday("2026-10-07")).toBe(false);
    expect(calendar.isSchoolDay("2026-10-07")).toBe(true);
  });

  it("tells the phase of the school year, with break between ranges", () => {
    const calendar = createSchoolCalendar(config, builtIn);
    expect(calendar.phaseOf("2026-07-08")).toBe("term");
    expect(calendar.phaseOf("2026-07-09")).toBe("summer_holiday");
    expect(calendar.phaseOf("2026-08-31")).toBe("summer_holiday");
    expect(calendar.phaseOf("2026-09-01")).toBe("term");
    expect(calendar.phaseOf("2027-01-22")).toBe("term");
    expect(calendar.phaseOf("2027-01-23")).toBe("break");
    expect(calendar.phaseOf("2027-01-25")).toBe("winter_holiday");
    expect(calendar.phaseOf("2027-03-01")).toBe("break");
    // Summer weekdays are workdays but never school days.
    expect(calendar.isWorkday("2026-07-20")).toBe(true);
    expect(calendar.isSchoolDay("2026-07-20")).toBe(false);
    expect(calendar.runsOn("weekdays", "2026-07-20")).toBe(true);
  });

  it("counts every non-holiday date as term when no term is configured", () => {
    const calendar = createSchoolCalendar({ ...config, terms: [] }, builtIn);
    expect(calendar.phaseOf("2027-03-01")).toBe("term");
    expect(calendar.phaseOf("2026-07-20")).toBe("summer_holiday");
    expect(calendar.isSchoolDay("2027-03-01")).toBe(true);
  });

  it("runs 2027 on its statutory days alone until its notice is imported", () => {
    const calendar = createSchoolCalendar(config, builtIn);
    expect(calendar.hasHolidayData(2026)).toBe(true);
    expect(calendar.hasHolidayData(2027)).toBe(false);
    // The 13 days of the 放假办法: 元旦, 除夕 to 初三, 清明, 5-1 and 5-2, 端午, 中秋, 10-1 to 10-3.
    const statutory = ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-04-05"];
    statutory.push("2027-05-01", "2027-05-02", "2027-06-09", "2027-09-15", "2027-10-01", "2027-10-02", "2027-10-03");
    for (const date of statutory) expect(calendar.isStatutoryHoliday(date), date).toBe(true);
    expect(calendar.holidayName("2027-01-01")).toBe("元旦");
    expect(calendar.holidayName("2027-02-08")).toBe("春节");
    expect(calendar.isWorkday("2027-01-01")).toBe(false);
    // No bridging days and no make-up workdays without the notice.
    for (const date of ["2027-02-09", "2027-02-10", "2027-10-04", "2027-10-05"]) {
      expect(calendar.isStatutoryHoliday(date), date).toBe(false);
      expect(calendar.isWorkday(date), date).toBe(true);
    }
    expect(calendar.isMakeUpWorkday("2027-02-13")).toBe(false);
    // A local day off is no arrangement: the year still wants its notice.
    const patched = createSchoolCalendar({ ...config, holidays: ["2027-01-04"] }, builtIn);
    expect(patched.hasHolidayData(2027)).toBe(false);
    expect(patched.isSchoolDay("2027-01-04")).toBe(false);
  });

  it("keeps the statutory days under a year's arrangement, and lets the config overrule both", () => {
    const calendar = createSchoolCalendar(config, builtIn);
    // 2026's notice: every statutory day lies inside its blocks; 2026-10-07 is overruled above.
    expect(calendar.isStatutoryHoliday("2026-02-16")).toBe(true);
    const overruled = createSchoolCalendar({ ...config, workdays: ["2027-10-01"] }, builtIn);
    expect(overruled.isStatutoryHoliday("2027-10-01")).toBe(false);
    expect(overruled.isWorkday("2027-10-01")).toBe(true);
  });

  it("refuses a bad config, naming every problem", () => {
    let error: unknown;
    try {
      createSchoolCalendar(
        {
          holidays: ["2026-02-30", "2026-12-01"],
          workdays: ["2026-12-01"],
          terms: [
            { name: "秋", start: "2026-09-01", end: "2027-01-22" },
            { name: "春", start: "2027-03-01", end: "2027-02-01" },
          ],
          summer_holiday: [{ start: "2026-07-09", end: "2026-09-05" }],
          winter_holiday: [],
        },
        builtIn,
      );
    } catch (caught) {
      error = caught;
    }
    expect(hasCode(error, ErrorCode.CalendarConfig)).toBe(true);
    const { code, details: { problems } } = error as CodedError<ErrorCode.CalendarConfig>;
    expect(code).toBe("CALENDAR_CONFIG");
    expect(problems).toEqual([
      'calendar.holidays[0]: "2026-02-30" 不是有效日期，写成 YYYY-MM-DD，例如 2026-09-01',
      "calendar.workdays[0]: 2026-12-01 同时写在 calendar.holidays 里；一天只能是放假或上班之一",
      "calendar.terms[1]: 开始 2027-03-01 晚于结束 2027-02-01",
      "calendar.terms[0]: 2026-09-01–2027-01-22 与 calendar.summer_holiday[0]（2026-07-09–2026-09-05）重叠；学期和寒暑假的日期不能交叉",
    ]);
  });

  it("throws on a malformed date instead of guessing", () => {
    const calendar = createSchoolCalendar(config, builtIn);
    expect(() => calendar.isSchoolDay("2026-10-32")).toThrow(RangeError);
    expect(() => calendar.isStatutoryHoliday("10-01")).toThrow(RangeError);
  });
});

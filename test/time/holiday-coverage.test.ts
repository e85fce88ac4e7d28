import { describe, expect, it } from "vitest";
import { formatMissingHolidayYear, listMissingHolidayYears } from "../../src/time/holiday-coverage.js";

const upTo2026 = (year: number) => year <= 2026;

describe("listMissingHolidayYears", () => {
  it("wants next year's notice from 1 November, and this year's until it is there", () => {
    expect(listMissingHolidayYears(upTo2026, "2026-10-31")).toEqual([]);
    expect(listMissingHolidayYears(upTo2026, "2026-11-01")).toEqual([2027]);
    expect(listMissingHolidayYears(upTo2026, "2026-12-31")).toEqual([2027]);
    expect(listMissingHolidayYears(upTo2026, "2027-06-01")).toEqual([2027]);
    expect(listMissingHolidayYears(upTo2026, "2027-11-05")).toEqual([2027, 2028]);
    expect(listMissingHolidayYears((year) => year <= 2027, "2026-11-05")).toEqual([]);
  });

  it("words the line for the admin", () => {
    expect(formatMissingHolidayYear(2027)).toMatch(/^2027 年放假调休安排尚未导入：pingan holidays import /);
  });
});

import { describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.js";
import {
  addDays,
  diffDays,
  getIsoWeek,
  getWeekday,
  getWeekEnd,
  getWeekStart,
  isValidIsoWeek,
  isValidLocalDate,
  listDates,
  toInstant,
  toLocalDate,
  toLocalTime,
  toWallClock,
} from "../../src/time/local-time.js";

const SH = "Asia/Shanghai";

describe("toLocalDate", () => {
  it("turns to the next day at midnight in Asia/Shanghai (16:00Z)", () => {
    expect(toLocalDate(new Date("2026-11-22T15:59:59.999Z"), SH)).toBe("2026-11-22");
    expect(toLocalDate(new Date("2026-11-22T16:00:00.000Z"), SH)).toBe("2026-11-23");
  });

  it("reads the same instant differently in another zone", () => {
    expect(toLocalDate(new Date("2026-11-22T16:00:00Z"), "UTC")).toBe("2026-11-22");
    expect(toLocalDate(new Date("2026-11-23T04:59:59Z"), "America/New_York")).toBe("2026-11-22");
  });

  it("refuses an unknown zone with a TIME_ZONE error naming it", () => {
    expect(() => toLocalDate(new Date(), "Asia/Shangai")).toThrow(expect.objectContaining({ code: ErrorCode.TimeZone }));
    expect(() => toLocalDate(new Date(), "Asia/Shangai")).toThrow(/Asia\/Shangai/);
  });
});

describe("toLocalTime", () => {
  it("reads each second right around a daylight-saving change, asked over and over", () => {
    // 2026-03-08 02:00 EST jumps to 03:00 EDT (07:00Z); the offsets are kept per minute.
    for (let round = 0; round < 2; round += 1) {
      expect(toLocalTime(new Date("2026-03-08T06:59:59.999Z"), "America/New_York")).toBe("01:59");
      expect(toLocalTime(new Date("2026-03-08T07:00:00Z"), "America/New_York")).toBe("03:00");
      expect(toWallClock(new Date("2026-03-08T06:59:59.999Z"), "America/New_York").toISOString()).toBe("2026-03-08T01:59:59.000Z");
      expect(toWallClock(new Date("2026-11-01T05:59:30Z"), "America/New_York").toISOString()).toBe("2026-11-01T01:59:30.000Z");
      expect(toWallClock(new Date("2026-11-01T06:00:00Z"), "America/New_York").toISOString()).toBe("2026-11-01T01:00:00.000Z");
      expect(toLocalTime(new Date("2026-11-23T15:59:59Z"), "Asia/Shanghai")).toBe("23:59");
    }
  });
});

describe("toInstant", () => {
  it("places a Shanghai wall time 8 hours before UTC", () => {
    expect(toInstant("2026-11-23", "10:00", SH).toISOString()).toBe("2026-11-23T02:00:00.000Z");
    expect(toInstant("2027-01-01", "00:00", SH).toISOString()).toBe("2026-12-31T16:00:00.000Z");
  });

  it("round-trips with toLocalDate", () => {
    for (const date of ["2026-02-28", "2026-12-31", "2028-02-29"]) {
      expect(toLocalDate(toInstant(date, "00:00", SH), SH)).toBe(date);
      expect(toLocalDate(toInstant(date, "23:59", SH), SH)).toBe(date);
    }
  });

  it("handles a daylight-saving zone: offset changes, a gap moves forward", () => {
    expect(toInstant("2026-03-07", "12:00", "America/New_York").toISOString()).toBe("2026-03-07T17:00:00.000Z");
    expect(toInstant("2026-03-09", "12:00", "America/New_York").toISOString()).toBe("2026-03-09T16:00:00.000Z");
    // 02:30 does not exist on 2026-03-08 in New York; 03:30 EDT is 07:30Z.
    expect(toInstant("2026-03-08", "02:30", "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z");
  });

  it("rejects malformed input", () => {
    expect(() => toInstant("2026-02-30", "10:00", SH)).toThrow(RangeError);
    expect(() => toInstant("2026-02-01", "24:00", SH)).toThrow(RangeError);
  });
});

describe("calendar arithmetic", () => {
  it("knows weekdays (1 = Monday, 7 = Sunday)", () => {
    expect(getWeekday("2026-11-23")).toBe(1);
    expect(getWeekday("2026-11-22")).toBe(7);
    expect(getWeekday("2026-10-10")).toBe(6);
  });

  it("adds days across months, years and leap days", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(diffDays("2026-12-28", "2027-01-03")).toBe(6);
    expect(listDates("2026-12-30", "2027-01-02")).toEqual(["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]);
    expect(listDates("2026-01-02", "2026-01-01")).toEqual([]);
  });

  it("validates dates", () => {
    expect(isValidLocalDate("2028-02-29")).toBe(true);
    expect(isValidLocalDate("2026-02-29")).toBe(false);
    expect(isValidLocalDate("2026-4-1")).toBe(false);
  });
});

describe("ISO weeks", () => {
  it("changes week from Sunday to Monday", () => {
    expect(getIsoWeek("2026-11-22")).toBe("2026-W47");
    expect(getIsoWeek("2026-11-23")).toBe("2026-W48");
    expect(getIsoWeek("2026-11-29")).toBe("2026-W48");
  });

  it("counts New Year days into the week-year of their Thursday", () => {
    expect(getIsoWeek("2025-12-29")).toBe("2026-W01");
    expect(getIsoWeek("2026-12-31")).toBe("2026-W53");
    expect(getIsoWeek("2027-01-01")).toBe("2026-W53");
    expect(getIsoWeek("2027-01-03")).toBe("2026-W53");
    expect(getIsoWeek("2027-01-04")).toBe("2027-W01");
  });

  it("gives the Monday and Sunday of a week, across New Year", () => {
    expect(getWeekStart("2026-W48")).toBe("2026-11-23");
    expect(getWeekEnd("2026-W48")).toBe("2026-11-29");
    expect(getWeekStart("2026-W53")).toBe("2026-12-28");
    expect(getWeekEnd("2026-W53")).toBe("2027-01-03");
    expect(getWeekStart("2026-W01")).toBe("2025-12-29");
  });

  it("knows which years have a week 53", () => {
    expect(isValidIsoWeek("2026-W53")).toBe(true);
    expect(isValidIsoWeek("2027-W53")).toBe(false);
    expect(isValidIsoWeek("2026-W00")).toBe(false);
    expect(isValidIsoWeek("2026-W5")).toBe(false);
    expect(() => getWeekStart("2027-W53")).toThrow(RangeError);
  });
});

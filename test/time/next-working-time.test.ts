import { describe, expect, it } from "vitest";
import { nextWorkingTime } from "../../src/time/due.js";

const config = { timezone: "Asia/Shanghai", working_hours: { start: "07:00", end: "21:30" } };
const beijing = (local: string) => new Date(`${local}+08:00`);

describe("nextWorkingTime", () => {
  it("is the instant itself inside the working hours, both ends included", () => {
    for (const local of ["2026-11-25T07:00", "2026-11-25T12:00", "2026-11-25T21:30"]) {
      expect(nextWorkingTime(config, beijing(local))).toEqual(beijing(local));
    }
  });

  it("is today's start before it, tomorrow's after the end, across a month and a year", () => {
    expect(nextWorkingTime(config, beijing("2026-11-25T01:45"))).toEqual(beijing("2026-11-25T07:00"));
    expect(nextWorkingTime(config, beijing("2026-11-25T00:00"))).toEqual(beijing("2026-11-25T07:00"));
    expect(nextWorkingTime(config, beijing("2026-11-25T21:31"))).toEqual(beijing("2026-11-26T07:00"));
    expect(nextWorkingTime(config, beijing("2026-11-30T23:59"))).toEqual(beijing("2026-12-01T07:00"));
    expect(nextWorkingTime(config, beijing("2026-12-31T22:00"))).toEqual(beijing("2027-01-01T07:00"));
  });
});

import { describe, expect, it } from "vitest";
import { ackDueAt, addWorkingTime, followUpDueAt, sendableAt } from "../../../src/features/incidents/incident-clock.js";
import { findUrgency, readCount } from "../../../src/features/incidents/find-urgency.js";

const config = { timezone: "Asia/Shanghai", working_hours: { start: "07:00", end: "21:30" } };
const beijing = (local: string) => new Date(`${local}+08:00`);
const HOUR = 3600_000;
const WORDS = ["死亡", "溺水", "失踪"];
/** Monday to Friday, but for the National Day holiday (the project's calendar, TaskCalendar.isWorkday, in the service). */
const DAYS_OFF = ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"];
const isWorkday = (date: string) => ![0, 6].includes(new Date(`${date}T12:00:00Z`).getUTCDay()) && !DAYS_OFF.includes(date);

describe("the working-hours clock", () => {
  it("counts only the working hours: 4 h from 20:00 is 1.5 h tonight and 2.5 h tomorrow", () => {
    expect(addWorkingTime(beijing("2026-11-24T20:00"), 4 * HOUR, config, isWorkday)).toEqual(beijing("2026-11-25T09:30"));
    expect(addWorkingTime(beijing("2026-11-24T10:00"), 4 * HOUR, config, isWorkday)).toEqual(beijing("2026-11-24T14:00"));
  });

  it("starts at the next working hour when the news came at night, and runs up to the end exactly", () => {
    expect(addWorkingTime(beijing("2026-11-24T23:10"), HOUR, config, isWorkday)).toEqual(beijing("2026-11-25T08:00"));
    expect(addWorkingTime(beijing("2026-11-25T03:00"), HOUR, config, isWorkday)).toEqual(beijing("2026-11-25T08:00"));
    expect(addWorkingTime(beijing("2026-11-24T20:30"), HOUR, config, isWorkday)).toEqual(beijing("2026-11-24T21:30"));
  });

  it("spans several days for a long clock", () => {
    // 14.5 h a day: 30 h is two whole days and one hour of the third.
    expect(addWorkingTime(beijing("2026-11-24T07:00"), 30 * HOUR, config, isWorkday)).toEqual(beijing("2026-11-26T08:00"));
  });

  it("stops over a weekend and a holiday: the follow-up is owed on the next working day", () => {
    // Friday 20:00: 1.5 h tonight, 2.5 h on Monday.
    expect(addWorkingTime(beijing("2026-11-27T20:00"), 4 * HOUR, config, isWorkday)).toEqual(beijing("2026-11-30T09:30"));
    // On the eve of National Day: the week off, then Thursday.
    expect(followUpDueAt(beijing("2026-09-30T20:00"), { followUpHours: 4, urgent: false, config, isWorkday })).toEqual(beijing("2026-10-08T09:30"));
    // News on a Saturday starts the clock on Monday morning.
    expect(addWorkingTime(beijing("2026-11-28T10:00"), HOUR, config, isWorkday)).toEqual(beijing("2026-11-30T08:00"));
    // An urgent incident's clock runs around the clock, days off too.
    expect(followUpDueAt(beijing("2026-11-28T10:00"), { followUpHours: 4, urgent: true, config, isWorkday })).toEqual(beijing("2026-11-28T12:00"));
  });

  it("halves the clocks of an urgent incident and counts its follow-up around the clock", () => {
    const opened = beijing("2026-11-24T21:00");
    expect(ackDueAt(opened, 1, { ackMinutes: 15, urgent: false })).toEqual(beijing("2026-11-24T21:15"));
    expect(ackDueAt(opened, 2, { ackMinutes: 15, urgent: false })).toEqual(beijing("2026-11-24T21:30"));
    expect(ackDueAt(opened, 1, { ackMinutes: 15, urgent: true })).toEqual(beijing("2026-11-24T21:07:30"));
    expect(followUpDueAt(opened, { followUpHours: 4, urgent: true, config, isWorkday })).toEqual(beijing("2026-11-24T23:00"));
    expect(followUpDueAt(opened, { followUpHours: 4, urgent: false, config, isWorkday })).toEqual(beijing("2026-11-25T10:30"));
  });

  it("holds what is due at night until the morning unless urgent", () => {
    expect(sendableAt(beijing("2026-11-24T22:15"), false, config)).toEqual(beijing("2026-11-25T07:00"));
    expect(sendableAt(beijing("2026-11-24T22:15"), true, config)).toEqual(beijing("2026-11-24T22:15"));
    expect(sendableAt(beijing("2026-11-24T12:00"), false, config)).toEqual(beijing("2026-11-24T12:00"));
  });
});

describe("urgency", () => {
  it("is any configured word", () => {
    expect(findUrgency("一名学生放学后溺水，正在抢救", WORDS)).toBe("溺水");
    expect(findUrgency("学生走失", ["走失"])).toBe("走失");
  });

  it("is three or more injured, in digits or Chinese, whatever the words between", () => {
    expect(findUrgency("3人受伤，已送医", WORDS)).toBe("3人受伤");
    expect(findUrgency("三名学生受伤", WORDS)).toBe("三名学生受伤");
    expect(findUrgency("食堂事故，12 名学生烫伤", WORDS)).toBe("12 名学生烫伤");
    expect(findUrgency("受伤学生共4人", WORDS)).toBe("受伤学生共4人");
    expect(findUrgency("两名学生受伤", WORDS)).toBeUndefined();
    expect(findUrgency("一名学生课间摔伤", WORDS)).toBeUndefined();
    expect(findUrgency("校门口积水", WORDS)).toBeUndefined();
  });

  it("reads counts up to 99", () => {
    expect([readCount("3"), readCount("三"), readCount("两"), readCount("十"), readCount("十二"), readCount("二十"), readCount("九十九")]).toEqual([3, 3, 2, 10, 12, 20, 99]);
    expect(readCount("三三")).toBeNaN();
  });
});

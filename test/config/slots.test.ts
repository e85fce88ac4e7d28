import { describe, expect, it } from "vitest";
import { checkScheduleSlots, parseSlot, slotMinutes, slotTimeMinutes, toCron } from "../../src/time/slots.js";

describe("slots", () => {
  it("parses daily and weekly slots", () => {
    expect(parseSlot("09:30")).toEqual({ time: "09:30" });
    expect(parseSlot("fri 17:00")).toEqual({ weekday: 5, time: "17:00" });
    expect(parseSlot("sun 08:00")).toEqual({ weekday: 7, time: "08:00" });
  });

  it("orders slots within a week and within a day", () => {
    expect(slotMinutes("mon 00:00")).toBe(0);
    expect(slotMinutes("fri 17:00")).toBe(4 * 1440 + 17 * 60);
    expect(slotMinutes("sun 23:59")).toBe(7 * 1440 - 1);
    expect(slotMinutes("10:05")).toBe(605);
    expect(slotTimeMinutes("fri 10:05")).toBe(605);
  });

  it("turns slots into cron patterns with Sunday as 0", () => {
    expect(toCron("09:30")).toBe("30 9 * * *");
    expect(toCron("fri 17:00")).toBe("0 17 * * 5");
    expect(toCron("sun 08:05")).toBe("5 8 * * 0");
    expect(toCron("mon 00:00")).toBe("0 0 * * 1");
  });

  it("finds every inconsistency of a schedule, naming the time", () => {
    expect(checkScheduleSlots({ period: "day", deadline: "fri 10:00", reminders: ["09:00"] })).toEqual([
      { slot: "deadline", spec: "fri 10:00", kind: "daily_has_day" },
    ]);
    expect(checkScheduleSlots({ period: "week", deadline: "fri 17:00", reminders: ["15:00"], tally: "sat 09:00" })).toEqual([
      { slot: "reminders", index: 0, spec: "15:00", kind: "weekly_needs_day" },
    ]);
    expect(
      checkScheduleSlots({ period: "week", deadline: "fri 17:00", reminders: ["sat 09:00", "fri 15:00", "fri 15:00"], tally: "fri 17:00" }),
    ).toEqual([
      { slot: "reminders", index: 0, spec: "sat 09:00", kind: "reminder_not_before_deadline" },
      { slot: "reminders", index: 2, spec: "fri 15:00", kind: "duplicate_reminder" },
      { slot: "tally", spec: "fri 17:00", kind: "tally_not_after_deadline" },
    ]);
    expect(checkScheduleSlots({ period: "day", deadline: "10:00", reminders: ["08:30", "09:30"], tally: "10:30" })).toEqual([]);
  });
});

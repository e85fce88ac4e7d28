import { beforeAll, describe, expect, it } from "vitest";
import { ErrorCode } from "../../src/errors.js";
import { loadHolidayData, type HolidayData } from "../../src/time/holidays.js";
import { createSchoolCalendar, type CalendarConfig, type SchoolCalendar, createPeriods, type Periods } from "../../src/time/periods.js";
import type { Config, TaskConfig } from "../../src/config/schema.js";

const ZONE = "Asia/Shanghai";

const calendarConfig: CalendarConfig = {
  holidays: [],
  workdays: [],
  terms: [
    { name: "2025-2026学年第二学期", start: "2026-03-02", end: "2026-07-08" },
    { name: "2026-2027学年第一学期", start: "2026-09-01", end: "2027-01-22" },
  ],
  // Starts on a Thursday and ends on a Monday, so both transition weeks are cut.
  summer_holiday: [{ start: "2026-07-09", end: "2026-08-31" }],
  winter_holiday: [{ start: "2027-01-25", end: "2027-02-28" }],
};

function task(fields: Partial<TaskConfig> & Pick<TaskConfig, "period" | "deadline" | "days">): TaskConfig {
  return { enabled: true, name: "任务", reminders: [], tally_group: "leaders", schools: "all", ...fields };
}

const tasks: Config["tasks"] = {
  safety: task({
    name: "平安日报",
    period: "day",
    deadline: "10:00",
    reminders: ["09:00", "09:30"],
    tally: "10:30",
    days: "school",
  }),
  drowning: task({
    name: "防溺水提醒",
    period: "week",
    deadline: "fri 17:00",
    reminders: ["thu 16:00", "fri 09:00"],
    tally: "fri 18:00",
    days: "all",
    season: { start: "04-15", end: "10-15" },
    summer: { period: "day", deadline: "20:00", reminders: ["18:00"], tally: "21:00" },
  }),
  study: task({
    name: "周学习",
    period: "week",
    deadline: "fri 17:00",
    reminders: ["fri 15:00"],
    tally: "sat 09:00",
    days: "school",
  }),
};

let holidayData: HolidayData;
let calendar: SchoolCalendar;
let periods: Periods;
beforeAll(async () => {
  holidayData = await loadHolidayData();
  calendar = createSchoolCalendar(calendarConfig, holidayData);
  periods = createPeriods({ tasks, calendar, zone: ZONE });
});

const iso = (d: Date) => d.toISOString();

describe("day and week periods at the edges", () => {
  it("changes day at Shanghai midnight: 15:59:59Z is Sunday, 16:00:00Z is Monday", () => {
    const sunday = periods.periodAt("safety", new Date("2026-11-22T15:59:59Z"));
    expect(sunday).toMatchObject({ task: "safety", kind: "day", id: "2026-11-22", required: false, reason: "not_running_day" });
    const monday = periods.periodAt("safety", new Date("2026-11-22T16:00:00Z"));
    expect(monday).toMatchObject({ id: "2026-11-23", start: "2026-11-23", end: "2026-11-23", required: true });
    expect(monday.reason).toBeUndefined();
    expect(iso(monday.deadline)).toBe("2026-11-23T02:00:00.000Z");
    expect(monday.schedule.deadline).toBe("10:00");
  });

  it("changes ISO week from Sunday to Monday, and resolves `fri 17:00` in its week", () => {
    const w47 = periods.periodAt("study", new Date("2026-11-22T15:59:59Z"));
    expect(w47).toMatchObject({ kind: "week", id: "2026-W47", start: "2026-11-16", end: "2026-11-22", required: true });
    const w48 = periods.periodAt("study", new Date("2026-11-22T16:00:00Z"));
    expect(w48).toMatchObject({ id: "2026-W48", start: "2026-11-23", end: "2026-11-29" });
    expect(iso(w48.deadline)).toBe("2026-11-27T09:00:00.000Z");
  });

  it("keeps 2026-12-31 and 2027-01-01 in week 2026-W53, and 2027-01-04 in 2027-W01", () => {
    for (const date of ["2026-12-28", "2026-12-31", "2027-01-01", "2027-01-03"]) {
      expect(periods.periodOn("study", date)).toMatchObject({ id: "2026-W53", start: "2026-12-28", end: "2027-01-03" });
    }
    // Friday 2027-01-01 is 元旦 by law (before 2027's notice too): the deadline moves to Thursday.
    expect(iso(periods.periodOn("study", "2026-12-31").deadline)).toBe("2026-12-31T09:00:00.000Z");
    expect(periods.periodOn("study", "2027-01-04").id).toBe("2027-W01");
    expect(periods.periodAt("safety", new Date("2026-12-31T16:00:00Z")).id).toBe("2027-01-01");
    expect(periods.periodAt("study", new Date("2026-12-31T16:00:00Z")).id).toBe("2026-W53");
  });
});

describe("season", () => {
  const daily = createPeriodsFor({
    drowning: task({ period: "day", deadline: "20:00", days: "all", season: { start: "04-15", end: "10-15" } }),
  });

  it("includes 04-15 and 10-15 and excludes 04-14 and 10-16 (daily)", () => {
    expect(daily().periodOn("drowning", "2026-04-14")).toMatchObject({ required: false, reason: "not_in_season" });
    expect(daily().periodOn("drowning", "2026-04-15")).toMatchObject({ required: true });
    expect(daily().periodOn("drowning", "2026-10-15")).toMatchObject({ required: true });
    expect(daily().periodOn("drowning", "2026-10-16")).toMatchObject({ required: false, reason: "not_in_season" });
  });

  it("requires a week when any of its days is in season (weekly)", () => {
    expect(periods.periodOn("drowning", "2026-04-12")).toMatchObject({ id: "2026-W15", required: false, reason: "not_in_season" });
    expect(periods.periodOn("drowning", "2026-04-13")).toMatchObject({ id: "2026-W16", required: true });
    expect(periods.periodOn("drowning", "2026-10-18")).toMatchObject({ id: "2026-W42", required: true });
    expect(periods.periodOn("drowning", "2026-10-19")).toMatchObject({ id: "2026-W43", required: false, reason: "not_in_season" });
  });

  it("wraps a season over New Year when start is after end", () => {
    const winter = createPeriodsFor({
      safety: task({ period: "day", deadline: "10:00", days: "all", season: { start: "11-15", end: "02-15" } }),
    });
    expect(winter().periodOn("safety", "2026-11-14").required).toBe(false);
    expect(winter().periodOn("safety", "2026-11-15").required).toBe(true);
    expect(winter().periodOn("safety", "2027-01-01").required).toBe(true);
    expect(winter().periodOn("safety", "2027-02-15").required).toBe(true);
    expect(winter().periodOn("safety", "2027-02-16").required).toBe(false);
  });
});

describe("holidays and make-up workdays", () => {
  it("does not require a school-days task on National Day 2026, but does in its week", () => {
    expect(periods.periodOn("safety", "2026-10-01")).toMatchObject({ required: false, reason: "not_running_day" });
    expect(periods.periodOn("study", "2026-10-01")).toMatchObject({ id: "2026-W40", required: true });
  });

  it("requires school-days and weekdays tasks on a 调休 Saturday (2026-10-10) and Sunday (2026-09-20)", () => {
    const weekdays = createPeriodsFor({ safety: task({ period: "day", deadline: "10:00", days: "weekdays" }) });
    for (const date of ["2026-10-10", "2026-09-20"]) {
      expect(periods.periodOn("safety", date)).toMatchObject({ id: date, required: true });
      expect(weekdays().periodOn("safety", date)).toMatchObject({ id: date, required: true });
    }
    expect(periods.periodOn("safety", "2026-10-11")).toMatchObject({ required: false, reason: "not_running_day" });
  });

  it("does not require a school-days weekly task in a week of the winter holiday", () => {
    expect(periods.periodOn("study", "2027-02-03")).toMatchObject({
      id: "2027-W05",
      start: "2027-02-01",
      end: "2027-02-07",
      required: false,
      reason: "not_running_day",
    });
  });
});

describe("summer schedule", () => {
  it("switches anti-drowning from weekly to daily in the summer holiday", () => {
    const term = periods.periodOn("drowning", "2026-06-17");
    expect(term).toMatchObject({ kind: "week", id: "2026-W25", required: true });
    expect(term.schedule.period).toBe("week");
    const summer = periods.periodOn("drowning", "2026-07-20");
    expect(summer).toMatchObject({ kind: "day", id: "2026-07-20", start: "2026-07-20", end: "2026-07-20", required: true });
    expect(summer.schedule).toEqual({ period: "day", deadline: "20:00", reminders: ["18:00"], tally: "21:00" });
    expect(iso(summer.deadline)).toBe("2026-07-20T12:00:00.000Z");
    // Weekends are running days in the summer too (days: all).
    expect(periods.periodOn("drowning", "2026-07-25").required).toBe(true);
  });

  it("cuts the week the holiday starts in, and moves its slots into the cut week in order", () => {
    const cut = periods.periodOn("drowning", "2026-07-07");
    expect(cut).toMatchObject({ kind: "week", id: "2026-W28", start: "2026-07-06", end: "2026-07-08", required: true });
    expect(iso(cut.deadline)).toBe("2026-07-08T09:00:00.000Z");
    expect(periods.listSlots(cut).map((s) => [s.kind, s.spec, iso(s.at)])).toEqual([
      ["reminder", "thu 16:00", "2026-07-07T08:00:00.000Z"],
      ["reminder", "fri 09:00", "2026-07-08T01:00:00.000Z"],
      ["deadline", "fri 17:00", "2026-07-08T09:00:00.000Z"],
      ["tally", "fri 18:00", "2026-07-08T10:00:00.000Z"],
    ]);
    expect(periods.periodOn("drowning", "2026-07-09")).toMatchObject({ kind: "day", id: "2026-07-09" });
    expect(periods.listPeriods("drowning", "2026-07-06", "2026-07-12").map((p) => p.id)).toEqual([
      "2026-W28",
      "2026-07-09",
      "2026-07-10",
      "2026-07-11",
      "2026-07-12",
    ]);
  });

  it("cuts the week the holiday ends in: Monday daily, then Tuesday–Sunday weekly", () => {
    expect(periods.periodOn("drowning", "2026-08-31")).toMatchObject({ kind: "day", id: "2026-08-31" });
    const rest = periods.periodOn("drowning", "2026-09-01");
    expect(rest).toMatchObject({ kind: "week", id: "2026-W36", start: "2026-09-01", end: "2026-09-06" });
    expect(iso(rest.deadline)).toBe("2026-09-04T09:00:00.000Z");
  });

  it("keeps the tally after the deadline and drops reminders before the start of a cut week", () => {
    const inverse = createPeriodsFor({
      drowning: task({
        period: "day",
        deadline: "20:00",
        days: "all",
        summer: { period: "week", deadline: "fri 17:00", reminders: ["thu 16:00"], tally: "sat 09:00" },
      }),
    });
    const head = inverse().periodOn("drowning", "2026-08-31");
    expect(head).toMatchObject({ kind: "week", id: "2026-W36", start: "2026-08-31", end: "2026-08-31" });
    expect(iso(head.deadline)).toBe("2026-08-31T09:00:00.000Z");
    expect(inverse().listSlots(head).map((s) => [s.kind, iso(s.at)])).toEqual([
      ["deadline", "2026-08-31T09:00:00.000Z"],
      ["tally", "2026-09-01T01:00:00.000Z"],
    ]);
    expect(inverse().periodOn("drowning", "2026-09-01")).toMatchObject({ kind: "day", id: "2026-09-01" });
  });

  it("never cuts a week when both schedules are weekly: the week's Thursday decides", () => {
    const weekly = createPeriodsFor({
      drowning: task({
        period: "week",
        deadline: "fri 17:00",
        days: "all",
        summer: { period: "week", deadline: "sun 20:00", reminders: [] },
      }),
    });
    const w28 = weekly().periodOn("drowning", "2026-07-06");
    expect(w28).toMatchObject({ id: "2026-W28", start: "2026-07-06", end: "2026-07-12" });
    expect(w28.schedule.deadline).toBe("sun 20:00");
    const w36 = weekly().periodOn("drowning", "2026-08-31");
    expect(w36).toMatchObject({ id: "2026-W36", start: "2026-08-31", end: "2026-09-06" });
    expect(w36.schedule.deadline).toBe("fri 17:00");
  });

  it("changes only the deadline of a daily task with a daily summer schedule", () => {
    const daily = createPeriodsFor({
      safety: task({ period: "day", deadline: "10:00", days: "all", summer: { period: "day", deadline: "11:00", reminders: [] } }),
    });
    expect(iso(daily().periodOn("safety", "2026-07-08").deadline)).toBe("2026-07-08T02:00:00.000Z");
    expect(iso(daily().periodOn("safety", "2026-07-09").deadline)).toBe("2026-07-09T03:00:00.000Z");
  });

  it("leaves a task without a summer schedule on its base one, and not required on school days", () => {
    expect(periods.periodOn("study", "2026-07-22")).toMatchObject({ id: "2026-W30", required: false, reason: "not_running_day" });
  });
});

describe("running-day rule: a week's slots fall on days the task runs", () => {
  const exampleStudy = createPeriodsFor({
    study: task({ period: "week", deadline: "fri 18:00", reminders: ["fri 15:00"], tally: "fri 18:30", days: "school" }),
  });

  it("moves the National Day week's study deadline, reminder and tally to Wednesday 09-30", () => {
    const w40 = exampleStudy().periodOn("study", "2026-10-02");
    expect(w40).toMatchObject({ id: "2026-W40", start: "2026-09-28", end: "2026-10-04", required: true });
    expect(iso(w40.deadline)).toBe("2026-09-30T10:00:00.000Z");
    expect(exampleStudy().listSlots(w40).map((s) => [s.kind, iso(s.at)])).toEqual([
      ["reminder", "2026-09-30T07:00:00.000Z"],
      ["deadline", "2026-09-30T10:00:00.000Z"],
      ["tally", "2026-09-30T10:30:00.000Z"],
    ]);
    // A report on Thursday 10-01 is late: the deadline was Wednesday's.
    expect(exampleStudy().isLate(w40, new Date("2026-10-01T02:00:00Z"))).toBe(true);
  });

  it("keeps a tally the morning after at its distance from the moved deadline", () => {
    const w40 = periods.periodOn("study", "2026-10-02");
    expect(periods.listSlots(w40).map((s) => [s.kind, s.spec, iso(s.at)])).toEqual([
      ["reminder", "fri 15:00", "2026-09-30T07:00:00.000Z"],
      ["deadline", "fri 17:00", "2026-09-30T09:00:00.000Z"],
      ["tally", "sat 09:00", "2026-10-01T01:00:00.000Z"],
    ]);
  });

  it("moves each reminder to the last running day before it, and drops one that ends up after the deadline", () => {
    const twoReminders = createPeriodsFor({
      study: task({ period: "week", deadline: "fri 17:00", reminders: ["thu 16:00", "fri 09:00"], days: "school" }),
    });
    const w40 = twoReminders().periodOn("study", "2026-10-02");
    expect(twoReminders().listSlots(w40).map((s) => [s.kind, s.spec, iso(s.at)])).toEqual([
      ["reminder", "fri 09:00", "2026-09-30T01:00:00.000Z"],
      ["reminder", "thu 16:00", "2026-09-30T08:00:00.000Z"],
      ["deadline", "fri 17:00", "2026-09-30T09:00:00.000Z"],
    ]);
    // 中秋节 Friday 2026-09-25: the deadline moves to Thursday 09:00, after the Thursday reminder's time.
    const early = createPeriodsFor({
      study: task({ period: "week", deadline: "fri 09:00", reminders: ["wed 16:00", "thu 16:00"], days: "school" }),
    });
    const w39 = early().periodOn("study", "2026-09-24");
    expect(early().listSlots(w39).map((s) => [s.kind, iso(s.at)])).toEqual([
      ["reminder", "2026-09-23T08:00:00.000Z"],
      ["deadline", "2026-09-24T01:00:00.000Z"],
    ]);
  });

  it("moves a deadline to the first running day after when none comes before", () => {
    // 2026-W41: Monday to Wednesday are National Day; Thursday 10-08 is the first school day.
    const monday = createPeriodsFor({ study: task({ period: "week", deadline: "mon 17:00", reminders: ["mon 09:00"], days: "school" }) });
    const w41 = monday().periodOn("study", "2026-10-05");
    expect(iso(w41.deadline)).toBe("2026-10-08T09:00:00.000Z");
    expect(monday().listSlots(w41).map((s) => [s.kind, iso(s.at)])).toEqual([
      ["reminder", "2026-10-08T01:00:00.000Z"],
      ["deadline", "2026-10-08T09:00:00.000Z"],
    ]);
  });

  it("moves the anti-drowning deadline to the last day of the season", () => {
    // The season ends on Thursday 2026-10-15; Friday 10-16 is out of season.
    const w42 = periods.periodOn("drowning", "2026-10-12");
    expect(w42).toMatchObject({ id: "2026-W42", required: true });
    expect(iso(w42.deadline)).toBe("2026-10-15T09:00:00.000Z");
    expect(periods.listSlots(w42).map((s) => [s.kind, iso(s.at)])).toEqual([
      ["reminder", "2026-10-15T01:00:00.000Z"],
      ["reminder", "2026-10-15T08:00:00.000Z"],
      ["deadline", "2026-10-15T09:00:00.000Z"],
      ["tally", "2026-10-15T10:00:00.000Z"],
    ]);
  });

  it("leaves an ordinary week as configured", () => {
    const w48 = exampleStudy().periodOn("study", "2026-11-25");
    expect(exampleStudy().listSlots(w48).map((s) => iso(s.at))).toEqual([
      "2026-11-27T07:00:00.000Z",
      "2026-11-27T10:00:00.000Z",
      "2026-11-27T10:30:00.000Z",
    ]);
  });

  it("does not require a week without a running day", () => {
    const closed = createSchoolCalendar(
      { ...calendarConfig, holidays: ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"] },
      holidayData,
    );
    const shut = createPeriods({ tasks, calendar: closed, zone: ZONE });
    expect(shut.periodOn("study", "2026-11-18")).toMatchObject({ id: "2026-W47", required: false, reason: "not_running_day" });
    expect(shut.periodOn("study", "2026-11-25")).toMatchObject({ id: "2026-W48", required: true });
  });
});

describe("month periods", () => {
  const monthly = createPeriodsFor({
    meeting: task({ name: "安全工作例会", period: "month", deadline: "25 17:00", reminders: ["20 09:00", "25 15:00"], tally: "25 17:30", days: "school" }),
    checkup: task({ name: "月末检查", period: "month", deadline: "31 17:00", reminders: ["30 09:00"], tally: "31 18:00", days: "all" }),
  });

  it("holds a calendar month under id YYYY-MM, its slots on their days of the month", () => {
    const december = monthly().periodOn("meeting", "2026-12-03");
    expect(december).toMatchObject({ kind: "month", id: "2026-12", start: "2026-12-01", end: "2026-12-31", required: true });
    // 12-25 is a Friday, a school day; the reminder on Sunday 12-20 moves to Friday 12-18 (the running-day rule).
    expect(monthly().listSlots(december).map((slot) => [slot.kind, iso(slot.at)])).toEqual([
      ["reminder", "2026-12-18T01:00:00.000Z"],
      ["reminder", "2026-12-25T07:00:00.000Z"],
      ["deadline", "2026-12-25T09:00:00.000Z"],
      ["tally", "2026-12-25T09:30:00.000Z"],
    ]);
  });

  it("takes day 31 as every month's last day, February's too", () => {
    const february = monthly().periodOn("checkup", "2027-02-10");
    expect(february).toMatchObject({ id: "2027-02", start: "2027-02-01", end: "2027-02-28" });
    expect(iso(february.deadline)).toBe("2027-02-28T09:00:00.000Z");
    expect(monthly().listSlots(february).map((slot) => slot.kind)).toEqual(["reminder", "deadline", "tally"]);
  });

  it("moves a deadline off a day the task does not run: October's 25th is a Sunday, so Friday 10-23", () => {
    const october = monthly().periodOn("meeting", "2026-10-08");
    expect(iso(october.deadline)).toBe("2026-10-23T09:00:00.000Z");
  });

  it("parses a month's id back, and no other kind's", () => {
    expect(monthly().periodById("meeting", "2026-11")).toMatchObject({ id: "2026-11", start: "2026-11-01", end: "2026-11-30" });
    expect(monthly().periodById("meeting", "2026-13")).toBeUndefined();
    expect(monthly().periodById("meeting", "2026-W48")).toBeUndefined();
    expect(monthly().periodById("safety", "2026-11")).toBeUndefined();
  });

  it("refuses a monthly time without its day of the month", () => {
    const bad = { ...tasks, meeting: task({ name: "例会", period: "month", deadline: "fri 17:00", days: "school" }) };
    expect(() => createPeriods({ tasks: bad, calendar, zone: ZONE })).toThrow(/tasks\.meeting\.deadline/);
  });
});

describe("periodById", () => {
  it("parses stored ids back to the same periods", () => {
    expect(periods.periodById("study", "2026-W48")).toEqual(periods.periodOn("study", "2026-11-25"));
    expect(periods.periodById("study", "2026-W53")).toMatchObject({ start: "2026-12-28", end: "2027-01-03" });
    expect(periods.periodById("safety", "2026-11-23")).toEqual(periods.periodOn("safety", "2026-11-23"));
    expect(periods.periodById("drowning", "2026-W28")).toMatchObject({ start: "2026-07-06", end: "2026-07-08" });
    expect(periods.periodById("drowning", "2026-07-20")).toMatchObject({ kind: "day", id: "2026-07-20" });
  });

  it("returns undefined for ids that are no period of the task", () => {
    expect(periods.periodById("drowning", "2026-W30")).toBeUndefined();
    expect(periods.periodById("drowning", "2026-06-15")).toBeUndefined();
    expect(periods.periodById("study", "2026-11-23")).toBeUndefined();
    expect(periods.periodById("safety", "2026-W48")).toBeUndefined();
    expect(periods.periodById("study", "2027-W53")).toBeUndefined();
    expect(periods.periodById("study", "2026-w48")).toBeUndefined();
  });
});

describe("slots and lateness", () => {
  it("treats a report within the deadline minute as on time, and from the next minute as late", () => {
    const period = periods.periodOn("safety", "2026-11-23");
    expect(periods.isLate(period, new Date("2026-11-23T01:59:59.999Z"))).toBe(false);
    expect(periods.isLate(period, new Date("2026-11-23T02:00:00.000Z"))).toBe(false);
    expect(periods.isLate(period, new Date("2026-11-23T02:00:59.999Z"))).toBe(false);
    expect(periods.isLate(period, new Date("2026-11-23T02:01:00.000Z"))).toBe(true);
  });

  it("lists a day's reminders, deadline and tally in order", () => {
    const slots = periods.listSlots(periods.periodOn("safety", "2026-11-23"));
    expect(slots.map((s) => [s.kind, iso(s.at)])).toEqual([
      ["reminder", "2026-11-23T01:00:00.000Z"],
      ["reminder", "2026-11-23T01:30:00.000Z"],
      ["deadline", "2026-11-23T02:00:00.000Z"],
      ["tally", "2026-11-23T02:30:00.000Z"],
    ]);
  });

  it("resolves a week's slots to their weekdays, including a Saturday tally", () => {
    const slots = periods.listSlots(periods.periodById("study", "2026-W48")!);
    expect(slots.map((s) => [s.kind, s.spec, iso(s.at)])).toEqual([
      ["reminder", "fri 15:00", "2026-11-27T07:00:00.000Z"],
      ["deadline", "fri 17:00", "2026-11-27T09:00:00.000Z"],
      ["tally", "sat 09:00", "2026-11-28T01:00:00.000Z"],
    ]);
  });
});

describe("checks", () => {
  it("refuses to start on a bad schedule or zone", () => {
    const bad = { safety: task({ period: "day", deadline: "10:00", reminders: ["11:00"], days: "all" }) };
    expect(() => createPeriods({ tasks: bad, calendar, zone: ZONE })).toThrow(
      expect.objectContaining({ code: "TASK_SCHEDULE" }),
    );
    expect(() => createPeriods({ tasks, calendar, zone: "Mars/Olympus" })).toThrow(expect.objectContaining({ code: ErrorCode.TimeZone }));
  });

  it("throws for a task that is not configured", () => {
    const only = createPeriods({ tasks: { safety: tasks["safety"]! }, calendar, zone: ZONE });
    expect(() => only.periodOn("study", "2026-11-23")).toThrow(/study/);
  });
});

/** Periods over the shared calendar for other task configs, built once the calendar exists. */
function createPeriodsFor(overrides: Config["tasks"]): () => Periods {
  let built: Periods | undefined;
  return () => (built ??= createPeriods({ tasks: { ...tasks, ...overrides }, calendar, zone: ZONE }));
}

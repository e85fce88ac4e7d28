import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { decideSlotsAt, listUpcomingSlots, type SlotDecision, type TaskSlotDecision } from "../../src/time/due.js";

const isTaskSlot = (decision: SlotDecision): decision is TaskSlotDecision => decision.kind === "reminder" || decision.kind === "tally";
import { addDays, getWeekday, listDates, toInstant, toLocalDate } from "../../src/time/local-time.js";
import { parseSlot } from "../../src/time/slots.js";
import { createTaskCalendar, type TaskCalendar } from "../../src/time/task-calendar.js";
import { loadExampleCalendar } from "../support/example-calendar.js";

let config: Config;
let calendar: TaskCalendar;
beforeAll(async () => {
  ({ config, calendar } = await loadExampleCalendar());
});

const beijing = (local: string) => new Date(`${local}+08:00`);
/** What pingan schedule lists as going out: the decisions that act. */
const acting = <T extends { skipped?: string }>(list: T[]) => list.filter((d) => !d.skipped);
const studyOf = (decisions: ReturnType<typeof decideSlotsAt>) =>
  decisions.filter(isTaskSlot).filter((d) => d.task === "study").map((d) => [d.slot.kind, d.slot.spec, d.period.id, d.skipped ?? "acts"]);

describe("decideSlotsAt agrees with the periods' slots", () => {
  it("acts on the National Day week's study reminder and tally on Wednesday 09-30, and on nothing on Friday 10-02", () => {
    expect(studyOf(decideSlotsAt(calendar, config, beijing("2026-09-30T15:00")))).toEqual([["reminder", "fri 15:00", "2026-W40", "acts"]]);
    expect(studyOf(decideSlotsAt(calendar, config, beijing("2026-09-30T18:30")))).toEqual([["tally", "fri 18:30", "2026-W40", "acts"]]);
    expect(studyOf(decideSlotsAt(calendar, config, beijing("2026-10-02T15:00")))).toEqual([]);
    expect(studyOf(decideSlotsAt(calendar, config, beijing("2026-10-02T18:30")))).toEqual([]);
  });

  it("lists for pingan schedule exactly the slots the job will act on", () => {
    const upcoming = acting(listUpcomingSlots(calendar, config, beijing("2026-09-28T00:00"), 7));
    const study = upcoming.filter(isTaskSlot).filter((d) => d.task === "study").map((d) => [d.slot.kind, d.slot.at.toISOString()]);
    expect(study).toEqual([
      ["reminder", "2026-09-30T07:00:00.000Z"],
      ["tally", "2026-09-30T10:30:00.000Z"],
    ]);
    for (const decision of upcoming) {
      const again = decideSlotsAt(calendar, config, decision.at).filter((d) => d.kind === decision.kind);
      expect(again.length).toBeGreaterThan(0);
      expect(again.every((d) => d.skipped === undefined)).toBe(true);
    }
  });

  it("acts on a Saturday tally that keeps its distance from the deadline", async () => {
    const saturday = await createTaskCalendar({
      ...config,
      tasks: { ...config.tasks, study: { ...config.tasks.study!, tally: "sat 09:00" } },
    });
    expect(studyOf(decideSlotsAt(saturday, config, beijing("2026-11-28T09:00")))).toEqual([["tally", "sat 09:00", "2026-W48", "acts"]]);
  });

  it("acts on nothing in a week without a running day", async () => {
    const closed = await createTaskCalendar({
      ...config,
      calendar: { ...config.calendar, holidays: ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"] },
    });
    const period = closed.at("study", beijing("2026-11-18T12:00"))!;
    expect(period).toMatchObject({ id: "2026-W47", required: false, reason: "not_running_day" });
    expect(studyOf(decideSlotsAt(closed, config, beijing("2026-11-20T15:00")))).toEqual([["reminder", "fri 15:00", "2026-W47", "not_running_day"]]);
    const upcoming = acting(listUpcomingSlots(closed, config, beijing("2026-11-16T00:00"), 7));
    expect(upcoming.filter(isTaskSlot).filter((d) => d.task === "study")).toEqual([]);
  });
});

/** The example config with a different calendar or tasks. */
const vary = (change: { calendar?: Partial<Config["calendar"]>; tasks?: Partial<Config["tasks"]> }) =>
  createTaskCalendar({ ...config, calendar: { ...config.calendar, ...change.calendar }, tasks: { ...config.tasks, ...change.tasks } as Config["tasks"] });
const taskOf = (task: string, decisions: ReturnType<typeof decideSlotsAt>) =>
  decisions.filter(isTaskSlot).filter((d) => d.task === task).map((d) => [d.slot.kind, d.slot.spec, d.period.id, d.skipped ?? "acts"]);

describe("a slot the calendar moves into the next period fires once, for its own period", () => {
  /** periods.ts's own example: the summer holiday from Thursday 07-09 cuts week 2026-W28 to Mon–Wed; its `sat 09:00` tally moves to Thursday 09:00, the first daily summer period. */
  const cutWeek = () =>
    vary({
      calendar: { terms: [{ name: "春季", start: "2026-03-02", end: "2026-07-08" }, ...config.calendar.terms.slice(1)], summer_holiday: [{ start: "2026-07-09", end: "2026-08-31" }] },
      tasks: { drowning: { ...config.tasks.drowning!, tally: "sat 09:00" } },
    });

  it("acts on week 2026-W28's tally on Thursday 07-09 09:00, beside the summer days' own slots", async () => {
    const cut = await cutWeek();
    expect(cut.at("drowning", beijing("2026-07-09T09:00"))!.id).toBe("2026-07-09");
    expect(taskOf("drowning", decideSlotsAt(cut, config, beijing("2026-07-09T09:00")))).toEqual([["tally", "sat 09:00", "2026-W28", "acts"]]);
    expect(taskOf("drowning", decideSlotsAt(cut, config, beijing("2026-07-09T17:00")))).toEqual([["reminder", "17:00", "2026-07-09", "acts"]]);
    expect(taskOf("drowning", decideSlotsAt(cut, config, beijing("2026-07-11T09:00")))).toEqual([]);
  });

  it("lists week 2026-W28's tally in pingan schedule from Thursday morning", async () => {
    const cut = await cutWeek();
    const upcoming = acting(listUpcomingSlots(cut, config, beijing("2026-07-09T08:00"), 1)).filter(isTaskSlot).filter((d) => d.task === "drowning");
    expect(upcoming.map((d) => [d.slot.kind, d.period.id, d.slot.at.toISOString()])).toEqual([
      ["tally", "2026-W28", "2026-07-09T01:00:00.000Z"],
      ["reminder", "2026-07-09", "2026-07-09T09:00:00.000Z"],
      ["tally", "2026-07-09", "2026-07-09T10:30:00.000Z"],
    ]);
  });

  it("acts on a `sun 10:00` study tally on Monday when a 调休 Saturday is the week's only school day", async () => {
    // The county closes Mon–Fri 11-16…11-20 and makes up on Saturday 11-21: the deadline moves to
    // Saturday 18:00, and the tally keeps its distance from it, into Monday 11-23 (week 2026-W48).
    const closed = await vary({
      calendar: { holidays: ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"], workdays: ["2026-11-21"] },
      tasks: { study: { ...config.tasks.study!, tally: "sun 10:00" } },
    });
    const week = closed.byId("study", "2026-W47")!;
    expect(week.deadline.toISOString()).toBe("2026-11-21T10:00:00.000Z");
    expect(studyOf(decideSlotsAt(closed, config, beijing("2026-11-23T10:00")))).toEqual([["tally", "sun 10:00", "2026-W47", "acts"]]);
    expect(studyOf(decideSlotsAt(closed, config, beijing("2026-11-22T10:00")))).toEqual([]);
    const upcoming = acting(listUpcomingSlots(closed, config, beijing("2026-11-23T00:00"), 1)).filter(isTaskSlot).filter((d) => d.task === "study");
    expect(upcoming.map((d) => [d.slot.kind, d.period.id])).toEqual([["tally", "2026-W47"]]);
  });
});

/** A weekly `ddd HH:MM` from minutes since Monday 00:00, a daily `HH:MM` from minutes since midnight. */
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const clock = (minutes: number) => `${String(Math.floor(minutes / 60) % 24).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
const weekly = (minutes: number) => `${WEEKDAYS[Math.floor(minutes / 1440)]} ${clock(minutes % 1440)}`;

/** A consistent schedule: reminders before the deadline, the tally after it, all inside `span` minutes (a day or a week). */
const scheduleArb = (span: number, spec: (minutes: number) => string) =>
  fc
    .tuple(fc.integer({ min: 1, max: span - 2 }), fc.uniqueArray(fc.nat(span - 1), { maxLength: 3 }), fc.nat(span - 1))
    .map(([deadline, reminders, tally]) => ({
      deadline: spec(deadline),
      reminders: reminders.filter((r) => r < deadline).map(spec),
      tally: spec(deadline + 1 + (tally % (span - 1 - deadline))),
    }));

describe("every reminder and tally of every period is decided exactly once, at its instant (any calendar)", () => {
  it("holds for random summer holidays, county closures, 调休 days and schedules", async () => {
    const day = (offset: number) => addDays("2026-06-22", offset);
    const arb = fc.record({
      summerStart: fc.integer({ min: 0, max: 28 }).map(day),
      summerDays: fc.integer({ min: 45, max: 75 }),
      closed: fc.uniqueArray(fc.integer({ min: 0, max: 120 }).map(day), { maxLength: 12 }),
      madeUp: fc.uniqueArray(fc.integer({ min: 0, max: 120 }).map(day), { maxLength: 6 }),
      study: fc.record({ week: scheduleArb(7 * 1440, weekly), days: fc.constantFrom("all" as const, "school" as const, "weekdays" as const) }),
      drowning: fc.record({ week: scheduleArb(7 * 1440, weekly), summer: scheduleArb(1440, clock), days: fc.constantFrom("all" as const, "school" as const) }),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ summerStart, summerDays, closed, madeUp, study, drowning }) => {
        const summerEnd = addDays(summerStart, summerDays);
        const calendar = await vary({
          calendar: {
            holidays: closed,
            workdays: madeUp.filter((d) => getWeekday(d) >= 6 && !closed.includes(d)),
            terms: [
              { name: "春季", start: "2026-03-02", end: addDays(summerStart, -1) },
              { name: "秋季", start: addDays(summerEnd, 1), end: "2027-01-22" },
            ],
            summer_holiday: [{ start: summerStart, end: summerEnd }],
          },
          tasks: {
            study: { ...config.tasks.study!, ...study.week, days: study.days },
            drowning: { ...config.tasks.drowning!, ...drowning.week, days: drowning.days, summer: { period: "day", ...drowning.summer } },
          },
        });
        // Around both ends of the summer holiday, where weeks are cut.
        const dates = [...listDates(addDays(summerStart, -10), addDays(summerStart, 10)), ...listDates(addDays(summerEnd, -10), addDays(summerEnd, 10))];
        const keyOf = (task: string, id: string, kind: string, spec: string, at: Date) => `${task} ${id} ${kind} ${spec} ${at.toISOString()}`;

        const expected: string[] = [];
        const times = new Set<string>();
        for (const task of calendar.tasks) {
          for (const period of calendar.list(task, addDays(dates[0]!, -14), dates[dates.length - 1]!)) {
            for (const slot of calendar.slots(period)) {
              times.add(parseSlot(slot.spec).time);
              if (slot.kind !== "deadline" && dates.includes(toLocalDate(slot.at, config.timezone))) expected.push(keyOf(task, period.id, slot.kind, slot.spec, slot.at));
            }
          }
        }
        const decisions = dates.flatMap((date) => [...times].flatMap((time) => decideSlotsAt(calendar, config, toInstant(date, time, config.timezone)).filter(isTaskSlot)));
        const keys = (list: typeof decisions) => list.map((d) => keyOf(d.task, d.period.id, d.slot.kind, d.slot.spec, d.slot.at)).sort();
        expect(keys(decisions)).toEqual(expected.sort());
        // pingan schedule lists exactly those that act.
        const listed = [summerStart, summerEnd].flatMap((date) => acting(listUpcomingSlots(calendar, config, toInstant(addDays(date, -10), "00:00", config.timezone), 21)).filter(isTaskSlot));
        expect(keys(listed)).toEqual(keys(decisions.filter((d) => !d.skipped)));
      }),
      { numRuns: 30 },
    );
  });
});

/** The roll-up decisions at an instant: [week, "acts" or why not]. */
const rollupAt = (cal: TaskCalendar, local: string) =>
  decideSlotsAt(cal, config, beijing(local)).flatMap((d) => (d.kind === "weekly" ? [[d.week, d.skipped ?? "acts"]] : []));

describe("the weekly roll-up goes on the week's last working day up to its configured day (fri 19:00)", () => {
  it("goes on Friday in an ordinary week, and is due at no other time", () => {
    expect(rollupAt(calendar, "2026-11-27T19:00")).toEqual([["2026-W48", "acts"]]);
    expect(rollupAt(calendar, "2026-11-26T19:00")).toEqual([]);
    expect(rollupAt(calendar, "2026-11-28T19:00")).toEqual([]);
  });

  it("moves to Thursday when Friday is a holiday (端午 2026-06-19), and to Wednesday in the National Day week", () => {
    expect(rollupAt(calendar, "2026-06-19T19:00")).toEqual([]);
    expect(rollupAt(calendar, "2026-06-18T19:00")).toEqual([["2026-W25", "acts"]]);
    expect(rollupAt(calendar, "2026-10-02T19:00")).toEqual([]);
    expect(rollupAt(calendar, "2026-09-30T19:00")).toEqual([["2026-W40", "acts"]]);
  });

  it("stays on a working Friday before a 调休 Saturday, and goes to Thursday, not the 调休 Saturday, when Friday is off", async () => {
    expect(rollupAt(calendar, "2026-10-09T19:00")).toEqual([["2026-W41", "acts"]]);
    expect(rollupAt(calendar, "2026-10-10T19:00")).toEqual([]);
    const swapped = await vary({ calendar: { holidays: ["2026-11-20"], workdays: ["2026-11-21"] } });
    expect(rollupAt(swapped, "2026-11-19T19:00")).toEqual([["2026-W47", "acts"]]);
    expect(rollupAt(swapped, "2026-11-20T19:00")).toEqual([]);
    expect(rollupAt(swapped, "2026-11-21T19:00")).toEqual([]);
  });

  it("goes on the first working day after its day when the week's working days all come after it", async () => {
    const late = await vary({ calendar: { holidays: ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"], workdays: ["2026-11-21"] } });
    expect(rollupAt(late, "2026-11-21T19:00")).toEqual([["2026-W47", "acts"]]);
  });

  it("is not sent for a week without a working day (春节 2026-W08), and says why at its configured time", () => {
    expect(rollupAt(calendar, "2026-02-20T19:00")).toEqual([["2026-W08", "no_working_day"]]);
    const week = acting(listUpcomingSlots(calendar, config, beijing("2026-02-16T00:00"), 7));
    expect(week.filter((d) => d.kind === "weekly")).toEqual([]);
  });
});

describe("the 补报 note is due every day at its time", () => {
  it("is listed for each of the next seven days, beside the roll-up", () => {
    const week = acting(listUpcomingSlots(calendar, config, beijing("2026-11-23T08:00"), 7));
    const notes = week.filter((d) => d.kind === "late-note").map((d) => d.at.toISOString());
    expect(notes).toEqual(["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29"].map((d) => `${d}T09:00:00.000Z`));
    expect(week.filter((d) => d.kind === "weekly").map((d) => d.at.toISOString())).toEqual(["2026-11-27T11:00:00.000Z"]);
  });

  it("holds back in quiet hours", () => {
    const early = { ...config, late_note: { ...config.late_note, at: "06:00" } };
    expect(decideSlotsAt(calendar, early, beijing("2026-11-23T06:00")).map((d) => [d.kind, d.skipped])).toEqual([["late-note", "quiet_hours"]]);
  });
});

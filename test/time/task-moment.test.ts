import { beforeAll, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { formatDeadline, formatInstant } from "../../src/time/local-time.js";
import { formatPeriod } from "../../src/time/periods.js";
import type { TaskCalendar } from "../../src/time/task-calendar.js";
import { loadExampleCalendar } from "../support/example-calendar.js";

let config: Config;
let calendar: TaskCalendar;
beforeAll(async () => {
  ({ config, calendar } = await loadExampleCalendar());
});

const beijing = (local: string) => new Date(`${local}+08:00`);

it("answers a message's look at the calendar as the separate questions do: its local date, each task's period, lateness, the other tasks due with their deadlines, the period a while before", () => {
  const lookBack = 10 * 60_000;
  for (const at of ["2026-11-23T08:40", "2026-11-23T19:00", "2026-11-23T23:59", "2026-11-24T00:01", "2026-11-28T10:00", "2026-10-01T09:00"]) {
    const instant = beijing(at);
    const moment = calendar.momentsAt(instant, lookBack).safety!;
    expect(moment.today).toBe(at.slice(0, 10));
    expect(moment.period).toBe(calendar.at("safety", instant));
    expect(moment.late).toBe(moment.period !== undefined && calendar.isLate(moment.period, instant));
    expect(moment.earlier).toBe(calendar.at("safety", new Date(instant.getTime() - lookBack)));
    expect(calendar.momentsAt(instant).safety!.earlier).toBeUndefined();
    const due = calendar.tasks.filter((task) => task !== "safety").flatMap((task) => calendar.at(task, instant) ?? []).filter((period) => period.required);
    expect(moment.othersDue.map((one) => one.period)).toEqual(due);
    for (const { period, late, deadline } of moment.othersDue) {
      expect(late).toBe(calendar.isLate(period, instant));
      expect(deadline).toBe(formatDeadline(period.deadlineText, late));
    }
  }
  expect(calendar.momentsAt(beijing("2026-11-23T19:00")).safety!.late).toBe(true);
  expect(calendar.momentsAt(beijing("2026-11-24T00:01"), lookBack).safety!.earlier?.id).toBe("2026-11-23");
  // A Monday in term: the week's 周学习 is due beside the day's 平安, and 平安 beside it.
  const monday = calendar.momentsAt(beijing("2026-11-23T08:40"));
  expect(monday.safety!.othersDue.map((one) => one.period.id)).toEqual(["2026-W48"]);
  expect(monday.study!.othersDue.map((one) => one.period.id)).toEqual(["2026-11-23"]);
});

it("gives a disabled task no period, and labels each period and deadline as the formatters do", () => {
  const off = Object.keys(config.tasks).find((task) => !config.tasks[task]!.enabled)!;
  expect(calendar.momentsAt(beijing("2026-11-23T08:40"))[off]!.period).toBeUndefined();
  const period = calendar.momentsAt(beijing("2026-11-23T08:40")).safety!.period!;
  expect(period.label).toBe(formatPeriod(period));
  expect(period.label).toBe("11月23日（周一）");
  expect(period.deadlineText).toBe(formatInstant(period.deadline, config.timezone, true));
  const week = calendar.at("study", beijing("2026-11-23T08:40"))!;
  expect(week.label).toBe(formatPeriod(week));
});

it("answers only the tasks asked for, each as the look at every task answers it", () => {
  const instant = beijing("2026-11-23T08:40");
  const one = calendar.momentsAt(instant, 10 * 60_000, ["study"]);
  expect(Object.keys(one)).toEqual(["study"]);
  expect(one.study).toEqual(calendar.momentsAt(instant, 10 * 60_000).study);
});

it("gives a later message of the same minute the look the first was given, and works the look out again wherever it may differ: midnight, a week's end, a deadline's next minute, a clock set back", async () => {
  const { calendar: kept } = await loadExampleCalendar();
  const lookBack = 10 * 60_000;
  /** The look a calendar that has kept nothing gives (a new one per instant). */
  const fresh = async (instant: Date, only?: readonly string[]) => (await loadExampleCalendar()).calendar.momentsAt(instant, lookBack, only);
  const instants = [
    "2026-11-23T10:00:00.000", // 平安's deadline minute: on time
    "2026-11-23T10:00:59.999",
    "2026-11-23T10:01:00.000", // late from here
    "2026-11-23T10:00:30.000", // the clock set back into the deadline minute
    "2026-11-23T23:59:00.000",
    "2026-11-23T23:59:59.999",
    "2026-11-24T00:00:00.000", // a new day
    "2026-11-24T00:09:59.999", // a repeat may still have been kept the day before
    "2026-11-24T00:10:00.000",
    "2026-11-29T23:59:59.999", // Sunday night
    "2026-11-30T00:00:00.000", // Monday: a new week
    "2026-11-29T23:59:30.000", // and back to Sunday
  ];
  for (const at of instants) {
    const instant = beijing(at);
    for (const only of [undefined, ["safety"], ["study"]]) {
      const look = kept.momentsAt(instant, lookBack, only);
      expect(look, `${at} ${only?.join() ?? "every task"}`).toEqual(await fresh(instant, only));
      expect(kept.momentsAt(new Date(instant.getTime()), lookBack, only)).toBe(look);
    }
  }
  // Within a minute the same look, frozen so that no message changes another's.
  const first = kept.momentsAt(beijing("2026-11-23T08:40:01"), lookBack, ["safety"]);
  expect(kept.momentsAt(beijing("2026-11-23T08:40:59"), lookBack, ["safety"])).toBe(first);
  expect(Object.isFrozen(first) && Object.isFrozen(first.safety) && Object.isFrozen(first.safety!.othersDue)).toBe(true);
  expect(kept.momentsAt(beijing("2026-11-23T08:41:00"), lookBack, ["safety"])).not.toBe(first);
});

import { beforeAll, expect, it } from "vitest";
import type { Config } from "../../src/config/schema.js";
import { formatInstant } from "../../src/time/local-time.js";
import { formatPeriod } from "../../src/time/slots.js";
import type { TaskCalendar } from "../../src/time/task-calendar.js";
import { loadExampleCalendar } from "../support/example-calendar.js";

let config: Config;
let calendar: TaskCalendar;
beforeAll(async () => {
  ({ config, calendar } = await loadExampleCalendar());
});

const beijing = (local: string) => new Date(`${local}+08:00`);

it("answers a message's look at the calendar as the separate questions do: its local date, its task's period, lateness, the other tasks due, the period a while before", () => {
  const lookBack = 10 * 60_000;
  for (const at of ["2026-11-23T08:40", "2026-11-23T19:00", "2026-11-23T23:59", "2026-11-24T00:01", "2026-11-28T10:00", "2026-10-01T09:00"]) {
    const instant = beijing(at);
    const moment = calendar.momentOf("safety", instant, lookBack);
    expect(moment.today).toBe(at.slice(0, 10));
    expect(moment.period).toBe(calendar.at("safety", instant));
    expect(moment.late).toBe(moment.period !== undefined && calendar.isLate(moment.period, instant));
    expect(moment.earlier).toBe(calendar.at("safety", new Date(instant.getTime() - lookBack)));
    expect(calendar.momentOf("safety", instant).earlier).toBeUndefined();
    const due = calendar.tasks.filter((task) => task !== "safety").flatMap((task) => calendar.at(task, instant) ?? []).filter((period) => period.required);
    expect(moment.othersDue).toEqual(due);
    expect(moment.othersDue.map((period) => period.task)).not.toContain("safety");
  }
  expect(calendar.momentOf("safety", beijing("2026-11-23T19:00")).late).toBe(true);
  expect(calendar.momentOf("safety", beijing("2026-11-24T00:01"), lookBack).earlier?.id).toBe("2026-11-23");
  // A Monday in term: the week's 周学习 is due beside the day's 平安.
  expect(calendar.momentOf("safety", beijing("2026-11-23T08:40")).othersDue.map((period) => period.id)).toEqual(["2026-W48"]);
});

it("gives a disabled task no period, and labels each period and deadline as the formatters do", () => {
  const off = Object.keys(config.tasks).find((task) => !config.tasks[task]!.enabled)!;
  expect(calendar.momentOf(off, beijing("2026-11-23T08:40")).period).toBeUndefined();
  const period = calendar.momentOf("safety", beijing("2026-11-23T08:40")).period!;
  expect(period.label).toBe(formatPeriod(period));
  expect(period.label).toBe("11月23日（周一）");
  expect(period.deadlineText).toBe(formatInstant(period.deadline, config.timezone, true));
  const week = calendar.at("study", beijing("2026-11-23T08:40"))!;
  expect(week.label).toBe(formatPeriod(week));
});

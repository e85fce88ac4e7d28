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

it("answers a message's look at the calendar as the separate questions do: its local date, its task's period, the other tasks due", () => {
  for (const at of ["2026-11-23T08:40", "2026-11-23T23:59", "2026-11-24T00:01", "2026-11-28T10:00", "2026-10-01T09:00"]) {
    const instant = beijing(at);
    const moment = calendar.momentOf("safety", instant);
    expect(moment.today).toBe(at.slice(0, 10));
    expect(moment.period).toBe(calendar.at("safety", instant));
    const due = calendar.tasks.filter((task) => task !== "safety").flatMap((task) => calendar.at(task, instant) ?? []).filter((period) => period.required);
    expect(moment.othersDue).toEqual(due);
    expect(moment.othersDue.map((period) => period.task)).not.toContain("safety");
  }
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

import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import type { Config } from "../../src/config/schema.js";
import { decideSlotsAt, listUpcomingSlots } from "../../src/time/due.js";
import { createTaskCalendar, type TaskCalendar } from "../../src/time/task-calendar.js";

const ENV = { WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", WEBHOOK_KEY_PRINCIPALS: "kp", WEBHOOK_KEY_LEADERS: "kl" };

let config: Config;
let calendar: TaskCalendar;
beforeAll(async () => {
  ({ config } = await loadConfig({ path: "config/pingan.example.yaml", env: ENV }));
  calendar = await createTaskCalendar(config);
});

const beijing = (local: string) => new Date(`${local}+08:00`);
const studyOf = (decisions: ReturnType<typeof decideSlotsAt>) =>
  decisions.filter((d) => d.task === "study").map((d) => [d.slot.kind, d.slot.spec, d.period.id, d.skipped ?? "acts"]);

describe("decideSlotsAt agrees with the periods' slots", () => {
  it("acts on the National Day week's study reminder and tally on Wednesday 09-30, and on nothing on Friday 10-02", () => {
    expect(studyOf(decideSlotsAt(calendar, config, beijing("2026-09-30T15:00")))).toEqual([["reminder", "fri 15:00", "2026-W40", "acts"]]);
    expect(studyOf(decideSlotsAt(calendar, config, beijing("2026-09-30T18:30")))).toEqual([["tally", "fri 18:30", "2026-W40", "acts"]]);
    expect(studyOf(decideSlotsAt(calendar, config, beijing("2026-10-02T15:00")))).toEqual([]);
    expect(studyOf(decideSlotsAt(calendar, config, beijing("2026-10-02T18:30")))).toEqual([]);
  });

  it("lists for pingan schedule exactly the slots the job will act on", () => {
    const upcoming = listUpcomingSlots(calendar, config, beijing("2026-09-28T00:00"), 7);
    const study = upcoming.filter((d) => d.task === "study").map((d) => [d.slot.kind, d.slot.at.toISOString()]);
    expect(study).toEqual([
      ["reminder", "2026-09-30T07:00:00.000Z"],
      ["tally", "2026-09-30T10:30:00.000Z"],
    ]);
    for (const decision of upcoming) {
      const again = decideSlotsAt(calendar, config, decision.slot.at).find((d) => d.task === decision.task && d.slot.kind === decision.slot.kind);
      expect(again?.skipped).toBeUndefined();
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
    const upcoming = listUpcomingSlots(closed, config, beijing("2026-11-16T00:00"), 7);
    expect(upcoming.filter((d) => d.task === "study")).toEqual([]);
  });
});

import { getNextMillis } from "bullmq";
import { describe, expect, it } from "vitest";
import { decideJobAt } from "../../jobs/run-slots.js";
import { loadConfig } from "../../src/config/load-config.js";
import { deriveSchedules, PUSHES_OF } from "../../src/schedule/derive-schedules.js";
import { listUpcomingSlots, type SlotDecision } from "../../src/time/due.js";
import { createTaskCalendar } from "../../src/time/task-calendar.js";
import { CUT_WEEK, writeConfigVariant } from "../support/config-variant.js";
import { TEST_ENV } from "../support/test-env.js";

const YEAR_START = new Date("2026-01-01T00:00:00+08:00");
const DAYS = 365;

const keyOf = (d: SlotDecision) => {
  const what = d.kind === "weekly" ? d.week : d.kind === "late-note" ? d.date : `${d.task} ${d.period.id} ${d.slot.spec}`;
  return `${d.at.toISOString()} ${d.kind} ${what}`;
};

/**
 * Over a whole year, what the schedulers' jobs act on (each scheduler firing when BullMQ's own
 * cron arithmetic fires it, each job acting on what decideJobAt gives it) is exactly what
 * `pingan schedule` lists (listUpcomingSlots), each push once.
 */
async function compareYear(configPath: string) {
  const { config } = await loadConfig({ path: configPath, env: TEST_ENV });
  const calendar = await createTaskCalendar(config, { configPath });
  const end = YEAR_START.getTime() + DAYS * 86_400_000;
  const fired: string[] = [];
  for (const entry of deriveSchedules(config)) {
    if (PUSHES_OF[entry.kind].length === 0) continue;
    for (let t = getNextMillis(YEAR_START.getTime() - 1, { pattern: entry.pattern, tz: entry.tz })!; t < end; t = getNextMillis(t, { pattern: entry.pattern, tz: entry.tz })!) {
      fired.push(...decideJobAt({ calendar, config }, entry.kind, new Date(t)).filter((d) => !d.skipped).map(keyOf));
    }
  }
  const listed = listUpcomingSlots(calendar, config, YEAR_START, DAYS).filter((d) => !d.skipped).map(keyOf);
  expect(new Set(fired).size).toBe(fired.length);
  expect(fired.sort()).toEqual(listed.sort());
  return listed;
}

describe("pingan schedule lists exactly what the scheduled jobs act on", () => {
  it("over 2026 on the example config: every reminder, tally, roll-up and 补报 note, once", async () => {
    const listed = await compareYear("config/pingan.example.yaml");
    const count = (kind: string) => listed.filter((key) => key.split(" ")[1] === kind).length;
    expect(count("late-note")).toBe(365);
    // 53 ISO weeks touch 2026; W01's roll-up went on Wednesday 2025-12-31 and the Spring Festival week has none.
    expect(count("weekly")).toBe(51);
    expect(count("reminder")).toBeGreaterThan(700);
    expect(count("tally")).toBeGreaterThan(365);
  });

  it("over 2026 with a week cut by the summer holiday and its tally moved into the summer days", async () => {
    const variant = writeConfigVariant(CUT_WEEK);
    try {
      const listed = await compareYear(variant.path);
      expect(listed).toContain("2026-07-09T01:00:00.000Z tally drowning 2026-W28 sat 09:00");
    } finally {
      variant.remove();
    }
  });
});

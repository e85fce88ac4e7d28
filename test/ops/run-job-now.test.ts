import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSettings } from "../../src/main/settings.js";
import { runJobNow } from "../../src/ops/run-job-now.js";
import { startHarness, type Harness } from "../support/harness.js";
import { TEST_ENV } from "../support/test-env.js";

const at = (local: string) => new Date(`${local}+08:00`);

describe("pingan run", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-24T08:00:00+08:00" });
  });
  afterAll(() => h.close());

  const run = async (job: string, task: string | undefined, now: string) => {
    const lines: string[] = [];
    const settings = readSettings({
      ...TEST_ENV,
      PINGAN_CONFIG: "config/pingan.example.yaml",
      REDIS_URL: h.redis.url,
      WECOM_API_BASE: h.webhook.url,
      PINGAN_NOW: now,
      LOG_LEVEL: "silent",
    });
    const code = await runJobNow({ settings, job, task, out: (line) => lines.push(line) });
    return { code, lines };
  };

  it("a manual tally counts as posted: a report after it goes into the 补报 note", async () => {
    h.clock.set(at("2026-11-24T09:30:00"));
    await h.say("zhang_wei", "平安");
    const tally = await run("tally", "safety", "2026-11-24T10:35:00+08:00");
    expect(tally.code).toBe(0);
    expect(tally.lines.join("\n")).toContain("tally:safety:2026-11-24：已发送 1 条推送");
    await h.drainPushes();
    expect(h.webhook.messages.filter((m) => m.group === "局领导群").length).toBeGreaterThan(0);

    h.clock.set(at("2026-11-24T11:05:00"));
    await h.say("hu_bin", "平安");
    await h.fire("late-note", at("2026-11-24T17:00:00"));
    const notes = h.webhook.messages.filter((m) => m.content.includes("补报通知"));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.content).toContain("东湖小学");
    expect(notes[0]!.content).toContain("11月24日 11:05 补报（迟报）");
  });

  it("refuses an unknown job and a missing task with an example, and sends nothing", async () => {
    const before = h.webhook.messages.length;
    const unknown = await run("remindd", "safety", "2026-11-24T10:35:00+08:00");
    expect(unknown.code).toBe(2);
    expect(unknown.lines.join("\n")).toContain("pingan run remind safety --dry-run");
    const noTask = await run("tally", undefined, "2026-11-24T10:35:00+08:00");
    expect(noTask.code).toBe(2);
    expect(noTask.lines.join("\n")).toContain("pingan run tally safety");
    expect(h.webhook.messages.length).toBe(before);
  });
});

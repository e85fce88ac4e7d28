import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runSlots } from "../../jobs/run-slots.js";
import { startHarness, type Harness } from "../support/harness.js";

const at = (local: string) => new Date(`${local}+08:00`);

describe("on the example config", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-24T08:00:00+08:00" });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.drainPushes();
    h.webhook.messages.length = 0;
    for (const key of await h.client.keys("pa:*")) await h.client.del(key);
  });

  const mentioned = () => h.webhook.messages.flatMap((m) => m.mentioned_list);
  const reportersOf = (codes: string[]) => h.roster.schools.filter((s) => codes.includes(s.code)).flatMap((s) => s.reporters);

  it("reminds at 09:00 exactly the missing schools' reporters, once however often the slot fires", async () => {
    h.clock.set(at("2026-11-24T08:40:00"));
    await h.say("zhang_wei", "平安");
    await h.say("wang_fang", "平安");
    await h.fire("slots", at("2026-11-24T09:00:00"));
    const messages = h.webhook.messages;
    expect(messages.length).toBeGreaterThan(0);
    expect(new Set(messages.map((m) => m.group))).toEqual(new Set(["全县校长群"]));
    expect(messages.every((m) => m.msgtype === "text" && m.content.includes("平安日报"))).toBe(true);
    const missingReporters = h.roster.schools.filter((s) => !["CG001", "CG002"].includes(s.code)).flatMap((s) => s.reporters);
    expect(new Set(mentioned())).toEqual(new Set(missingReporters));
    for (const reporter of reportersOf(["CG001", "CG002"])) expect(mentioned()).not.toContain(reporter);
    expect(mentioned()).not.toContain("@all");

    const count = messages.length;
    await h.fire("slots", at("2026-11-24T09:00:00"));
    expect(h.webhook.messages).toHaveLength(count);
  });

  it("sends the tally to the leaders after the deadline, and one 补报 note for a report after it", async () => {
    h.clock.set(at("2026-11-24T09:30:00"));
    await h.say("zhang_wei", "平安");
    await h.fire("slots", at("2026-11-24T10:30:00"));
    const tally = h.webhook.messages.filter((m) => m.group === "局领导群");
    // The text, then the week's chart (test/features/tallies/week-chart-pushes.test.ts looks at it).
    expect(tally.map((m) => m.msgtype)).toEqual(["markdown", "image"]);
    expect(tally[0]!.content).toContain("平安日报统计");
    expect(tally[0]!.content).toContain("应报 28 所 · 已报 1 所");

    h.clock.set(at("2026-11-24T11:05:00"));
    await h.say("hu_bin", "平安");
    await h.fire("late-note", at("2026-11-24T17:00:00"));
    const notes = h.webhook.messages.filter((m) => m.content.includes("补报通知"));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.content).toContain("东湖小学（东部片区）平安日报 11月24日（周二）：11月24日 11:05 补报（迟报）");
    expect(notes[0]!.content).not.toContain("城关一小");
    await h.fire("late-note", at("2026-11-25T17:00:00"));
    expect(h.webhook.messages.filter((m) => m.content.includes("补报通知"))).toHaveLength(1);
  });

  it("sends nothing when every school has reported, and nothing in quiet hours", async () => {
    for (const school of h.roster.schools) await h.say(school.reporters[0]!, `平安 ${school.code}`);
    await h.fire("slots", at("2026-11-24T09:45:00"));
    expect(h.webhook.messages).toHaveLength(0);
    for (const key of await h.client.keys("pa:*")) await h.client.del(key);
    // The same 09:45 reminder slot, with working hours that end at 09:00: nothing goes out.
    const early = { ...h.config, working_hours: { start: "07:00", end: "09:00" } };
    const quiet = await runSlots({ ...h.jobDeps, config: early }, at("2026-11-24T09:45:00"));
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.map((o) => o.skipped)).toEqual(quiet.map(() => "quiet_hours"));
    await h.drainPushes();
    expect(h.webhook.messages).toHaveLength(0);
  });

  it("keeps anti-drowning silent out of season and daily in the summer holiday", async () => {
    await h.fire("slots", at("2026-11-27T15:00:00"));
    expect(h.webhook.messages.length).toBeGreaterThan(0);
    expect(h.webhook.messages.every((m) => m.content.includes("周学习"))).toBe(true);
    h.webhook.messages.length = 0;
    await h.fire("slots", at("2026-07-20T17:00:00"));
    expect(h.webhook.messages.length).toBeGreaterThan(0);
    expect(h.webhook.messages.every((m) => m.content.includes("防溺水提醒") && m.content.includes("7月20日"))).toBe(true);
    h.webhook.messages.length = 0;
    await h.fire("slots", at("2026-07-21T17:00:00"));
    expect(h.webhook.messages.length).toBeGreaterThan(0);
    expect(h.webhook.messages.every((m) => m.content.includes("7月21日"))).toBe(true);
  });

  it("rolls up a seeded week per school and names the schools that missed twice", async () => {
    const days = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"];
    for (const [index, day] of days.entries()) {
      h.clock.set(at(`${day}T08:30:00`));
      for (const school of h.roster.schools) {
        if (school.code === "CG002" && index < 3) continue; // misses Mon–Wed
        if (school.code === "CG003" && index === 4) continue; // misses Friday only
        await h.say(school.reporters[0]!, `平安 ${school.code}`);
      }
    }
    h.clock.set(at("2026-11-27T16:00:00"));
    await h.say("zhang_wei", "学习 50/52");
    await h.fire("weekly", at("2026-11-27T19:00:00"));
    const weekly = h.webhook.messages.filter((m) => m.group === "局领导群").map((m) => m.content).join("\n");
    expect(weekly).toContain("第48周汇总");
    expect(weekly).toContain("应报 140 校次 · 已报 136 校次");
    expect(weekly).toMatch(/缺报 2 次及以上，请督促（\d+ 所）/);
    expect(weekly).toContain("- 城关二小：缺报 4 次（平安日报 3，周学习 1）");
    expect(weekly).toContain("- 城关一小：平安 5/5 天 · 学习 50/52（96.2%）");
    expect(weekly).toContain("- 城关三小：平安 4/5 天 · 学习 未报");
  });
});

describe("on school days only", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-10-01T08:00:00+08:00", config: "test/fixtures/config/school-days.yaml" });
  });
  afterAll(() => h.close());

  it("reminds nobody on a statutory holiday and reminds on a make-up workday (调休)", async () => {
    await h.fire("slots", at("2026-10-02T09:00:00"));
    expect(h.webhook.messages).toHaveLength(0);
    await h.fire("slots", at("2026-10-10T09:00:00"));
    expect(h.webhook.messages.length).toBeGreaterThan(0);
    expect(h.webhook.messages[0]!.content).toContain("10月10日（周六）");
  });
});

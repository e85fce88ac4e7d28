import { afterAll, beforeAll, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";
import { createKeys } from "../../src/store/keys.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T10:00:00+08:00" });
});
afterAll(() => h.close());

/**
 * A burst of incidents and their follow-ups while the leaders' robot answers HTTP 500: each
 * school's alert (numbered) and 续报 reach the leaders exactly once, the alert first, and the
 * delivery log says sent for each, with the digest of what the fake received.
 */
it("delivers every incident's alert and follow-up exactly once, in order per school, through a webhook answering 5xx", async () => {
  const schools = h.roster.schools.slice(0, 6);
  // A word of each school's own in its texts (a code would be read as the school's name).
  const mark = new Map(schools.map((school, i) => [school.code, "甲乙丙丁戊己"[i]!]));
  const name = (school: (typeof schools)[number]) => (h.roster.schoolsOf(school.reporters[0]!).length > 1 ? `${school.shortName} ` : "");
  const before = h.webhook.rejected.length;
  h.webhook.failNext(TEST_ENV.WEBHOOK_KEY_LEADERS, "http-500", 1_000_000);
  for (const school of schools) expect(await h.say(school.reporters[0]!, `异常 ${name(school)}围墙裂缝${mark.get(school.code)}`)).toContain("已登记");
  // The alert job opens each incident on its first try, delivered or not.
  await waitFor("every incident open", async () => (await h.client.zcard(createKeys().incidentsOpen())) === schools.length, { timeoutMs: 60_000 });
  for (const school of schools) expect(await h.say(school.reporters[0]!, `续报 ${name(school)}已加固${mark.get(school.code)}`)).toContain("的续报");
  await waitFor("the failing robot to be tried", () => h.webhook.rejected.length - before >= 3, { timeoutMs: 30_000 });
  h.webhook.recover(TEST_ENV.WEBHOOK_KEY_LEADERS);

  const leaders = () => h.webhook.messages.filter((m) => m.group === "局领导群").map((m) => m.content);
  await waitFor("every alert and follow-up", () => schools.every((s) => leaders().some((c) => c.includes(`围墙裂缝${mark.get(s.code)}`)) && leaders().some((c) => c.includes(`已加固${mark.get(s.code)}`))), {
    timeoutMs: 90_000,
    everyMs: 250,
  }).catch(async (error: Error) => {
    throw new Error(`${error.message}; received ${JSON.stringify(leaders())}; log ${JSON.stringify((await h.pushQueue.deliveries.list({ group: "leaders" })).map((e) => [e.id, e.outcome, e.attempts]))}`);
  });
  await h.drainPushes();
  const received = leaders();
  for (const school of schools) {
    const alerts = received.filter((c) => c.includes(`围墙裂缝${mark.get(school.code)}`));
    const followUps = received.filter((c) => c.includes(`已加固${mark.get(school.code)}`));
    expect([alerts.length, followUps.length], school.code).toEqual([1, 1]);
    expect(received.indexOf(alerts[0]!), school.code).toBeLessThan(received.indexOf(followUps[0]!));
  }
  const entries = (await h.pushQueue.deliveries.list({ group: "leaders" })).filter((e) => e.id.startsWith("alert:") || e.id.startsWith("incident:"));
  expect(entries.every((e) => e.outcome === "sent"), JSON.stringify(entries.map((e) => [e.id, e.outcome]))).toBe(true);
  console.log(`incident-burst http-500: ${schools.length} alerts and ${schools.length} follow-ups, ${received.length} messages received, ${h.webhook.rejected.length - before} refused`);
});

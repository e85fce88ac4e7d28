import { createHash } from "node:crypto";
import { expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { useIncidentClocks } from "../support/incident-clocks.js";
import { TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

// A clock of seconds, so that the delayed escalations run within the test: 3 s, then 6 s.
const EDITS: [string, string][] = [
  ["  ack_minutes: 15", "  ack_minutes: 0.05"],
  ["  on_duty: []", "  on_duty: [wang_zhiyuan]"],
];

const env = useIncidentClocks(EDITS);

const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);

/**
 * Incidents no leader acknowledges while the leaders' robot answers HTTP 500: both escalations
 * of each run on its clock during the failure and reach the leaders exactly once after it
 * recovers, each after its incident's alert, and the delivery log holds, for each escalation,
 * one entry marked sent with the digest of the one message the fake received.
 */
it("delivers every escalation exactly once, after its alert, through a webhook answering 5xx, and the delivery log agrees", async () => {
  const schools = env.h.roster.schools.slice(0, 4);
  const mark = new Map(schools.map((school, i) => [school.code, "甲乙丙丁"[i]!]));
  const name = (school: (typeof schools)[number]) => (env.h.roster.schoolsOf(school.reporters[0]!).length > 1 ? `${school.shortName} ` : "");
  const before = env.h.webhook.rejected.length;
  env.h.webhook.failNext(TEST_ENV.WEBHOOK_KEY_LEADERS, "http-500", 1_000_000);
  for (const school of schools) expect(await env.h.say(school.reporters[0]!, `异常 ${name(school)}围墙裂缝${mark.get(school.code)}`)).toContain("已登记");
  await waitFor("every incident open", async () => (await env.h.client.zcard(createKeys().incidentsOpen())) === schools.length, { timeoutMs: 60_000 });
  const numbers = schools.map((_, i) => i + 1);
  // Both clocks of every incident ran out while the robot failed: the escalations wait behind the alerts.
  await waitFor(
    "both escalations of every incident to be queued",
    async () => (await Promise.all(numbers.map(async (n) => (await (await env.clocks.getJob(`ack#${n}#2`))?.getState()) === "completed"))).every(Boolean),
    { timeoutMs: 60_000, everyMs: 250 },
  );
  await waitFor("the failing robot to be tried", () => env.h.webhook.rejected.length - before >= 3, { timeoutMs: 30_000 });
  env.h.webhook.recover(TEST_ENV.WEBHOOK_KEY_LEADERS);

  const leaders = () => env.h.webhook.messages.filter((m) => m.group === "局领导群");
  const escalationsOf = (n: number) => leaders().filter((m) => m.content.startsWith(`⏰ 事件 #${n}（`));
  await waitFor("every alert and both escalations of each", () => numbers.every((n) => escalationsOf(n).length >= 2) && schools.every((s) => leaders().some((m) => m.content.includes(`围墙裂缝${mark.get(s.code)}`))), {
    timeoutMs: 90_000,
    everyMs: 250,
  }).catch(async (error: Error) => {
    throw new Error(`${error.message}; received ${JSON.stringify(leaders().map((m) => m.content))}; log ${JSON.stringify((await env.h.pushQueue.deliveries.list({ group: "leaders" })).map((e) => [e.id, e.outcome, e.attempts]))}`);
  });
  await env.h.drainPushes();

  const received = leaders();
  const entries = await env.h.pushQueue.deliveries.list({ group: "leaders" });
  for (const [i, school] of schools.entries()) {
    const n = numbers[i]!;
    const alerts = received.filter((m) => m.content.includes(`围墙裂缝${mark.get(school.code)}`) && !m.content.startsWith("⏰"));
    const escalations = escalationsOf(n);
    expect([alerts.length, escalations.length], school.code).toEqual([1, 2]);
    expect(received.indexOf(alerts[0]!), school.code).toBeLessThan(received.indexOf(escalations[0]!));
    expect(escalations.every((m) => m.mentioned_list?.join() === "wang_zhiyuan"), school.code).toBe(true);
    const logged = [1, 2].map((level) => entries.filter((e) => e.id.startsWith(`incident:${n}:ack:${level}:`)));
    expect(logged.map((forLevel) => forLevel.map((e) => e.outcome)), `#${n}`).toEqual([["sent"], ["sent"]]);
    // The log's digests are those of the messages the fake received for them, one each.
    expect(logged.map((forLevel) => forLevel[0]!.sentDigest).sort(), `#${n}`).toEqual(escalations.map((m) => digest(m.content)).sort());
  }
  const escalated = numbers.reduce((sum, n) => sum + escalationsOf(n).length, 0);
  const attempts = entries.filter((e) => e.id.startsWith("incident:")).reduce((sum, e) => sum + e.attempts, 0);
  console.log(
    `incident-escalation http-500: ${schools.length} incidents, ${escalated} escalations received of ${schools.length * 2} due, ${received.length} messages to the leaders, ${env.h.webhook.rejected.length - before} refused, ${attempts} escalation attempts logged`,
  );
});

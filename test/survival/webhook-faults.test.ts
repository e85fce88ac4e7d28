import { createHash } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { FakeWebhookFailure } from "../../src/wecom/simulator/fake-webhook.js";
import { webhookFault } from "../support/faults.js";
import { startHarness, type Harness } from "../support/harness.js";
import { TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T09:00:00+08:00" });
});
afterAll(() => h.close());

const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);
const mentions = (content: string, school: { name: string; shortName: string }) => content.includes(school.name) || content.includes(school.shortName);

/**
 * A burst of alerts from `count` schools (the first reports twice, its second word last) and
 * three reminders while both robots fail this way; the robots recover once every alert was
 * tried. Returns what the fake WeCom received, per group, and the figures the report quotes.
 */
async function burstThrough(failure: FakeWebhookFailure, first: number, count: number, tag: string) {
  const schools = h.roster.schools.slice(first, first + count);
  const before = { leaders: h.webhook.messages.length, rejected: h.webhook.rejected.length, entries: new Set((await h.pushQueue.deliveries.list()).map((e) => e.id)) };
  const robots = [TEST_ENV.WEBHOOK_KEY_LEADERS, TEST_ENV.WEBHOOK_KEY_PRINCIPALS].map((key) => webhookFault(h.webhook, key, failure));
  for (const robot of robots) await robot.begin();
  const started = performance.now();
  await h.say(schools[0]!.reporters[0]!, `异常 ${tag} 第一次：围墙裂缝`);
  for (const school of schools.slice(1)) await h.say(school.reporters[0]!, `异常 ${tag} ${school.code} 情况`);
  await h.say(schools[0]!.reporters[0]!, `异常 ${tag} 第二次：裂缝扩大，已封闭`);
  for (let i = 0; i < 3; i += 1) {
    await h.pushQueue.enqueue({ idempotencyKey: `remind:${tag}:${i}`, group: "principals", message: { msgtype: "text", lines: [{ text: `${tag} 请报平安 ${i}` }] } });
  }
  // Every alert has been tried at least once (the turn after the first takes the rest along): the robots recover.
  await waitFor("the failing robots to be tried", () => h.webhook.rejected.length - before.rejected >= 6 || typeof failure === "object", { timeoutMs: 30_000 });
  if (typeof failure !== "object") {
    for (const robot of robots) await robot.end();
  }
  const leaders = () => h.webhook.messages.slice(before.leaders).filter((m) => m.group === "局领导群");
  const lastAbout = (school: (typeof schools)[number]) => leaders().filter((m) => mentions(m.content, school)).at(-1)?.content ?? "";
  await waitFor(
    "every school's last word and every reminder",
    () =>
      lastAbout(schools[0]!).includes("第二次") &&
      schools.slice(1).every((s) => lastAbout(s).includes(`${s.code} 情况`)) &&
      [0, 1, 2].every((i) => h.webhook.messages.some((m) => m.content === `${tag} 请报平安 ${i}`)),
    { timeoutMs: 240_000, everyMs: 250 },
  );
  const deliveredMs = performance.now() - started;
  if (typeof failure === "object") {
    for (const robot of robots) await robot.end();
  }
  await h.drainPushes();
  // A request given up may still land: wait until the log and the fake agree on every message.
  const entries = async () => (await h.pushQueue.deliveries.list()).filter((e) => !before.entries.has(e.id));
  const received = () => h.webhook.messages.slice(before.leaders).filter((m) => m.content.includes(tag));
  // A request given up may still land: wait until the log and the fake agree on every message, both ways.
  await waitFor(
    "the log and the fake to agree",
    async () => {
      const logged = await entries();
      // What went out for sure, and what a timed-out try may have delivered as well.
      const sent = new Set(logged.map((e) => e.sentDigest));
      const maybe = new Set([...sent, ...logged.flatMap((e) => e.mayHaveArrived ?? [])]);
      const got = new Set(received().map((m) => digest(m.content)));
      return logged.length === count + 4 && logged.every((e) => e.outcome === "sent") && [...got].every((d) => maybe.has(d)) && [...sent].every((d) => got.has(d!));
    },
    { timeoutMs: 120_000, everyMs: 250 },
  );
  const copies = new Map<string, number>();
  for (const m of received()) copies.set(m.content, (copies.get(m.content) ?? 0) + 1);
  return { schools, leaders: leaders(), received: received(), copies, deliveredMs, lastAbout, entries: await entries() };
}

/** What the report quotes for a scenario. */
function figures(name: string, run: Awaited<ReturnType<typeof burstThrough>>) {
  const duplicates = [...run.copies.values()].reduce((sum, n) => sum + n - 1, 0);
  console.log(`webhook-faults ${name}: ${run.schools.length + 1} alerts and 3 reminders, ${run.received.length} messages received, ${duplicates} duplicates, all out in ${Math.round(run.deliveredMs / 1000)} s`);
}

function expectOrderedPerSchool(run: Awaited<ReturnType<typeof burstThrough>>) {
  const first = run.schools[0]!;
  const about = run.leaders.map((m) => m.content).filter((c) => mentions(c, first));
  // Its last word is its second report, and nothing older arrived after it.
  expect(about.at(-1), JSON.stringify(about)).toContain("第二次");
  expect(about.slice(about.findIndex((c) => c.includes("第二次"))).every((c) => c.includes("第二次")), JSON.stringify(about)).toBe(true);
}

/** WeCom answering HTTP 500: nothing permanent, every alert and reminder goes once it recovers, exactly once. */
it("delivers every alert and reminder exactly once, in order per school, through a webhook answering 5xx", async () => {
  const run = await burstThrough("http-500", 0, 6, "五百");
  figures("http-500", run);
  expect([...run.copies.values()].every((n) => n === 1), JSON.stringify([...run.copies])).toBe(true);
  expectOrderedPerSchool(run);
});

/** WeCom hanging 30 s before answering (and delivering): within the 35 s timeout, so nothing is sent twice. */
it("delivers every alert and reminder exactly once, in order per school, while the webhook hangs 30 s", async () => {
  const run = await burstThrough({ hangMs: 30_000 }, 6, 6, "三十秒");
  figures("hang-30s", run);
  expect([...run.copies.values()].every((n) => n === 1), JSON.stringify([...run.copies])).toBe(true);
  expectOrderedPerSchool(run);
});

/**
 * WeCom hanging 60 s, past the 35 s timeout, and delivering what it was given anyway: the next
 * request waits 70 s, so each message arrives at most twice; 3 reminders are never 9 copies.
 */
it("delivers every alert and reminder, at most one duplicate each, in order per school, while the webhook hangs 60 s", async () => {
  const run = await burstThrough({ hangMs: 60_000 }, 12, 6, "六十秒");
  figures("hang-60s", run);
  expect([...run.copies.values()].every((n) => n <= 2), JSON.stringify([...run.copies])).toBe(true);
  expect([0, 1, 2].map((i) => run.copies.get(`六十秒 请报平安 ${i}`))).toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
  expectOrderedPerSchool(run);
});

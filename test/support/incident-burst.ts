import { createHash, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import type { Roster, School } from "../../src/config/roster.js";
import { createDeliveryLog, type DeliveryEntry } from "../../src/push/delivery-log.js";
import type { RedisClient } from "../../src/store/connect-redis.js";
import { createIncidentStore } from "../../src/store/incidents.js";
import { createKeys } from "../../src/store/keys.js";
import { createClock } from "../../src/clock/clock.js";
import { waitFor } from "./wait-for.js";

/**
 * Where a burst of incidents runs: a service (in this process or in others) the principals and
 * leaders talk to, what the fake WeCom delivered to the leaders' group, and the service's Redis.
 */
export interface IncidentWorld {
  roster: Pick<Roster, "schools" | "schoolsOf">;
  /** Sends `text` as `from` as message `msgid` and answers the reply's text; throws when no answer came. */
  say(from: string, text: string, msgid: string): Promise<string>;
  /** The leaders' group's messages as the fake WeCom took them, in order: a text's content, a card as `card #N`. */
  received(): string[];
  /** A connection of the test's own to the service's Redis (it reconnects after an outage). */
  redis: RedisClient;
}

/** A fault the burst runs through: begun mid-burst (after half the 异常), ended once every escalation is due. */
export interface Fault {
  name: string;
  begin(): Promise<void>;
  end(): Promise<void>;
  /** Copies WeCom may hold of a message: 1, but 2 under a hang past the request timeout or a kill. */
  copies: 1 | 2;
  /** A process is killed: what WeCom took from it before it logged so is sent again (at-least-once). */
  kills?: boolean;
}

/** What the closing note quotes for one fault. */
export interface BurstFigures {
  alerts: number;
  followUps: number;
  acknowledged: number;
  escalations: number;
  received: number;
  duplicates: number;
  ms: number;
}

const LEADER = "wang_zhiyuan";
/** How long everything may take to come out after the fault: a bound for a hang, not a wait. */
const OUT_WITHIN_MS = 300_000;
const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 12);

/**
 * Sends `text` until its reply says `done`: a principal sends again what the service answered
 * it could not take (稍后再发 while Redis is away, an incident its alert has not opened yet), as
 * a new message; one that got no answer (its holder killed) WeCom delivers again, same msgid.
 */
async function sayUntil(world: IncidentWorld, from: string, text: string, done: string): Promise<string> {
  let last = "";
  let msgid = randomUUID();
  await waitFor(
    `${text} to be taken`,
    async () => {
      try {
        last = await world.say(from, text, msgid);
        if (last.includes(done)) return true;
        msgid = randomUUID();
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(500);
      return false;
    },
    { timeoutMs: OUT_WITHIN_MS, everyMs: 0 },
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last reply ${last}`);
  });
  return last;
}

/**
 * A burst of incidents through a fault: `count` schools report an 异常 (half before the fault
 * begins, half during it), each follows up (续报) as soon as its incident is open, a leader
 * acknowledges every other one (收到 #N), and the clocks of the others run out (both
 * escalations) before the fault ends. Then every alert, follow-up and escalation the service
 * stepped has reached the leaders exactly once (at most `fault.copies`), in order per school (the
 * alert before its follow-up, its escalations and its card), and the delivery log says sent for
 * each, with the digests of what the fake received. `tag` makes this burst's texts its own.
 */
export async function runIncidentBurst(world: IncidentWorld, fault: Fault, { tag, first, count }: { tag: string; first: number; count: number }): Promise<BurstFigures> {
  const keys = createKeys();
  const incidents = createIncidentStore({ redis: world.redis, keys });
  const deliveries = createDeliveryLog({ redis: world.redis, keys, clock: createClock(), retentionDays: 400 });
  // Schools whose reporter reports for no other, so no text needs to name its school.
  const schools = world.roster.schools.filter((school) => world.roster.schoolsOf(school.reporters[0]!).length === 1).slice(first, first + count);
  expect(schools).toHaveLength(count);
  const before = world.received().length;
  const logged = new Set((await deliveries.list({ group: "leaders" })).map((e) => e.id));
  const report = (i: number) => `${tag}围墙裂缝${i}`;
  const followUp = (i: number) => `${tag}已加固${i}`;
  const reporter = (school: School) => school.reporters[0]!;

  const inGap = new Set<string>();
  const started = performance.now();
  for (const [i, school] of schools.entries()) {
    if (i === Math.floor(count / 2)) {
      await fault.begin();
      if (fault.kills) {
        // What the killed process had WeCom take but never logged (the at-least-once gap): it may go again.
        await sleep(300);
        const sentNow = new Set((await deliveries.list({ group: "leaders" })).map((e) => e.sentDigest));
        for (const text of world.received().slice(before)) if (!sentNow.has(digest(text))) inGap.add(digest(text));
      }
    }
    await sayUntil(world, reporter(school), `异常 ${report(i)}`, "已登记");
  }
  // A 续报 needs its incident open: the alert's turn opens it, however late the fault makes it.
  const numbers: number[] = [];
  for (const [i, school] of schools.entries()) {
    const reply = await sayUntil(world, reporter(school), `续报 ${followUp(i)}`, "的续报");
    numbers.push(Number(/事件 #(\d+)/u.exec(reply)![1]));
  }
  const acknowledged = numbers.filter((_, i) => i % 2 === 0);
  for (const n of acknowledged) await sayUntil(world, LEADER, `收到 #${n}`, "已记录");
  const escalated = async (n: number) => (await incidents.steps(n)).filter((step) => step.kind === "escalated").length;
  const unacknowledged = numbers.filter((n) => !acknowledged.includes(n));
  await waitFor("both escalations of every unacknowledged incident", async () => (await Promise.all(unacknowledged.map(escalated))).every((e) => e === 2), { timeoutMs: OUT_WITHIN_MS, everyMs: 250 });
  await fault.end();

  // This burst's: its texts, and what names its incidents (a digest names other schools too).
  const ours = (text: string) => text.includes(tag) || numbers.some((n) => new RegExp(`#${n}(?!\\d)`, "u").test(text));
  const mine = () => world.received().slice(before).filter(ours);
  const alertsOf = (i: number) => mine().filter((text) => text.includes(report(i)) && !text.startsWith("⏰"));
  const followUpsOf = (i: number) => mine().filter((text) => text.includes(followUp(i)));
  const escalationsOf = (n: number) => mine().filter((text) => text.startsWith(`⏰ 事件 #${n}（`));
  const expected = async () => Promise.all(numbers.map(escalated));
  const entries = async () => (await deliveries.list({ group: "leaders" })).filter((e) => !logged.has(e.id));
  await waitFor(
    "every alert, follow-up and escalation out, and the log to agree with the fake",
    async () => {
      const due = await expected();
      if (!schools.every((_, i) => alertsOf(i).length > 0 && followUpsOf(i).length > 0 && escalationsOf(numbers[i]!).length >= due[i]!)) return false;
      return logAgrees(await entries(), mine(), inGap);
    },
    { timeoutMs: OUT_WITHIN_MS, everyMs: 250 },
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}; received ${JSON.stringify(mine())}; log ${JSON.stringify((await entries()).map((e) => [e.id, e.outcome, e.attempts]))}`);
  });
  const ms = performance.now() - started;
  // Room for a late copy of a request given up to land.
  await sleep(fault.copies === 2 ? 5_000 : 1_000);

  const due = await expected();
  const received = mine();
  for (const [i, n] of numbers.entries()) {
    const [alerts, followUps, escalations] = [alertsOf(i), followUpsOf(i), escalationsOf(n)];
    const label = `#${n} ${schools[i]!.code}: ${JSON.stringify(received.filter((text) => text.includes(`#${n}`) || text.includes(report(i))))}`;
    expect(alerts.length, label).toBeGreaterThanOrEqual(1);
    expect(alerts.length, label).toBeLessThanOrEqual(fault.copies);
    expect(followUps.length, label).toBeGreaterThanOrEqual(1);
    expect(followUps.length, label).toBeLessThanOrEqual(fault.copies);
    // Each escalation stepped went out once: both of an unacknowledged incident.
    expect(new Set(escalations).size <= 1 && escalations.length >= due[i]! && escalations.length <= due[i]! * fault.copies, label).toBe(true);
    if (!acknowledged.includes(n)) expect(due[i], label).toBe(2);
    const alertAt = received.indexOf(alerts[0]!);
    expect(alertAt, label).toBeLessThan(received.indexOf(followUps[0]!));
    if (escalations.length > 0) expect(alertAt, label).toBeLessThan(received.indexOf(escalations[0]!));
    const card = received.indexOf(`card #${n}`);
    if (card >= 0) expect(alertAt, label).toBeLessThan(card);
  }
  expect(logAgrees(await entries(), received, inGap)).toBe(true);
  // A school's news said again (alone or in a digest), a follow-up, escalation or card beyond what was stepped.
  const duplicates = numbers.reduce(
    (sum, n, i) => sum + alertsOf(i).length - 1 + followUpsOf(i).length - 1 + escalationsOf(n).length - due[i]! + Math.max(0, received.filter((text) => text === `card #${n}`).length - 1),
    0,
  );
  if (fault.copies === 1) expect(duplicates, JSON.stringify(received)).toBe(0);
  // A kill's second copy is only ever of what WeCom took in the gap.
  if (fault.kills && inGap.size === 0) expect(duplicates, JSON.stringify(received)).toBe(0);
  const figures: BurstFigures = {
    alerts: count,
    followUps: count,
    acknowledged: acknowledged.length,
    escalations: due.reduce((sum, e) => sum + e, 0),
    received: received.length,
    duplicates,
    ms,
  };
  console.log(
    `incident-survival ${fault.name}: ${figures.alerts} alerts, ${figures.followUps} follow-ups, ${figures.acknowledged} acknowledged, ${figures.escalations} escalations, ` +
      `${figures.received} messages received, ${figures.duplicates} duplicates, all out in ${Math.round(ms / 1000)} s`,
  );
  return figures;
}

/**
 * The delivery log and the fake agree: every entry of the burst is out (a card WeCom refused
 * is given up, not owed), each digest sent is one the fake holds, and each text the fake holds
 * is one the log sent, one a timed-out request may have delivered, or one WeCom took from a
 * process killed before it logged it (`inGap`).
 */
function logAgrees(logged: readonly DeliveryEntry[], received: readonly string[], inGap: ReadonlySet<string>): boolean {
  const out = logged.every((e) => e.outcome === "sent" || e.outcome === "settled" || (e.id.includes(":card:") && e.outcome === "failed"));
  const sent = new Set(logged.flatMap((e) => (e.outcome === "sent" ? [e.sentDigest] : [])));
  const maybe = new Set([...sent, ...inGap, ...logged.flatMap((e) => e.mayHaveArrived ?? [])]);
  const got = new Set(received.filter((text) => !text.startsWith("card #")).map(digest));
  return out && [...sent].every((d) => d !== undefined && (got.has(d) || !isTextDigest(logged, d))) && [...got].every((d) => maybe.has(d));
}

/** Cards are logged by the digest of their JSON, which the fake's `card #N` does not carry. */
function isTextDigest(logged: readonly DeliveryEntry[], d: string): boolean {
  return !logged.some((e) => e.sentDigest === d && e.id.includes(":card:"));
}

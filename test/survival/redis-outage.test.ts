import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ScheduleKind } from "../../src/schedule/derive-schedules.js";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";
import { createKeys } from "../../src/store/keys.js";

const keys = createKeys();

/**
 * Redis goes away under load and comes back. Two ways it goes away:
 *  - stopped: redis-server SIGKILLed and, 30 s later, started again on the same port and AOF
 *    (connections are refused: the web connection must refuse commands at once, not queue them);
 *  - hung: redis-server SIGSTOPped for 8 s and resumed (connections stay open and silent: only
 *    the web connection's command timeout keeps callbacks fast). 8 s is enough: the timeout
 *    applies to the first command of every callback from the first second on, and the longer
 *    outage is already the 30 s one.
 * Throughout, WeCom keeps calling back: every callback must get a sealed 200 within 2 s.
 */

const OUTAGE_MS = 30_000;
const HANG_MS = 8_000;
const ANSWER_WITHIN_MS = 2_000;
/** /healthz and /metrics while Redis hangs. */
const OPS_WITHIN_MS = 1_500;
const WORKERS_WITHIN_MS = 30_000;
const FIRST_DAY = Date.parse("2026-11-25T08:30:00+08:00");
const DAY_MS = 86_400_000;
const ACKED = "已登记";
const LATER = "稍后再发";

interface Sent {
  msgid: string;
  school: string;
  day: string;
  /** performance.now() when sent and when answered. */
  from: number;
  to: number;
  ms: number;
  status: number;
  answer: "acked" | "later" | "other";
  text: string;
}

let h: Harness;
let stoppedPid: number | undefined;
const sent: Sent[] = [];
/** When Redis was certainly away: a callback wholly inside one must be told 稍后再发. */
const windows: { name: "down" | "hung"; from: number; to: number }[] = [];

beforeAll(async () => {
  h = await startHarness({ now: "2026-11-25T08:30:00+08:00" });
});
afterAll(async () => {
  if (stoppedPid !== undefined) process.kill(stoppedPid, "SIGCONT");
  await h?.close();
});

/** Local date (Asia/Shanghai) of day index `d`. */
const dayOf = (d: number) => new Date(FIRST_DAY + d * DAY_MS + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * WeCom's side: in rounds of about 250 ms, all schools check in for the next day (one callback
 * each, at random moments of the round), until stopped. Each (school, day) is checked in by exactly one callback, so after the
 * outage every callback's report can be looked for on its own.
 */
function startCallbacks() {
  let running = true;
  let day = 0;
  const loop = (async () => {
    while (running) {
      const d = day++;
      h.clock.set(new Date(FIRST_DAY + d * DAY_MS));
      await Promise.all(
        h.roster.schools.map(async (school) => {
          // Spread over the round, so that Redis goes away with callbacks half-way through.
          await sleep(Math.random() * 200);
          const msgid = `outage-${d}-${school.code}`;
          const from = performance.now();
          const reply = await h.sim.say({ from: school.reporters[0]!, text: `平安 ${school.code}`, msgid });
          const to = performance.now();
          const markdown = reply.markdown ?? "";
          sent.push({
            msgid,
            school: school.code,
            day: dayOf(d),
            from,
            to,
            ms: to - from,
            status: reply.status,
            answer: markdown.includes(ACKED) ? "acked" : markdown.includes(LATER) ? "later" : "other",
            text: markdown || reply.raw,
          });
        }),
      );
      await sleep(50);
    }
  })();
  return {
    days: () => day,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function health(path = "/healthz"): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${h.url}${path}`);
  await res.text();
  return { status: res.status, ms: performance.now() - started };
}

async function redisPid(): Promise<number> {
  const info = await h.client.info("server");
  return Number(/process_id:(\d+)/.exec(info)![1]);
}

const fresh = (since: number) => sent.slice(since);

/**
 * After an outage: a push enqueued now and a scheduled job put on the real schedule queue now
 * must both be delivered by the workers that lived through it (BullMQ workers have been known
 * to stall after a reconnect). Returns how long each took, from the moment both were queued.
 */
async function checkWorkers(label: string, slot: string): Promise<{ pushMs: number; jobMs: number }> {
  const principals = () => h.webhook.messages.filter((m) => m.group === "全县校长群").length;
  const before = principals();
  const started = performance.now();
  await h.pushQueue.enqueue({
    idempotencyKey: `survival:${label}`,
    group: "leaders",
    message: { msgtype: "markdown", lines: [{ text: `恢复检查 ${label}` }] },
  });
  const kind: ScheduleKind = "slots";
  const job = await h.scheduler.queue.add(kind, { kind, scheduleId: `survival-${label}` }, { prevMillis: Date.parse(slot), jobId: `survival-${label}` });
  const pushMs = await waitFor(`push after ${label}`, () => h.webhook.messages.some((m) => m.content.includes(`恢复检查 ${label}`)), { timeoutMs: WORKERS_WITHIN_MS, everyMs: 50 });
  await waitFor(`scheduled job after ${label}`, async () => (await job.getState()) === "completed", { timeoutMs: WORKERS_WITHIN_MS, everyMs: 50 });
  const outcomes = (await h.scheduler.queue.getJob(job.id!))!.returnvalue as { pushed: string[] }[];
  const pushed = outcomes.flatMap((o) => o.pushed);
  expect(pushed.length).toBeGreaterThan(0);
  await waitFor(
    `reminder of the job after ${label}`,
    async () => principals() > before && (await Promise.all(pushed.map((key) => h.client.exists(keys.pushDone(key))))).every(Boolean),
    { timeoutMs: WORKERS_WITHIN_MS, everyMs: 50 },
  );
  return { pushMs, jobMs: performance.now() - started };
}

it(
  "answers every callback within 2 s while Redis is down or hung, loses or half-writes nothing, and recovers without a restart",
  async () => {
    const callbacks = startCallbacks();
    await waitFor("first acknowledged check-ins", () => sent.filter((s) => s.answer === "acked").length >= 56, { timeoutMs: 10_000, everyMs: 50 });
    expect((await health()).status).toBe(200);

    // —— Stopped: SIGKILL, 30 s, start again on the same port and AOF ——
    const killedAt = performance.now();
    await h.redis.kill("SIGKILL");
    const downFrom = performance.now();
    await sleep(2_000);
    const healthDown = await health();
    // A push queued while Redis is down waits on the worker connection and goes out afterwards.
    const queuedDuringOutage = h.pushQueue.enqueue({
      idempotencyKey: "survival:queued-during-outage",
      group: "leaders",
      message: { msgtype: "markdown", lines: [{ text: "恢复检查 queued-during-outage" }] },
    });
    await sleep(OUTAGE_MS - (performance.now() - killedAt));
    // The outage lasts until enough callbacks met it, however slowly a busy machine sends them.
    await waitFor("1,000 callbacks answered while Redis is down", () => sent.filter((s) => s.from >= downFrom).length > 1_000, { timeoutMs: 240_000, everyMs: 50 });
    windows.push({ name: "down", from: downFrom, to: performance.now() });
    const outageEnd = sent.length;
    await h.redis.restart();
    const restartedAt = performance.now();
    await waitFor("a check-in acknowledged after Redis is back", () => fresh(outageEnd).some((s) => s.answer === "acked"), { timeoutMs: 10_000, everyMs: 50 });
    const resumedMs = performance.now() - restartedAt;
    await waitFor("healthz 200 after Redis is back", async () => (await health()).status === 200, { timeoutMs: 10_000, everyMs: 50 });
    await queuedDuringOutage;
    const afterOutage = await checkWorkers("outage", "2026-11-24T09:00:00+08:00");
    await waitFor("push queued during the outage", () => h.webhook.messages.some((m) => m.content.includes("queued-during-outage")), { timeoutMs: WORKERS_WITHIN_MS, everyMs: 50 });

    // —— Hung: SIGSTOP for 8 s, then SIGCONT ——
    stoppedPid = await redisPid();
    process.kill(stoppedPid, "SIGSTOP");
    const hangFrom = performance.now() + 20;
    await sleep(1_000);
    const [healthHung, metricsHung] = await Promise.all([health(), health("/metrics")]);
    await sleep(HANG_MS - 1_000);
    await waitFor("50 callbacks answered while Redis is hung", () => sent.filter((s) => s.from >= hangFrom).length > 50, { timeoutMs: 240_000, everyMs: 50 });
    windows.push({ name: "hung", from: hangFrom, to: performance.now() });
    const hangEnd = sent.length;
    process.kill(stoppedPid, "SIGCONT");
    stoppedPid = undefined;
    await waitFor("a check-in acknowledged after Redis resumes", () => fresh(hangEnd).some((s) => s.answer === "acked"), { timeoutMs: 10_000, everyMs: 50 });
    const afterHang = await checkWorkers("hang", "2026-11-24T09:45:00+08:00");
    const lastBatch = sent.length;
    await waitFor("two more days of check-ins", () => sent.length >= lastBatch + 2 * h.roster.schools.length, { timeoutMs: 10_000, everyMs: 50 });
    await callbacks.stop();

    // —— What every callback got ——
    const inside = (name: string) => (s: Sent) => windows.some((w) => w.name === name && w.from <= s.from && s.to <= w.to);
    const maxMs = (list: Sent[]) => Math.round(Math.max(...list.map((s) => s.ms)));
    const down = sent.filter(inside("down"));
    const hung = sent.filter(inside("hung"));
    const during = [...down, ...hung];
    console.log(
      `redis-outage: ${sent.length} callbacks in ${callbacks.days()} rounds; ` +
        `stopped ${OUTAGE_MS / 1000} s: ${down.length} callbacks, max ${maxMs(down)} ms, ${down.filter((s) => s.answer === "later").length} told ${LATER}; ` +
        `hung ${HANG_MS / 1000} s: ${hung.length} callbacks, max ${maxMs(hung)} ms; ` +
        `first ack ${Math.round(resumedMs)} ms after restart; ` +
        `healthz down ${healthDown.status} in ${Math.round(healthDown.ms)} ms, hung ${healthHung.status} in ${Math.round(healthHung.ms)} ms; ` +
        `workers after outage: push ${Math.round(afterOutage.pushMs)} ms, job ${Math.round(afterOutage.jobMs)} ms; ` +
        `after hang: push ${Math.round(afterHang.pushMs)} ms, job ${Math.round(afterHang.jobMs)} ms`,
    );
    expect(sent.filter((s) => s.status !== 200).map((s) => `${s.msgid}: ${s.status} ${s.text}`)).toEqual([]);
    expect(sent.filter((s) => s.answer === "other").map((s) => `${s.msgid}: ${s.text}`)).toEqual([]);
    expect(down.length).toBeGreaterThan(1_000);
    expect(hung.length).toBeGreaterThan(50);
    expect(during.filter((s) => s.answer !== "later").map((s) => s.msgid)).toEqual([]);
    expect(sent.filter((s) => s.ms >= ANSWER_WITHIN_MS).map((s) => `${s.msgid}: ${Math.round(s.ms)} ms`)).toEqual([]);
    expect(healthDown.status).toBe(503);
    expect(healthHung.status).toBe(503);
    expect(healthHung.ms).toBeLessThan(OPS_WITHIN_MS);
    // /metrics answers too, without the gauges it could not read.
    expect(metricsHung.status).toBe(200);
    expect(metricsHung.ms).toBeLessThan(OPS_WITHIN_MS);
    expect(sent.length).toBeGreaterThan(lastBatch);
    expect(sent.slice(lastBatch).every((s) => s.answer === "acked")).toBe(true);

    // —— What Redis has: each callback's report is whole (state and audit log) or absent ——
    const half: string[] = [];
    const lost: string[] = [];
    const noHistory: string[] = [];
    let recordedButRefused = 0;
    const byDay = new Map<string, Sent[]>();
    for (const s of sent) byDay.set(s.day, [...(byDay.get(s.day) ?? []), s]);
    for (const [day, list] of byDay) {
      const log = await h.store.log("safety", day);
      const msgids = new Set(await h.client.smembers(keys.periodMsgids("safety", day)));
      for (const s of list) {
        const inState = (await h.store.get("safety", day, s.school))?.msgid === s.msgid;
        const inLog = log.some((e) => e.msgid === s.msgid && e.school === s.school);
        if (inState !== inLog || inLog !== msgids.has(s.msgid)) half.push(`${s.msgid}: state ${inState}, log ${inLog}, msgid ${msgids.has(s.msgid)}`);
        if (s.answer === "acked" && !(inState && inLog)) lost.push(s.msgid);
        if (s.answer !== "acked" && inState && inLog) recordedButRefused += 1;
        if (inState && inLog) {
          const history = await h.store.history(s.school, [{ task: "safety", period: day }], 200);
          if (!history.some((e) => e.msgid === s.msgid)) noHistory.push(`${s.msgid} (${s.answer})`);
        }
      }
    }
    console.log(
      `redis-outage: ${sent.filter((s) => s.answer === "acked").length} acknowledged, all present: ${lost.length === 0}; ` +
        `${recordedButRefused} told ${LATER} but recorded whole (in flight when Redis went away); ` +
        `half-written ${half.length}; recorded but missing from 历史: ${noHistory.length}${noHistory.length ? ` (${noHistory.join(", ")})` : ""}`,
    );
    expect(lost).toEqual([]);
    expect(half).toEqual([]);
    // The school's 历史 list is written after the state and log, with another hash tag (so not
    // in the same script): a report whose callback was cut off between the two is whole in the
    // system of record but missing from 历史. Only ever for a callback told 稍后再发.
    expect(noHistory.filter((entry) => entry.endsWith("(acked)"))).toEqual([]);
  },
  120_000,
);

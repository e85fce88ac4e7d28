import { Queue } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import type { Redis } from "ioredis";
import { deriveSchedules } from "../../src/schedule/derive-schedules.js";
import { SCHEDULE_QUEUE_NAME, type ScheduleJobData } from "../../src/schedule/scheduler.js";
import { startHarness } from "../support/harness.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

const NOW = "2026-11-24T08:40:00+08:00";
const at = (local: string) => new Date(`${local}+08:00`);

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/** Every key in Redis that is not under the product's prefix, found by SCAN. */
async function keysOutsidePrefix(client: Redis): Promise<string[]> {
  const outside: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await client.scan(cursor, "COUNT", 1000);
    outside.push(...batch.filter((key) => !key.startsWith("pa:")));
    cursor = next;
  } while (cursor !== "0");
  return outside.sort();
}

it("keeps every key of a check-in and a scheduled job under pa:", async () => {
  const h = await startHarness({ now: NOW, schedules: true });
  try {
    await h.say("zhang_wei", "平安");
    await h.fire("slots", at("2026-11-24T09:00:00"));
    expect(h.webhook.messages.length).toBeGreaterThan(0);
    expect(await keysOutsidePrefix(h.redis.client())).toEqual([]);
  } finally {
    await h.close();
  }
});

it("moves the schedule queue an earlier release kept under bull: to pa: on start: each scheduler once, a firing that fell due while it was down still queued, nothing left under bull:", async () => {
  await redis.client().flushall();
  const { config } = await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV });
  const entries = deriveSchedules(config);
  // The old layout, as the release before wrote it: BullMQ's own prefix.
  const old = new Queue<ScheduleJobData>(SCHEDULE_QUEUE_NAME, { connection: redis.client() });
  for (const entry of entries) {
    await old.upsertJobScheduler(entry.id, { pattern: entry.pattern, tz: entry.tz }, { name: entry.kind, data: { kind: entry.kind, scheduleId: entry.id } });
  }
  const dueAt = at("2026-11-24T08:00:00").getTime();
  // Two firings that fell due while every process was down: one taken from the delayed set, one not yet.
  await old.add("slots", { kind: "slots", scheduleId: "slots@08:00" }, { jobId: "overdue", prevMillis: dueAt });
  const late = await old.add("slots", { kind: "slots", scheduleId: "slots@08:10" }, { jobId: "overdue-delayed", prevMillis: dueAt, delay: 1 });
  await waitFor("the delayed firing due", async () => (await late.getState()) === "delayed" && Date.now() > late.timestamp + 1);
  await old.close();
  expect((await keysOutsidePrefix(redis.client())).some((key) => key.startsWith("bull:{schedule}:"))).toBe(true);

  const h = await startHarness({ now: NOW, redis, schedules: true });
  try {
    const ids = (await h.scheduler.queue.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key).sort();
    expect(ids).toEqual(entries.map((e) => e.id).sort());
    const moved = await h.scheduler.queue.getJob("moved-overdue");
    expect(moved?.data).toEqual({ kind: "slots", scheduleId: "slots@08:00" });
    expect(moved?.opts.prevMillis).toBe(dueAt);
    expect((await h.scheduler.queue.getJob("moved-overdue-delayed"))?.data).toEqual({ kind: "slots", scheduleId: "slots@08:10" });
    // The firings still ahead are the new schedulers' own, once each: none moved beside them.
    const jobs = await h.scheduler.queue.getJobs(["waiting", "delayed", "active", "completed", "failed", "prioritized"]);
    expect(jobs.map((job) => job.id).filter((id) => id?.startsWith("moved-")).sort()).toEqual(["moved-overdue", "moved-overdue-delayed"]);
    expect(await keysOutsidePrefix(h.redis.client())).toEqual([]);
  } finally {
    await h.close();
  }
});

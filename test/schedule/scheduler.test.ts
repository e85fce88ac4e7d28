import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
import type { Config } from "../../src/config/schema.js";
import { deriveSchedules } from "../../src/schedule/derive-schedules.js";
import { createScheduler } from "../../src/schedule/scheduler.js";
import { TEST_ENV } from "../support/test-env.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";

const log = pino({ level: "silent" });
let redis: TestRedis;
let config: Config;
beforeAll(async () => {
  redis = await startTestRedis();
  ({ config } = await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV }));
});
afterAll(() => redis.stop());

describe("deriveSchedules", () => {
  it("gives one daily scheduler per slot time, plus the weekly roll-up (daily too: a holiday moves it to another weekday), the 补报 note and the nightly reduction of old history", () => {
    const entries = deriveSchedules(config);
    expect(entries.map((e) => `${e.id} ${e.pattern}`)).toEqual([
      "slots@09:00 0 9 * * *",
      "slots@09:45 45 9 * * *",
      "slots@10:30 30 10 * * *",
      "slots@15:00 0 15 * * *",
      "slots@16:00 0 16 * * *",
      "slots@17:00 0 17 * * *",
      "slots@17:30 30 17 * * *",
      "slots@18:30 30 18 * * *",
      "weekly 0 19 * * *",
      "late-note 0 17 * * *",
      "reduce-history 30 3 * * *",
    ]);
    expect(new Set(entries.map((e) => e.tz))).toEqual(new Set(["Asia/Shanghai"]));
  });
});

describe("createScheduler", () => {
  it("is idempotent when three processes upsert at once, and fires at the configured local times", async () => {
    const entries = deriveSchedules(config);
    const schedulers = [0, 1, 2].map(() =>
      createScheduler({ connection: redis.client(), entries, log, prefix: "pa", queueName: "{sched-a}" }),
    );
    await Promise.all(schedulers.map((s) => s.sync()));
    const listed = await schedulers[0]!.queue.getJobSchedulers(0, -1);
    expect(listed).toHaveLength(entries.length);
    const delayed = await schedulers[0]!.queue.getDelayed();
    expect(delayed).toHaveLength(entries.length);
    const next = await schedulers[0]!.next();
    for (const { entry, next: at } of next) {
      const local = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", weekday: "short", hourCycle: "h23" }).format(at);
      expect(local.slice(-5)).toBe(entry.id === "weekly" ? "19:00" : entry.at);
    }
    await Promise.all(schedulers.map((s) => s.close()));
  });

  it("removes the schedulers of a slot or task the config no longer has", async () => {
    const before = deriveSchedules(config);
    const first = createScheduler({ connection: redis.client(), entries: before, log, prefix: "pa", queueName: "{sched-b}" });
    await first.sync();
    const changed = before.filter((e) => e.id !== "slots@09:45");
    const second = createScheduler({ connection: redis.client(), entries: changed, log, prefix: "pa", queueName: "{sched-b}" });
    expect((await second.sync()).removed).toEqual(["slots@09:45"]);
    const ids = (await second.queue.getJobSchedulers(0, -1)).map((s) => s.id ?? s.key).sort();
    expect(ids).toEqual(changed.map((e) => e.id).sort());
    await first.close();
    await second.close();
  });

  it("restores its schedulers after Redis lost its data, without a restart", async () => {
    const entries = deriveSchedules(config);
    const scheduler = createScheduler({ connection: redis.client(), entries, log, prefix: "pa", queueName: "{sched-c}" });
    await scheduler.sync();
    scheduler.startWatchdog(100);
    await redis.client().flushall();
    await waitFor("the schedulers restored", async () => (await scheduler.queue.getJobSchedulersCount()) === entries.length);
    await scheduler.close();
  });
});

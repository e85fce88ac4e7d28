import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runReduceHistory } from "../../jobs/reduce-history.js";
import { readSettings } from "../../src/main/settings.js";
import { startSystem, type System } from "../../src/main/system.js";
import { createManualClock } from "../../src/clock/clock.js";
import { TEST_ENV } from "../support/test-env.js";

let dir: string;
let system: System;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pingan-aof-"));
  // No REDIS_URL: the service's own embedded redis-server, as a county runs it.
  const settings = readSettings({ ...TEST_ENV, PINGAN_CONFIG: "config/pingan.example.yaml", PINGAN_DATA_DIR: dir, PORT: "0", HOST: "127.0.0.1", WECOM_API_BASE: "http://127.0.0.1:9" });
  system = await startSystem(settings, { log: pino({ level: "silent" }), clock: createManualClock(new Date("2026-11-24T03:30:00+08:00")), schedules: false });
});
afterAll(async () => {
  await system?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const rewrites = async () => Number(/aof_rewrites:(\d+)/.exec(await system.redis.info("persistence"))?.[1]);

it("rewrites the embedded Redis's AOF with the nightly job, and leaves Redis to do it itself only past 1 GB", async () => {
  expect(await system.redis.config("GET", "auto-aof-rewrite-min-size")).toEqual(["auto-aof-rewrite-min-size", String(1024 ** 3)]);
  const before = await rewrites();
  await runReduceHistory(system.jobDeps, new Date("2026-11-24T03:30:00+08:00"), { dryRun: true });
  expect(await rewrites()).toBe(before);
  await runReduceHistory(system.jobDeps, new Date("2026-11-24T03:30:00+08:00"));
  expect(await rewrites()).toBe(before + 1);
});

/**
 * Benchmark 4 (issue 6), first part: Redis bytes per school per day of history.
 *
 *   npm run bench:memory [-- --schools 2000 --areas 20 --days 28 --kinds 7]
 *
 * `--kinds 7`: every kind of the example config enabled, each owed every day; a `memory-kind:`
 * line per kind gives what one of its periods keeps per school (and per day, a week's over 7), and a
 * `memory-key:` line where it goes (each key's bytes per school and its encoding).
 *
 * The whole service (startSystem, embedded redis-server with AOF fsync always) on a fictional
 * roster. `--days` days of 平安日报 (and the weeks' 周学习) are seeded through the report store,
 * then one more day is reported through HTTP by every school (the real callback path, which
 * also keeps each reply for 3 days against WeCom's retries). Printed: INFO used_memory deltas
 * per school per day, MEMORY USAGE of each kind of key, the AOF on disk per school per day
 * (after a rewrite), and the projection over the 400 days a period is kept.
 * The service's resident memory under load is printed by bench/callback.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { addDays, toInstant } from "../src/time/local-time.js";
import { createManualClock } from "../src/clock/clock.js";
import { readSettings } from "../src/main/settings.js";
import { startSystem } from "../src/main/system.js";
import { createWecomSimulator } from "../src/wecom/simulator/wecom-simulator.js";
import type { TaskPeriod } from "../src/time/task-calendar.js";
import type { TaskId } from "../src/config/schema.js";
import { seedPeriod } from "./support/seed-reports.js";
import { kindOf } from "../src/config/kinds.js";
import { describeMachine, fmt, printTable, verdict } from "./support/stats.js";
import { BENCH_FIRST_DAY, writeBenchFixture } from "./support/write-fixture.js";
import { TEST_AES_KEY, TEST_TOKEN } from "../test/support/test-env.js";

const { values: args } = parseArgs({
  options: {
    schools: { type: "string", default: "2000" },
    areas: { type: "string", default: "20" },
    days: { type: "string", default: "28" },
    // 7: every kind of the example config enabled and owed every day (write-fixture.ts allKinds).
    kinds: { type: "string", default: "3" },
  },
});
const days = Number(args.days);
const ZONE = "Asia/Shanghai";
/** The seeded days end the day before this one; this day is reported through HTTP. */
const HTTP_DAY = "2026-11-30";

const dir = mkdtempSync(join(tmpdir(), "pingan-bench-memory-"));
const fixture = writeBenchFixture({ dir, schools: Number(args.schools), areas: Number(args.areas), allKinds: args.kinds === "7" });
console.log(`# bench:memory — ${describeMachine()}`);

const clock = createManualClock(BENCH_FIRST_DAY);
const service = await startSystem(readSettings({ ...fixture.env, PINGAN_CONFIG: fixture.configPath, PINGAN_DATA_DIR: join(dir, "data"), PORT: "0", HOST: "127.0.0.1", WECOM_API_BASE: "http://127.0.0.1:9" }), {
  log: pino({ level: process.env.BENCH_LOG ?? "silent" }),
  clock,
  schedules: false,
});
clock.set(new Date(`${HTTP_DAY}T08:30:00+08:00`));
try {
  const rt = service;
  const { roster, calendar: periods, keys, redis } = rt;
  const schools = roster.schools.length;
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info("memory"))?.[1]);
  const aofBytes = async () => Number(/aof_current_size:(\d+)/.exec(await redis.info("persistence"))?.[1]);
  const usage = async (key: string) => Number((await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0")) ?? 0);

  const before = await usedMemory();
  const first = addDays(HTTP_DAY, -days);
  const seeded: TaskPeriod[] = [];
  for (let i = 0; i < days; i += 1) {
    const date = addDays(first, i);
    for (const task of periods.tasks) {
      const period = periods.at(task, toInstant(date, "12:00", ZONE));
      if (period?.required && !seeded.some((p) => p.task === task && p.id === period.id)) seeded.push(period);
    }
  }
  let reports = 0;
  for (const period of seeded) reports += await seedPeriod(rt.store, roster.schools, period, {}, 2000, kindOf(rt.config, period.task));
  const afterSeed = await usedMemory();
  const safetyDays = seeded.filter((p) => p.task === "safety");
  const weeks = seeded.filter((p) => p.task !== "safety");
  console.log(
    `${schools} schools; seeded ${reports} reports through the store: ${safetyDays.length} days of 平安日报 (${safetyDays[0]?.id} … ${safetyDays.at(-1)?.id}) ` +
      `and ${weeks.length} weekly periods (${weeks.map((p) => `${p.task} ${p.id}`).join(", ")})`,
  );

  // One day through HTTP: every school says 平安 (replies kept 3 days for WeCom's retries).
  const sim = createWecomSimulator({ baseUrl: service.url!, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY, botName: rt.config.bot.name });
  const httpBefore = await usedMemory();
  let ok = 0;
  let refused = "";
  for (let i = 0; i < roster.schools.length; i += 50) {
    const replies = await Promise.all(roster.schools.slice(i, i + 50).map((school) => sim.say({ from: school.reporters[0]!, text: "平安" })));
    ok += replies.filter((r) => r.markdown?.includes("已登记")).length;
    refused ||= replies.map((r) => (r.markdown?.includes("已登记") ? "" : `${r.status} ${r.markdown ?? r.raw}`)).find(Boolean) ?? "";
  }
  const httpAfter = await usedMemory();
  // A loaded machine may answer a few 稍后再试: counted and shown, the figures are of those recorded.
  if (ok !== schools) console.log(`only ${ok} of ${schools} check-ins were recorded; the first other answer: ${refused.slice(0, 200)}`);
  if (ok === 0) throw new Error("no check-in was recorded");

  // MEMORY USAGE of each kind of key, for one day (the last seeded) and one school.
  const day = safetyDays.at(-1)!;
  const week = weeks.at(-1);
  // A check-in's reply is kept with it, in its period's hash of replies by msgid.
  const replies = keys.periodReplies("safety", HTTP_DAY);
  const sampled = await redis.hlen(replies);
  const replyBytes = await usage(replies);
  // What a period keeps for the whole retention (history) and what only lives 3 days (repeats).
  const KEPT = ["state", "log", "counts", "reported", "listed", "abnormal", "on-behalf", "abnormal-at", "resolved"] as const;
  const keyOf = (name: (typeof KEPT)[number], task: TaskId, id: string) =>
    ({
      state: keys.periodState,
      log: keys.periodLog,
      counts: keys.periodCounts,
      reported: keys.periodReported,
      listed: keys.periodListed,
      abnormal: keys.periodAbnormal,
      "on-behalf": keys.periodOnBehalf,
      "abnormal-at": keys.periodAbnormalAt,
      resolved: keys.periodResolved,
    })[name](task, id);
  const kept = async (task: TaskId, id: string) => (await Promise.all(KEPT.map((name) => usage(keyOf(name, task, id))))).reduce((a, b) => a + b, 0);
  const perKey: [string, number, string][] = [
    ["平安日报 day: state (log ids by school)", await usage(keys.periodState("safety", day.id)), "per day"],
    ["平安日报 day: audit log (stream)", await usage(keys.periodLog("safety", day.id)), "per day"],
    ["平安日报 day: counts, reported bitmap, abnormal and 代报 in force", (await kept("safety", day.id)) - (await usage(keys.periodState("safety", day.id))) - (await usage(keys.periodLog("safety", day.id))) - (await usage(keys.periodAbnormal("safety", day.id))), "per day"],
    ["平安日报 day: abnormal reports (hash)", await usage(keys.periodAbnormal("safety", day.id)), "per day"],
    ...(week ? ([[`${week.taskName} week: everything kept`, await kept(week.task, week.id), "per week"]] as [string, number, string][]) : []),
    ["平安日报 day: msgid set (3 days)", await usage(keys.periodMsgids("safety", day.id)), "per day, 3 days"],
    [`a callback reply (mean of ${sampled})`, sampled > 0 ? replyBytes / sampled : 0, "per check-in, 3 days"],
  ];

  const seededPerSchoolDay = (afterSeed - before) / (schools * days);
  const httpPerSchool = (httpAfter - httpBefore) / schools;
  console.log("\n## Redis memory (INFO used_memory deltas)");
  printTable(
    ["figure", "bytes", "per school per day"],
    [
      [`${days} days seeded through the store (msgid sets included)`, String(afterSeed - before), fmt(seededPerSchoolDay, 0)],
      ["one day through HTTP (with callback replies)", String(httpAfter - httpBefore), fmt(httpPerSchool, 0)],
    ],
  );
  console.log("\n## MEMORY USAGE by kind of key");
  printTable(
    ["key", "bytes", "counted", "per school"],
    perKey.map(([name, bytes, unit]) => [name, fmt(bytes, 0), unit, unit.startsWith("per day") || unit.startsWith("per week") ? fmt(bytes / schools, 0) : "-"]),
  );

  // Disk: the AOF after a rewrite is the steady footprint of what is kept.
  const aofGrown = await aofBytes();
  await redis.bgrewriteaof();
  for (let i = 0; i < 600 && /aof_rewrite_in_progress:1/.test(await redis.info("persistence")); i += 1) await new Promise((wake) => setTimeout(wake, 50));
  await new Promise((wake) => setTimeout(wake, 200));
  const aofRewritten = await aofBytes();
  console.log(
    `\nAOF on disk: ${fmt(aofGrown / 1048576, 1)} MiB as written, ${fmt(aofRewritten / 1048576, 1)} MiB after a rewrite ` +
      `(${fmt(aofRewritten / (schools * (days + 1)), 0)} bytes per school per day)`,
  );

  // Steady state: periods are kept the retention (limits.history_days, 400 by default); msgid sets and replies 3 days.
  const keptDays = rt.config.limits.history_days;
  const perSchoolDay = (await kept("safety", day.id)) / schools + (week ? (await kept(week.task, week.id)) / schools / 7 : 0);
  const repeats = perKey.find(([name]) => name.startsWith("平安日报 day: msgid"))![1] / schools + perKey.at(-1)![1];
  console.log(`\n## Projection (used_memory, MiB) with ${keptDays} days of history kept, msgid sets and replies 3 days`);
  printTable(
    ["schools", `history (${keptDays} days)`, "repeats (3 days)", "total"],
    [schools, 20000, 100000].map((n) => [
      String(n),
      fmt((n * perSchoolDay * keptDays) / 1048576, 0),
      fmt((n * repeats * 3) / 1048576, 0),
      fmt((n * (perSchoolDay * keptDays + repeats * 3)) / 1048576, 0),
    ]),
  );
  console.log(`\nmemory: bytes_per_school_day=${fmt(perSchoolDay, 0)} (target ≤ 400: ${verdict(perSchoolDay, { atMost: 400 })}; history kept for the retention, audit log complete)`);
  // Each kind alone: what one of its periods keeps (its last seeded), per school and per day of the period.
  for (const task of periods.tasks) {
    const last = seeded.filter((p) => p.task === task).at(-1);
    if (!last) continue;
    const perSchool = (await kept(task, last.id)) / schools;
    const perDay = perSchool / (last.kind === "week" ? 7 : 1);
    console.log(`memory-kind: task=${task} period=${last.id} bytes_per_school_period=${fmt(perSchool, 0)} bytes_per_school_day=${fmt(perDay, 0)} (target ≤ 400: ${verdict(perDay, { atMost: 400 })})`);
    // Where it goes: each kept key's bytes per school and its encoding (a hash past the listpack limits costs ~3×).
    const parts = await Promise.all(
      KEPT.map(async (name) => {
        const key = keyOf(name, task, last.id);
        return `${name}=${fmt((await usage(key)) / schools, 0)}${(await redis.exists(key)) ? `(${String(await redis.call("OBJECT", "ENCODING", key))})` : ""}`;
      }),
    );
    console.log(`memory-key: task=${task} ${parts.join(" ")}`);
  }
} finally {
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
}

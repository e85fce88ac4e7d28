import { afterAll, beforeAll, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { createRoster, type School } from "../../../src/config/roster.js";
import { INCIDENTS_SHOWN, loadBoard } from "../../../src/features/board/load-board.js";
import { createKeys } from "../../../src/store/keys.js";
import { createExemptionStore } from "../../../src/store/exemptions.js";
import { createReportStore } from "../../../src/store/reports.js";
import { loadSchoolPlaces } from "../../../src/store/school-numbers.js";
import { startTestRedis, type TestRedis } from "../../support/redis.js";
import { abnormal, loadExample, makeReport, normal } from "../leaders/fixtures.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/** The commands Redis was sent while `run` ran (MONITOR; not those scripts ran), up to an ECHO sent after it. */
async function commandsOf(client: Redis, run: () => Promise<unknown>): Promise<string[][]> {
  const monitor = await client.monitor();
  const marker = `done-${process.pid}-${Date.now()}`;
  const commands: string[][] = [];
  const seen = new Promise<void>((done) =>
    monitor.on("monitor", (_time: string, args: string[], source: string) => {
      if (args[0]?.toLowerCase() === "echo" && args[1] === marker) done();
      else if (source !== "lua") commands.push(args);
    }),
  );
  await run();
  await client.echo(marker);
  await seen;
  monitor.disconnect();
  return commands;
}

it("reads the histories of every incident it shows in one read: a command per period and per event, however many schools", async () => {
  const { config, periods } = await loadExample();
  // 24 schools abnormal on Tuesday, the first 4 also reported on Monday, the last 4 corrected to 无异常.
  const schools = Array.from({ length: 24 }, (_, i): School => ({ code: `S${String(i).padStart(2, "0")}`, name: `第${i + 1}小学`, shortName: "", area: "甲片区", stage: "小学", reporters: [`r${i}`], pupils: 100, staff: 10, line: i + 2 }) as School);
  const roster = createRoster(schools);
  const client = redis.client();
  const keys = createKeys("histories");
  const store = createReportStore({ redis: client, keys, places: await loadSchoolPlaces(client, keys, roster.schools) });
  const monday = periods.at("safety", new Date("2026-11-23T09:00:00+08:00"))!;
  const tuesday = periods.at("safety", new Date("2026-11-24T09:00:00+08:00"))!;
  for (const [i, school] of schools.entries()) {
    if (i < 4) await store.put(makeReport(monday, school.code, normal));
    await store.put(makeReport(tuesday, school.code, abnormal("门口积水")));
    if (i >= 20) await store.put(makeReport(tuesday, school.code, normal, { msgid: `fix-${school.code}`, at: "2026-11-24T02:00:00.000Z" }));
  }
  const now = new Date("2026-11-24T10:35:00+08:00");
  let board: Awaited<ReturnType<typeof loadBoard>> | undefined;
  const commands = await commandsOf(client, async () => {
    board = await loadBoard({ roster, store, exemptions: createExemptionStore({ redis: client, keys }), calendar: periods, timeZone: config.timezone, now });
  });
  expect(board!.abnormal).toHaveLength(INCIDENTS_SHOWN);
  expect(board!.resolved).toHaveLength(4);
  expect(board!.abnormal[0]!.history.map((e) => e.period)).toEqual([tuesday.id, monday.id]);
  expect(board!.resolved[0]!.history.map((e) => e.type)).toEqual(["replace", "report"]);

  const states = new Set([monday, tuesday].map((p) => keys.periodState(p.task, p.id)));
  const logs = new Set([monday, tuesday].map((p) => keys.periodLog(p.task, p.id)));
  const stateReads = commands.filter(([name, key]) => ["hget", "hmget"].includes(name!.toLowerCase()) && states.has(key!));
  const logReads = commands.filter(([name, key]) => name!.toLowerCase() === "xrange" && logs.has(key!));
  // 24 schools' histories: one state read per period; one entry read per event (24 + 4 on Monday + 4 corrections).
  expect(stateReads.map(([name]) => name!.toLowerCase())).toEqual(["hmget", "hmget"]);
  expect(logReads).toHaveLength(32);
});

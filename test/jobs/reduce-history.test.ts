import { afterAll, beforeAll, expect, it } from "vitest";
import pino from "pino";
import { runReduceHistory } from "../../jobs/reduce-history.js";
import { loadTally } from "../../src/tally/load-tally.js";
import { createKeys } from "../../src/store/keys.js";
import { abnormal, makeExemption, makeReport, normal, startLeaderDeps } from "../features/leaders/fixtures.js";

let ctx: Awaited<ReturnType<typeof startLeaderDeps>>;
beforeAll(async () => {
  ctx = await startLeaderDeps();
});
afterAll(() => ctx.redis.stop());

it("reduces a period past the retention to each school's final report, kept for good, and leaves recent ones whole", async () => {
  const { deps, client, periods, roster, tuesday } = ctx;
  const keys = createKeys();
  const [a, b, c, d] = roster.schools.map((s) => s.code);
  await deps.store.put(makeReport(tuesday, a!, abnormal("摔伤"), { msgid: "a1" }));
  await deps.store.put(makeReport(tuesday, a!, normal, { msgid: "a2", at: new Date(tuesday.deadline.getTime() - 60_000).toISOString() }));
  await deps.store.put(makeReport(tuesday, b!, normal, { msgid: "b1", late: true }));
  await deps.store.put(makeReport(tuesday, c!, normal, { msgid: "c1" }));
  await deps.store.withdraw({ task: "safety", period: tuesday.id, school: c!, by: "x", at: new Date().toISOString(), msgid: "c2", raw: "撤销" });
  await deps.exemptions.exempt({ school: d!, task: "safety", start: tuesday.start, end: tuesday.end, periods: [tuesday.id], by: "liu_xin", at: new Date().toISOString(), msgid: "e1", raw: "免报", reason: makeExemption(tuesday, d!, "停水").reason! });
  const before = { reports: await deps.store.list("safety", tuesday.id), tally: await loadTally(deps, [tuesday]) };
  const jobDeps = { ...deps, calendar: periods, log: pino({ level: "silent" }) };

  // The day before the retention's edge: nothing is due yet.
  const day = 24 * 3600_000;
  const edge = new Date(tuesday.deadline.getTime() + 400 * day);
  await runReduceHistory(jobDeps, edge);
  expect(await client.xlen(keys.periodLog("safety", tuesday.id))).toBe(5);

  for (const run of [1, 2]) {
    await runReduceHistory(jobDeps, new Date(edge.getTime() + run * day));
    expect(await deps.store.list("safety", tuesday.id)).toEqual(before.reports);
    expect(await loadTally(deps, [tuesday])).toEqual(before.tally);
    expect(await client.exists(keys.periodLog("safety", tuesday.id), keys.periodMsgids("safety", tuesday.id))).toBe(0);
    for (const key of [keys.periodState("safety", tuesday.id), keys.periodCounts("safety", tuesday.id), keys.exemptions("safety", tuesday.id)]) {
      expect(await client.ttl(key)).toBe(-1);
    }
  }
  expect([...before.reports.keys()].sort()).toEqual([a, b].sort());
  expect(await deps.store.get("safety", tuesday.id, a!)).toMatchObject({ msgid: "a2" });
  // A later day, inside the retention, keeps its whole audit log.
  const wednesday = periods.at("safety", new Date(tuesday.deadline.getTime() + day))!;
  await deps.store.put(makeReport(wednesday, a!, normal, { msgid: "w1" }));
  await runReduceHistory(jobDeps, new Date(edge.getTime() + day));
  expect(await client.xlen(keys.periodLog("safety", wednesday.id))).toBe(1);
  await runReduceHistory(jobDeps, new Date(edge.getTime() + 2 * day));
  expect(await deps.store.get("safety", wednesday.id, a!)).toMatchObject({ msgid: "w1" });
  expect(await client.exists(keys.periodLog("safety", wednesday.id))).toBe(0);
});

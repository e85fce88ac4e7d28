import { pino } from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { recountAfterRosterChange, recountStalePeriods } from "../../src/ops/recount-after-roster-change.js";
import { makeReport, normal } from "../features/leaders/fixtures.js";
import { rosterFingerprint } from "../../src/store/school-numbers.js";
import { createKeys } from "../../src/store/keys.js";
import { createReportStore } from "../../src/store/reports.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";

const DAY = "2026-11-24";
const log = pino({ level: "silent" });
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: `${DAY}T08:30:00+08:00` });
});
afterAll(() => h.close());

/** The counts 汇总 reads for the day's safety reports, as the given roster places schools. */
async function reportedByArea(places: Awaited<ReturnType<typeof loadSchoolPlaces>>) {
  const [counts] = await createReportStore({ redis: h.client, keys: createKeys(), places }).counts([{ task: "safety", period: DAY }]);
  return Object.fromEntries([...counts!.byArea].map(([area, counts]) => [area, counts.reported]));
}

it("recounts the counts by area once the roster moves a school to another area, and only once", async () => {
  const keys = createKeys();
  // At start the service recounted (nothing to count) and noted the roster it counts under.
  await waitFor("the start-up recount", async () => (await h.client.get(keys.rosterFingerprint())) === rosterFingerprint(h.roster.schools));
  await h.say("zhang_wei", "平安");
  await h.say("hu_bin", "平安");
  const before = await loadSchoolPlaces(h.client, keys, h.roster.schools);
  expect(await reportedByArea(before)).toEqual({ 城关片区: 1, 东部片区: 1 });

  // The admin moves 城关一小 (CG001) to 东部片区 in the CSV and restarts.
  const moved = h.roster.schools.map((school) => (school.code === "CG001" ? { ...school, area: "东部片区" } : school));
  const places = await loadSchoolPlaces(h.client, keys, moved);
  const deps = { redis: h.client, keys, places, reports: createReportStore({ redis: h.client, keys, places }), calendar: h.jobDeps.calendar, schools: moved, today: DAY, log };
  const first = await recountAfterRosterChange(deps);
  expect(first).toMatchObject({ reports: 2, reduced: 0 });
  expect(await reportedByArea(places)).toEqual({ 东部片区: 2 });
  // The same roster again: nothing to do.
  expect(await recountAfterRosterChange(deps)).toBeUndefined();
});

it("leaves the counts alone when a process under the old roster records, and the workers recount that period", async () => {
  const keys = createKeys();
  const moved = h.roster.schools.map((school) => (school.code === "CG001" ? { ...school, area: "东部片区" } : school));
  const places = await loadSchoolPlaces(h.client, keys, moved);
  const deps = { redis: h.client, keys, places, reports: createReportStore({ redis: h.client, keys, places }), calendar: h.jobDeps.calendar, schools: moved, today: DAY, log };
  await recountAfterRosterChange(deps);
  expect(await h.client.get(keys.periodCountedUnder("safety", DAY))).toBe(places.version);
  const counted = await reportedByArea(places);

  // A web process not restarted yet, still under the roster where CG001 is in 城关片区: its report is recorded, not counted.
  const old = await loadSchoolPlaces(h.client, keys, h.roster.schools);
  const day = h.jobDeps.calendar.byId("safety", DAY)!;
  await createReportStore({ redis: h.client, keys, places: old }).put(makeReport(day, "CG002", normal, { msgid: "old-roster" }));
  expect(await reportedByArea(places)).toEqual(counted);
  expect(await h.client.get(keys.periodCountedUnder("safety", DAY))).toBe("stale");
  expect((await h.store.get("safety", DAY, "CG002"))?.msgid).toBe("old-roster");

  expect(await recountStalePeriods(deps)).toBe(1);
  expect(await reportedByArea(places)).toEqual({ ...counted, 城关片区: (counted["城关片区"] ?? 0) + 1 });
  expect(await h.client.get(keys.periodCountedUnder("safety", DAY))).toBe(places.version);
  expect(await recountStalePeriods(deps)).toBe(0);
});

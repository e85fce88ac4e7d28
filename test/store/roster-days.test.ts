import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { readRosterDays, recordLiveSince, SINCE_EVER, withJoinedDays } from "../../src/store/roster-days.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { loadExample } from "../features/leaders/fixtures.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

it("keeps the first day once and the day each later school joined; the first roster joined on the first day", async () => {
  const { roster } = await loadExample();
  const client = redis.client();
  const keys = createKeys("days-fresh");
  const [first, ...rest] = roster.schools;
  expect(await recordLiveSince(client, keys, "2026-11-25")).toBe("2026-11-25");
  await loadSchoolPlaces(client, keys, rest, "2026-11-25");
  // Restarts: the first day stays; a school new to the roster joins the day it first appears, once.
  expect(await recordLiveSince(client, keys, "2026-11-26")).toBe("2026-11-25");
  await loadSchoolPlaces(client, keys, roster.schools, "2026-11-26");
  await loadSchoolPlaces(client, keys, roster.schools, "2026-11-30");
  const days = await readRosterDays(client, keys);
  expect(days).toEqual({ liveSince: "2026-11-25", joined: new Map([[first!.code, "2026-11-26"]]) });
  expect(withJoinedDays(roster, days).schools.filter((s) => s.joined)).toEqual([{ ...first, joined: "2026-11-26" }]);
});

it("takes a service that counted reports before the days were kept as live since ever, its schools with it", async () => {
  const { roster } = await loadExample();
  const client = redis.client();
  const keys = createKeys("days-upgrade");
  const [first, ...rest] = roster.schools;
  // The earlier version: schools numbered, counts kept under a roster; no first day.
  await loadSchoolPlaces(client, keys, rest);
  await client.set(keys.rosterFingerprint(), "earlier");
  expect(await recordLiveSince(client, keys, "2026-11-25")).toBe(SINCE_EVER);
  await loadSchoolPlaces(client, keys, roster.schools, "2026-11-25");
  expect(await readRosterDays(client, keys)).toEqual({ liveSince: SINCE_EVER, joined: new Map([[first!.code, "2026-11-25"]]) });
});

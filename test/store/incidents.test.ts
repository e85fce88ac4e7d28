import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { createIncidentStore, type IncidentStore } from "../../src/store/incidents.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

const keys = createKeys();
let redis: TestRedis;
let incidents: IncidentStore;
beforeAll(async () => {
  redis = await startTestRedis();
  incidents = createIncidentStore({ redis: redis.client(), keys });
});
afterAll(() => redis.stop());

/** An abnormal report of CG001 (or `school`) on `period`, opening its incident with the retention's edge at `keepFrom`. */
const open = (period: string, keepFrom: string, school = "CG001") => {
  const at = `${period}T09:00:00.000Z`;
  return incidents.sync(
    { school, task: "safety", period },
    { msgid: `m-${school}-${period}`, description: "围墙裂缝", by: "zhang_wei", at, urgent: false },
    { at: new Date(at), by: "zhang_wei", msgid: `m-${school}-${period}`, noted: "withdrawn", keepFrom: new Date(keepFrom) },
  );
};

/**
 * The lists that find incidents (by report, by school, open) lose a school's incidents opened
 * before the retention's edge when it opens a new one: none grows for good. Another school's
 * stay until it opens one itself.
 */
it("trims a school's incidents past the retention from the by-report, per-school and open lists as it opens a new one", async () => {
  expect(await open("2025-01-06", "2024-01-01")).toEqual({ number: 1, action: "opened" });
  expect(await open("2025-01-06", "2024-01-01", "CG002")).toEqual({ number: 2, action: "opened" });
  expect(await open("2025-03-03", "2024-01-01")).toEqual({ number: 3, action: "opened" });
  const ref = (period: string, school = "CG001") => ({ school, task: "safety" as const, period });
  expect(await incidents.numberOf(ref("2025-01-06"))).toBe(1);

  // A year later, with a retention that ends between the first two of CG001.
  expect(await open("2026-02-02", "2025-02-01")).toEqual({ number: 4, action: "opened" });
  expect(await incidents.numberOf(ref("2025-01-06"))).toBeUndefined();
  expect(await incidents.numberOf(ref("2025-03-03"))).toBe(3);
  expect((await incidents.ofSchool("CG001", new Date(0))).map((i) => i.number)).toEqual([4, 3]);
  expect((await incidents.listOpen()).map((i) => i.number)).toEqual([2, 3, 4]);
  expect(await redis.client().zrange(keys.incidentsOfSchool("CG001"), "0", "-1")).toEqual(["3", "4"]);
  // CG002 opened nothing since: its lists are as they were.
  expect(await incidents.numberOf(ref("2025-01-06", "CG002"))).toBe(2);
  // The incident itself is kept as long as the reports (its key's TTL); the numbers go on.
  expect((await incidents.read(1))?.number).toBe(1);
  expect(await incidents.lastNumber()).toBe(4);
});

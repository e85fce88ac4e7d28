import { afterAll, beforeAll, expect, it } from "vitest";
import { createExemptionStore } from "../../src/store/exemptions.js";
import { exampleReportStore, makeReport, normal } from "../features/leaders/fixtures.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

it("answers which schools reported or are exempt, for the whole roster or a part, from the bitmap and the exemptions alone", async () => {
  const client = redis.client();
  const { roster, keys, store, day } = await exampleReportStore(client);
  const schools = roster.schools;
  expect(await store.reportedOrExempt("safety", day.id, schools)).toEqual(schools.map(() => false));

  const reported = [0, 9, schools.length - 1];
  for (const i of reported) await store.put(makeReport(day, schools[i]!.code, normal));
  // A withdrawn report no longer counts.
  await store.put(makeReport(day, schools[5]!.code, normal, { msgid: "m5" }));
  await store.withdraw({ task: "safety", period: day.id, school: schools[5]!.code, by: "x", at: new Date().toISOString(), msgid: "w5", raw: "撤销" });
  await createExemptionStore({ redis: client, keys }).exempt({
    school: schools[3]!.code, task: "safety", start: day.id, end: day.id, periods: [day.id], by: "x", at: new Date().toISOString(), msgid: "e3", raw: "免报",
  });
  const settled = new Set([...reported, 3]);
  expect(await store.reportedOrExempt("safety", day.id, schools)).toEqual(schools.map((_, i) => settled.has(i)));
  // A part of the roster reads only its bytes of the bitmap.
  const part = schools.slice(8, 12);
  expect(await store.reportedOrExempt("safety", day.id, part)).toEqual(part.map((_, i) => settled.has(i + 8)));
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { recountAggregate } from "../../src/store/recount-aggregate.js";
import { recountPeriodInPlace } from "../../src/store/recount-period.js";
import { createReportStore } from "../../src/store/reports.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { abnormal, loadExample, makeReport, normal } from "../features/leaders/fixtures.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

it("recounts a period under a new roster while check-ins come, losing none and counting none twice", async () => {
  const { roster, periods } = await loadExample();
  const client = redis.client();
  const keys = createKeys();
  const day = periods.at("safety", new Date("2026-11-24T09:00:00+08:00"))!;
  const old = await loadSchoolPlaces(client, keys, roster.schools);
  const before = createReportStore({ redis: client, keys, places: old });
  const [first, second] = [roster.schools.slice(0, 14), roster.schools.slice(14)];
  for (const [i, school] of first.entries()) await before.put(makeReport(day, school.code, i === 0 ? abnormal("摔伤") : normal, { onBehalf: i === 2 }));

  // The new roster moves CG001 to 东部片区 and no longer has the last school of the first half.
  const removed = first[first.length - 1]!;
  const schools = roster.schools.filter((s) => s !== removed).map((s) => (s.code === "CG001" ? { ...s, area: "东部片区" } : s));
  const places = await loadSchoolPlaces(client, keys, schools);
  const store = createReportStore({ redis: client, keys, places });
  // Check-ins of the second half and corrections of the first, interleaved with recount after recount.
  const checkIns = [
    ...second.map((school, i) => () => store.put(makeReport(day, school.code, i % 5 === 0 ? abnormal("停电") : normal, { msgid: `late-${school.code}` }))),
    ...first.slice(0, 6).map((school) => () => store.put(makeReport(day, school.code, abnormal("更正"), { msgid: `fix-${school.code}` }))),
  ];
  const recounts = Array.from({ length: 12 }, () => () => recountPeriodInPlace({ redis: client, keys, places }, schools, "safety", day.id));
  const answers = await Promise.all(checkIns.map((put, i) => put().then(() => recounts[i % recounts.length]!())));
  expect(answers.every((answer) => typeof answer === "number")).toBe(true);

  const check = await recountAggregate({ redis: client, keys, places, reports: store }, "safety", day.id);
  expect(check.differences).toEqual([]);
  const [counts] = await store.counts([{ task: "safety", period: day.id }]);
  const aggregate = await store.aggregate(counts!);
  expect([...aggregate.byArea.values()].reduce((sum, counts) => sum + counts.reported, 0)).toBe(roster.schools.length - 1);
  expect(aggregate.byArea.get("东部片区")!.reported).toBe(schools.filter((s) => s.area === "东部片区").length);
  expect(aggregate.abnormal.map((report) => report.school)).not.toContain(removed.code);
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { recountAggregate } from "../../src/store/recount-aggregate.js";
import { countedEntries, countReport } from "../../src/store/report.js";
import { periodKeys, recordReport } from "../../src/store/report-scripts.js";
import { createReportStore } from "../../src/store/reports.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { runTogether } from "../../src/store/scripts.js";
import type { TaskPeriod } from "../../src/time/task-calendar.js";
import { loadExample, makeReport } from "../features/leaders/fixtures.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/** The example's first school and a store under its own prefix, with Tuesday 2026-11-24's period of `task`. */
async function storeOfExample(prefix: string, task: TaskPeriod["task"], taskName: string) {
  const example = await loadExample();
  const client = redis.client();
  const keys = createKeys(prefix);
  const places = await loadSchoolPlaces(client, keys, example.roster.schools);
  const store = createReportStore({ redis: client, keys, places });
  const safety = example.periods.at("safety", new Date("2026-11-24T09:00:00+08:00"))!;
  const period: TaskPeriod = { ...safety, task, taskName };
  return { client, keys, school: example.roster.schools[0]!, places, store, period };
}

/** An entry written by the record script as an earlier release called it (first report "m1" of the day). */
async function recordAsBefore(
  { client, keys, places, period, school }: Pick<Awaited<ReturnType<typeof storeOfExample>>, "client" | "keys" | "places" | "period"> & { school: string },
  entry: { report: string; counted: string; at: number },
) {
  const place = places.of(school)!;
  await runTogether(client, [
    recordReport.call(periodKeys(keys, period.task, period.id), {
      school,
      msgid: "m1",
      ...entry,
      ttl: 3600,
      replyTtl: 60,
      msgidTtl: 60,
      number: place.number,
      area: place.area,
      roster: places.version,
      onBehalf: false,
      remarked: false,
      pushes: [],
    }),
  ]);
}

/**
 * A 晨午检 report logged as the store wrote it before its sums were left to its event (each sum
 * in the entry's counts, the value marked "fields"): a correction recorded by today's code undoes
 * exactly what it counted, and the period's counts are what a recount of the reports in force writes.
 */
it("undoes a report logged with its sums in its counts, as before, exactly", async () => {
  const { client, keys, school, places, store, period } = await storeOfExample("upgrade", "checkup", "晨午检");
  const before = makeReport(period, school.code, { task: "fields", expected: 60, present: 55, sick: 5, symptoms: { 发热: 3, 咳嗽: 0 } }, { msgid: "m1" });
  const place = places.of(school.code)!;
  const { school: _s, task: _t, period: _p, late: _l, ...rest } = before;
  await recordAsBefore({ client, keys, places, period, school: school.code }, { report: JSON.stringify(rest), counted: countedEntries(countReport(before)).flat().join("\t"), at: Date.parse(before.at) });
  const counts = () => client.hgetall(keys.periodCounts(period.task, period.id));
  expect(await counts()).toMatchObject({ [`f.present:${place.area}`]: "55", [`f.symptoms.发热:${place.area}`]: "3" });
  const reading = { redis: client, keys, places, reports: store };
  expect((await recountAggregate(reading, period.task, period.id)).differences).toEqual([]);
  // Corrected by today's code: the old entry's sums come off, the new report's go on.
  await store.put(makeReport(period, school.code, { task: "fields", expected: 60, present: 58, symptoms: { 咳嗽: 2 } }, { msgid: "m2", at: "2026-11-24T01:00:00Z" }));
  expect(await counts()).toMatchObject({ [`f.present:${place.area}`]: "58", [`f.symptoms.发热:${place.area}`]: "0", [`f.symptoms.咳嗽:${place.area}`]: "2", [`f.sick:${place.area}`]: "0" });
  expect((await recountAggregate(reading, period.task, period.id)).differences).toEqual([]);
  expect((await store.current(period.task, period.id, [school.code])).get(school.code)?.value).toEqual({ task: "fields", expected: 60, present: 58, symptoms: { 咳嗽: 2 } });
});

/**
 * A 假期值班 report logged as the store wrote it before texts were kept as spans of the message
 * and instants as epoch ms: it reads as it was, 历史 shows it beside a correction written today,
 * and the correction (kept the new way) reads back as it was recorded.
 */
it("reads a report logged with its texts whole and its instant as ISO text, beside one written today", async () => {
  const { client, keys, school, places, store, period } = await storeOfExample("texts", "duty", "假期值班");
  const raw = "值班 带班领导 王校长 值班人员 李老师、张老师 平安";
  const written = { value: { leader: "王校长", staff: "李老师、张老师", status: "normal" }, by: "zhang_wei", at: "2026-11-24T00:40:00.000Z", msgid: "m1", raw };
  await recordAsBefore({ client, keys, places, period, school: school.code }, { report: JSON.stringify(written), counted: "reported\t1", at: Date.parse(written.at) });
  const old = { school: school.code, task: period.task, period: period.id, value: { task: "fields", ...written.value }, by: written.by, at: written.at, late: false, msgid: "m1", raw };
  expect((await store.current(period.task, period.id, [school.code])).get(school.code)).toEqual(old);
  const corrected = { ...old, value: { task: "fields" as const, leader: "王校长", staff: "赵老师", status: "normal" }, msgid: "m2", at: "2026-11-24T01:00:00.000Z", raw: "值班 带班领导 王校长 值班人员 赵老师 平安" };
  await store.put(corrected);
  expect((await store.current(period.task, period.id, [school.code])).get(school.code)).toEqual(corrected);
  const history = await store.history(school.code, [{ task: period.task, period: period.id }]);
  expect(history.map((event) => [event.type, event.at, event.report?.value])).toEqual([
    ["replace", corrected.at, corrected.value],
    ["report", old.at, old.value],
  ]);
  expect((await recountAggregate({ redis: client, keys, places, reports: store }, period.task, period.id)).differences).toEqual([]);
});

import { afterAll, beforeAll, expect, it } from "vitest";
import { createExemptionStore } from "../../src/store/exemptions.js";
import { createKeys } from "../../src/store/keys.js";
import { recountAggregate } from "../../src/store/recount-aggregate.js";
import type { Report } from "../../src/store/report.js";
import { createReportStore } from "../../src/store/reports.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { loadExample } from "../features/leaders/fixtures.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/**
 * Whatever got stored, however it got there (a version before the edge cleaned text, a restore,
 * a bug): text no well-formed input has, and text that looks like the stored JSON itself.
 */
const HOSTILE: [string, string][] = [
  ["a lone high surrogate", "摔伤\ud83d"],
  ["a lone low surrogate", "\ude00摔伤"],
  ["surrogates in the wrong order", "\ude00\ud83d"],
  ["NUL and control characters", "a\u0000b\u0007c\u001b[31m"],
  ["right-to-left marks", "\u202e\u200f校门\u202c"],
  ["4-byte emoji and a joiner", "😀👨‍👩‍👧🏫"],
  ["the stored JSON's own syntax", '","msgid":"m-hostile-0","raw":"\\"}'],
  ["very long text", "长".repeat(20_000)],
];

it.each(HOSTILE)("records a school's next 平安, 异常, 撤销, 代报 and 免报 after %s in every field it stored", async (_label, text) => {
  const { roster, periods } = await loadExample();
  const client = redis.client();
  const keys = createKeys(`hostile-${HOSTILE.findIndex(([, t]) => t === text)}`);
  const places = await loadSchoolPlaces(client, keys, roster.schools);
  const store = createReportStore({ redis: client, keys, places });
  const exemptions = createExemptionStore({ redis: client, keys });
  const day = periods.at("safety", new Date("2026-11-24T09:00:00+08:00"))!;
  const week = periods.at("study", new Date("2026-11-24T09:00:00+08:00"))!;
  const at = (minute: number) => `2026-11-24T01:${String(minute).padStart(2, "0")}:00.000Z`;
  const push = { idempotencyKey: `alert:${text}`, group: "leaders", message: { msgtype: "markdown" as const, header: text, lines: [{ text }] } };
  const hostile: Report = {
    school: "CG001",
    task: "safety",
    period: day.id,
    value: { task: "safety", status: "abnormal", description: text },
    by: text,
    at: at(0),
    late: false,
    msgid: `m-${text}`,
    raw: text,
    onBehalf: true,
  };
  expect((await store.put(hostile, { expected: null, reply: text, pushes: [push] })).outcome).toBe("report");
  const study: Report = { ...hostile, task: "study", period: week.id, value: { task: "study", attended: 50, expected: 52, topic: text } };
  expect((await store.put(study, { expected: null, reply: text })).outcome).toBe("report");
  await exemptions.exempt({ school: "CG002", task: "safety", start: day.start, end: day.end, periods: [day.id], reason: text, by: text, at: at(1), msgid: `x-${text}`, raw: text });

  // What a message answered against the report in force sends next: each is recorded.
  const read = (await store.get("safety", day.id, "CG001"))!;
  expect(read).toEqual(hostile);
  const next = (msgid: string, value: Report["value"], minute: number, extra: Partial<Report> = {}): Report => ({ ...hostile, value, by: "zhang_wei", at: at(minute), msgid, raw: msgid, onBehalf: false, ...extra });
  const corrected = next("m-abnormal", { task: "safety", status: "abnormal", description: "一名学生摔伤，已送医" }, 2);
  expect((await store.put(corrected, { expected: read })).outcome).toBe("replace");
  expect((await store.put(next("m-normal", { task: "safety", status: "normal" }, 3), { expected: corrected })).outcome).toBe("replace");
  const withdrawn = await store.withdraw({ task: "safety", period: day.id, school: "CG001", by: text, at: at(4), msgid: `w-${text}`, raw: text }, { expected: (await store.get("safety", day.id, "CG001"))! });
  expect(withdrawn.outcome).toBe("withdraw");
  const onBehalf = next("m-on-behalf", { task: "safety", status: "normal" }, 5, { by: "wang_zhiyuan", onBehalf: true });
  expect((await store.put(onBehalf, { expected: null })).outcome).toBe("report");
  expect((await store.put(next("m-study", { task: "study", attended: 51, expected: 52 }, 6, { task: "study", period: week.id }), { expected: study })).outcome).toBe("replace");
  expect((await exemptions.exempt({ school: "CG002", task: "safety", start: day.start, end: day.end, periods: [day.id], reason: "停水", by: "liu_xin", at: at(7), msgid: "x-2", raw: "免报" })).outcome).toBe("exempt");
  expect((await exemptions.revoke({ school: "CG002", task: "safety", start: day.start, end: day.end, periods: [day.id], by: "liu_xin", at: at(8), msgid: "x-3", raw: "免报 撤销" })).outcome).toBe("revoke");

  // And everything that reads them still reads them: the log, the history, the counts.
  expect((await store.log("safety", day.id)).map((e) => e.type)).toEqual(["report", "replace", "replace", "withdraw", "report"]);
  expect((await store.history("CG001", [{ task: "safety", period: day.id }])).length).toBe(5);
  expect((await recountAggregate({ redis: client, keys, places, reports: store }, "safety", day.id)).differences).toEqual([]);
});

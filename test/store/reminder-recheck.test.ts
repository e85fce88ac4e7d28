import { afterAll, beforeAll, expect, it } from "vitest";
import { createExemptionStore } from "../../src/store/exemptions.js";
import { createKeys } from "../../src/store/keys.js";
import { createReminderRecheck } from "../../src/store/reminder-recheck.js";
import { formatReminderRecheck } from "../../src/features/reminders/plan-reminders.js";
import { createReportStore } from "../../src/store/reports.js";
import type { Report } from "../../src/store/report.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

const PERIOD = "2026-11-24";

const report = (school: string, msgid: string): Report => ({
  school,
  task: "safety",
  period: PERIOD,
  value: { task: "safety", status: "normal", present: 100 },
  by: "zhang_wei",
  at: "2026-11-24T01:00:00.000Z",
  late: false,
  msgid,
  raw: "平安",
});

it("settles, of the schools a reminder names, those with a report in force or an exemption, in one write", async () => {
  const keys = createKeys("recheck");
  const client = redis.client();
  const store = createReportStore({ redis: client, keys });
  await store.put(report("CG001", "m1"));
  await store.put(report("CG002", "m2"));
  await store.withdraw({ task: "safety", period: PERIOD, school: "CG002", by: "zhang_wei", at: "2026-11-24T01:30:00.000Z", msgid: "m3", raw: "撤销 平安" });
  await createExemptionStore({ redis: client, keys }).exempt({
    school: "CG003",
    task: "safety",
    start: PERIOD,
    end: PERIOD,
    periods: [PERIOD],
    reason: "停水",
    by: "liu_xin",
    at: "2026-11-24T00:30:00.000Z",
    msgid: "e1",
    raw: "免报 CG003 平安 今天 停水",
  });
  const settled = createReminderRecheck({ redis: client, keys });
  expect([...(await settled(formatReminderRecheck("safety", PERIOD), ["CG001", "CG002", "CG003", "CG004"]))]).toEqual(["CG001", "CG003"]);
  expect([...(await settled(formatReminderRecheck("safety", "2026-11-25"), ["CG001", "CG003"]))]).toEqual([]);
  expect([...(await settled({ kind: "other", scope: `safety:${PERIOD}` }, ["CG001"]))]).toEqual([]);
});

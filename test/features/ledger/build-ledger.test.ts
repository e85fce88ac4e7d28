import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load-config.js";
import type { Config, TaskId } from "../../../src/config/schema.js";
import { buildLedger } from "../../../src/features/ledger/build-ledger.js";
import { createKeys } from "../../../src/store/keys.js";
import type { Roster } from "../../../src/config/roster.js";
import { createExemptionStore, type ExemptionStore } from "../../../src/store/exemptions.js";
import { createReportStore, type ReportStore } from "../../../src/store/reports.js";
import type { Report, ReportValue } from "../../../src/store/report.js";
import { createTaskCalendar } from "../../../src/time/task-calendar.js";
import type { TaskCalendar } from "../../../src/time/task-calendar.js";
import { TEST_ENV } from "../../support/test-env.js";
import { startTestRedis, type TestRedis } from "../../support/redis.js";

let redis: TestRedis;
let client: Redis;
let roster: Roster;
let config: Config;
let periods: TaskCalendar;
let store: ReportStore;
let exemptions: ExemptionStore;
let seq = 0;

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  const loaded = await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV });
  roster = loaded.roster;
  config = loaded.config;
  periods = await createTaskCalendar(loaded.config);
  const keys = createKeys("ledger-model");
  store = createReportStore({ redis: client, keys });
  exemptions = createExemptionStore({ redis: client, keys });
});
afterAll(() => redis?.stop());

const put = (school: string, period: string, value: ReportValue, at: string, extra: Partial<Report> = {}) =>
  store.put({
    school,
    task: value.task as TaskId,
    period,
    value,
    by: "someone",
    at: new Date(at).toISOString(),
    late: false,
    msgid: `m${(seq += 1)}`,
    raw: "…",
    ...extra,
  });
const build = (from: string, to: string, now: string) =>
  buildLedger({ roster, people: config, kinds: config, store, exemptions, calendar: periods, from, to, timeZone: "Asia/Shanghai", now: new Date(now) });

describe("buildLedger", () => {
  it("has a row per school and required period, none for days after now, and counts each status", async () => {
    await put("CG001", "2026-12-07", { task: "safety", status: "normal", present: 2000 }, "2026-12-07T09:00:00+08:00", { by: "zhang_wei" });
    await put("CG002", "2026-12-07", { task: "safety", status: "abnormal", description: "停水" }, "2026-12-07T10:05:00+08:00", {
      late: true,
    });
    await put("CG001", "2026-12-08", { task: "safety", status: "normal" }, "2026-12-08T09:00:00+08:00");
    await exemptions.exempt({
      school: "CG003", task: "safety", start: "2026-12-08", end: "2026-12-08", periods: ["2026-12-08"],
      reason: "停电", by: "wang_zhiyuan", at: "2026-12-07T08:00:00Z", msgid: "x1", raw: "免报",
    });
    const ledger = await build("2026-12-07", "2026-12-09", "2026-12-08T12:00:00+08:00");
    expect(ledger.tasks.map((t) => t.task)).toEqual(["safety", "drowning", "study"]);
    const safety = ledger.tasks[0]!;
    expect(safety.taskName).toBe("平安日报");
    expect(safety.periods.map((p) => p.id)).toEqual(["2026-12-07", "2026-12-08"]);
    expect(safety.rows).toHaveLength(2 * 28);
    expect(safety.rows[0]).toMatchObject({
      schoolCode: "CG001", schoolName: "平安县城关第一小学", area: "城关片区", periodId: "2026-12-07", status: "已报",
      reporter: "zhang_wei", reporterName: "张伟", reportedAt: new Date("2026-12-07T01:00:00Z"), late: false, onBehalf: false,
      safetyStatus: "无异常", present: 2000, changes: 0, deadline: new Date("2026-12-07T02:00:00Z"),
    });
    expect(safety.rows[1]).toMatchObject({ schoolCode: "CG002", status: "迟报", late: true, safetyStatus: "异常", abnormal: "停水" });
    expect(safety.rows[2]).toMatchObject({ schoolCode: "CG003", status: "未报", late: false });
    expect(safety.rows[2]!.reporter).toBeUndefined();
    expect(safety.rows.find((r) => r.schoolCode === "CG003" && r.periodId === "2026-12-08")).toMatchObject({
      status: "免报",
      exemptReason: "停电",
    });
    expect(safety.total).toMatchObject({ expected: 55, reported: 3, onTime: 2, late: 1, missing: 52, exempt: 1 });
    expect(safety.total.reportedRate).toBeCloseTo(3 / 55, 12);
    expect(safety.schools[0]).toMatchObject({ schoolCode: "CG001", expected: 2, reported: 2, reportedRate: 1, onTimeRate: 1 });
    expect(safety.schools[2]).toMatchObject({ schoolCode: "CG003", expected: 1, missing: 1, exempt: 1, reportedRate: 0 });
    expect(safety.schools[0]!.amountRate).toBeUndefined();
    const drowning = ledger.tasks[1]!;
    expect(drowning.rows).toEqual([]);
    expect(drowning.total).toEqual({ expected: 0, reported: 0, onTime: 0, late: 0, missing: 0, exempt: 0 });
  });

  it("keeps a report on a period that required none, marked 不要求 and outside the counts", async () => {
    await put("CG004", "2026-W50", { task: "drowning", reached: 900, total: 1000, channels: ["电话", "短信"] }, "2026-12-08T09:00:00+08:00");
    const drowning = (await build("2026-12-07", "2026-12-13", "2026-12-20T00:00:00+08:00")).tasks[1]!;
    expect(drowning.periods.map((p) => [p.id, p.required])).toEqual([["2026-W50", false]]);
    expect(drowning.rows).toEqual([
      expect.objectContaining({ schoolCode: "CG004", status: "不要求", required: false, reached: 900, total: 1000, reachRate: 0.9, channels: ["电话", "短信"] }),
    ]);
    expect(drowning.total.expected).toBe(0);
  });

  it("shows the report in force after corrections and withdrawals, counting the changes", async () => {
    const day = "2026-12-14";
    await put("CG005", day, { task: "safety", status: "abnormal", description: "摔伤" }, `${day}T09:00:00+08:00`);
    await put("CG005", day, { task: "safety", status: "normal" }, `${day}T09:30:00+08:00`, { raw: "平安" });
    await put("CG006", day, { task: "safety", status: "normal" }, `${day}T09:00:00+08:00`);
    await store.withdraw({ task: "safety", period: day, school: "CG006", by: "huang_qiang", at: `${day}T01:40:00Z`, msgid: "w1", raw: "撤销 平安" });
    await put("CG007", day, { task: "safety", status: "normal" }, `${day}T10:20:00+08:00`, {
      by: "wang_zhiyuan", onBehalf: true, late: true,
    });
    const rows = (await build(day, day, `${day}T23:00:00+08:00`)).tasks[0]!.rows;
    expect(rows.find((r) => r.schoolCode === "CG005")).toMatchObject({ status: "已报", safetyStatus: "无异常", changes: 1, raw: "平安" });
    expect(rows.find((r) => r.schoolCode === "CG005")!.abnormal).toBeUndefined();
    expect(rows.find((r) => r.schoolCode === "CG006")).toMatchObject({ status: "未报", changes: 1 });
    expect(rows.find((r) => r.schoolCode === "CG007")).toMatchObject({
      status: "迟报", onBehalf: true, reporter: "wang_zhiyuan", reporterName: "王志远",
    });
    // An account the roster no longer lists is marked so, never shown bare.
    expect(rows.find((r) => r.schoolCode === "CG005")).toMatchObject({ reporter: "someone", reporterName: "someone（已不在名单）" });
  });

  it("sums the study numbers of the counted reports into the rate", async () => {
    await put("CG001", "2026-W51", { task: "study", attended: 100, expected: 112, leave: 10, topic: "师德" }, "2026-12-18T17:00:00+08:00");
    await put("CG002", "2026-W51", { task: "study", attended: 88, expected: 88 }, "2026-12-18T19:00:00+08:00", { late: true });
    const study = (await build("2026-12-14", "2026-12-18", "2026-12-18T20:00:00+08:00")).tasks[2]!;
    expect(study.rows).toHaveLength(28);
    expect(study.rows[0]).toMatchObject({ start: "2026-12-14", end: "2026-12-20", attended: 100, expected: 112, leave: 10, topic: "师德" });
    expect(study.rows[0]!.attendRate).toBeCloseTo(100 / 112, 12);
    expect(study.total).toMatchObject({ expected: 28, reported: 2, onTime: 1, late: 1, missing: 26 });
    expect(study.total.amountRate).toBeCloseTo(188 / 200, 12);
    expect(study.schools[1]).toMatchObject({ amountRate: 1, onTimeRate: 0 });
  });

  it("counts nobody exempt without an exemption store", async () => {
    const ledger = await buildLedger({
      roster, people: config, kinds: config, store, calendar: periods, from: "2026-12-08", to: "2026-12-08", timeZone: "Asia/Shanghai", now: new Date("2026-12-09T00:00:00Z"),
    });
    expect(ledger.tasks[0]!.total).toMatchObject({ exempt: 0, expected: 28, reported: 1 });
  });
});

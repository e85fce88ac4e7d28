import { beforeAll, expect, it } from "vitest";
import { loadConfig, type LoadedConfig } from "../../../src/config/load-config.js";
import { kindOf } from "../../../src/config/kinds.js";
import { buildAbnormalAlerts, buildWithdrawalAlerts } from "../../../src/features/check-in/abnormal-alerts.js";
import type { Report } from "../../../src/store/report.js";
import { TEST_ENV } from "../../support/test-env.js";

let loaded: LoadedConfig;
beforeAll(async () => {
  loaded = await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV });
});

const report = (at: string, school: string): Report => ({
  task: "safety",
  period: "2026-11-24",
  school,
  value: { task: "safety", status: "abnormal", description: "校门口积水" },
  by: "zhang_wei",
  at,
  late: false,
  msgid: `m-${at}`,
  raw: "异常 校门口积水",
});

// The delivery log measures an alert's delay from causedAt; without it, from whenever it was queued,
// which after a crash is the outbox sweep's time, not the school's.
it("dates each alert by the report or the 撤销 that caused it", () => {
  const school = loaded.roster.schools[0]!;
  const abnormal = report("2026-11-24T00:40:00.000Z", school.code);
  const alerts = buildAbnormalAlerts({ config: loaded.config, roster: loaded.roster, school, report: abnormal, kind: kindOf(loaded.config, "safety")! });
  expect(alerts.length).toBeGreaterThan(0);
  expect(alerts.map((push) => push.causedAt)).toEqual(alerts.map(() => "2026-11-24T00:40:00.000Z"));
  const withdrawn = buildWithdrawalAlerts({ config: loaded.config, roster: loaded.roster, school, withdrawn: abnormal, by: "zhang_wei", at: new Date("2026-11-24T00:50:00.000Z"), msgid: "m-withdraw" });
  expect(withdrawn.map((push) => push.causedAt)).toEqual(withdrawn.map(() => "2026-11-24T00:50:00.000Z"));
});

// One way decides every kind's alerts: 平安日报's 异常 alerts by its declared rule, not by its reader.
it("alerts of a 平安日报 异常 by the kind's declared rule alone", () => {
  const school = loaded.roster.schools[0]!;
  const safety = kindOf(loaded.config, "safety")!;
  const abnormal = report("2026-11-24T00:40:00.000Z", school.code);
  const lines = (kind: typeof safety) => buildAbnormalAlerts({ config: loaded.config, roster: loaded.roster, school, report: abnormal, kind }).map((push) => push.message.lines[0]?.text);
  expect(lines(safety)[0]).toContain("异常报告");
  expect(lines({ ...safety, rules: [] })).toEqual([]);
  // A rule on another field alerts in the words of any declared kind's rule.
  const counted = { ...abnormal, value: { task: "safety" as const, status: "normal" as const, present: 5 } };
  const byPresent = buildAbnormalAlerts({ config: loaded.config, roster: loaded.roster, school, report: counted, kind: { ...safety, rules: [{ field: "present", at_least: 5, alert: "在校人数" }] } });
  expect(byPresent[0]?.message.lines[0]?.text).toContain("平安日报：在校人数");
});

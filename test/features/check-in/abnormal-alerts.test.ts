import { beforeAll, expect, it } from "vitest";
import { loadConfig, type LoadedConfig } from "../../../src/config/load-config.js";
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
  const alerts = buildAbnormalAlerts({ config: loaded.config, roster: loaded.roster, school, report: abnormal });
  expect(alerts.length).toBeGreaterThan(0);
  expect(alerts.map((push) => push.causedAt)).toEqual(alerts.map(() => "2026-11-24T00:40:00.000Z"));
  const withdrawn = buildWithdrawalAlerts({ config: loaded.config, roster: loaded.roster, school, withdrawn: abnormal, by: "zhang_wei", at: new Date("2026-11-24T00:50:00.000Z"), msgid: "m-withdraw" });
  expect(withdrawn.map((push) => push.causedAt)).toEqual(withdrawn.map(() => "2026-11-24T00:50:00.000Z"));
});

import { loadConfig } from "../../../src/config/load-config.js";
import type { RedisClient } from "../../../src/store/connect-redis.js";
import { createKeys } from "../../../src/store/keys.js";
import { createExemptionStore } from "../../../src/store/exemptions.js";
import { createReportStore } from "../../../src/store/reports.js";
import { loadSchoolPlaces } from "../../../src/store/school-numbers.js";
import { startTestRedis } from "../../support/redis.js";
import type { Config } from "../../../src/config/schema.js";
import { createRoster, type Roster, type School } from "../../../src/config/roster.js";
import type { Exemption } from "../../../src/store/exemptions.js";
import type { Report, ReportValue } from "../../../src/store/report.js";
import { createTaskCalendar } from "../../../src/time/task-calendar.js";
import type { TaskPeriod, TaskCalendar } from "../../../src/time/task-calendar.js";
import { TEST_AES_KEY } from "../../support/test-env.js";

/** The example config and roster (28 schools in 4 areas), and its periods. No Redis. */
export async function loadExample(): Promise<{ config: Config; roster: Roster; periods: TaskCalendar }> {
  const { config, roster } = await loadConfig({
    path: "config/pingan.example.yaml",
    env: {
      WECOM_TOKEN: "t",
      WECOM_ENCODING_AES_KEY: TEST_AES_KEY,
      WEBHOOK_KEY_PRINCIPALS: "kp",
      WEBHOOK_KEY_LEADERS: "kl",
    },
  });
  return { config, roster, periods: await createTaskCalendar(config) };
}

/**
 * The example's report store on `client` (its schools' places loaded), with the roster, the
 * calendar and the Tuesday (2026-11-24) 平安日报 period the store's tests record in.
 */
export async function exampleReportStore(client: RedisClient) {
  const { roster, periods } = await loadExample();
  const keys = createKeys();
  const places = await loadSchoolPlaces(client, keys, roster.schools);
  const store = createReportStore({ redis: client, keys, places });
  const day = periods.at("safety", new Date("2026-11-24T09:00:00+08:00"))!;
  return { roster, periods, keys, places, store, day };
}

/** A report as the store holds it. */
export function makeReport(
  period: TaskPeriod,
  school: string,
  value: ReportValue,
  extra: Partial<Pick<Report, "by" | "at" | "late" | "onBehalf" | "msgid">> = {},
): Report {
  return {
    school,
    task: period.task,
    period: period.id,
    value,
    by: extra.by ?? `reporter_${school}`,
    at: extra.at ?? new Date(period.deadline.getTime() - 3600_000).toISOString(),
    late: extra.late ?? false,
    msgid: extra.msgid ?? `m-${period.id}-${school}`,
    raw: "",
    ...(extra.onBehalf && { onBehalf: true }),
  };
}

export function makeExemption(period: TaskPeriod, school: string, reason?: string): Exemption {
  return {
    school,
    task: period.task,
    period: period.id,
    start: period.start,
    end: period.end,
    ...(reason && { reason }),
    by: "liu_xin",
    at: "2026-11-20T09:00:00.000Z",
    msgid: `x-${period.id}-${school}`,
  };
}

export const normal: ReportValue = { task: "safety", status: "normal" };
export const abnormal = (description: string): ReportValue => ({ task: "safety", status: "abnormal", description });

/**
 * Leader deps on a private Redis with three schools groups by area (XB004 sits in two of them)
 * and a leaders group, for the push builders.
 */
/** `above`: the levels the example roster's schools are put under (a city's and a county's roster), none by default. */
export async function startLeaderDeps({ above }: { above?: Pick<School, "city" | "county"> } = {}) {
  const redis = await startTestRedis();
  const loaded = await loadExample();
  const example = above ? { ...loaded, roster: createRoster(loaded.roster.schools.map((school) => ({ ...school, ...above }))) } : loaded;
  const config: Config = {
    ...example.config,
    groups: {
      cg: { name: "城关校长群", webhook_key: "k1", role: "schools", schools: ["城关片区"] },
      east: { name: "东部校长群", webhook_key: "k2", role: "schools", schools: ["东部片区", "XB004"] },
      rest: { name: "西北校长群", webhook_key: "k3", role: "schools", schools: ["西部片区", "北部片区"] },
      leaders: { name: "局领导群", webhook_key: "k4", role: "leaders", schools: "all" },
    },
  };
  const client = redis.client();
  const keys = createKeys();
  const deps = {
    config,
    roster: example.roster,
    store: createReportStore({ redis: client, keys, places: await loadSchoolPlaces(client, keys, example.roster.schools) }),
    exemptions: createExemptionStore({ redis: client, keys }),
  };
  const tuesday = example.periods.at("safety", new Date("2026-11-24T09:00:00+08:00"))!;
  /** Everyone reports but the schools given; CG002 late; CG001 abnormal (09:00). */
  const seed = async (missing: readonly string[]) => {
    for (const school of example.roster.schools) {
      if (missing.includes(school.code)) continue;
      const value = school.code === "CG001" ? abnormal("一名学生课间摔伤") : normal;
      await deps.store.put(makeReport(tuesday, school.code, value, { late: school.code === "CG002", by: school.reporters[0]! }));
    }
  };
  return { redis, client, deps, periods: example.periods, roster: example.roster, tuesday, seed };
}

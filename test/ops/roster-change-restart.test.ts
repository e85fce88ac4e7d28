import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { rosterFingerprint } from "../../src/store/school-numbers.js";
import { createKeys } from "../../src/store/keys.js";
import { recountAggregate } from "../../src/store/recount-aggregate.js";
import { createReportStore } from "../../src/store/reports.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { startHarness, type Harness } from "../support/harness.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { sayAt, takeMessages } from "../commands/leader-seed.js";

/**
 * The admin moves a school to another area in the roster and restarts the service, mid-day;
 * the school then corrects and withdraws its report. Tuesday 2026-11-24, nobody else reported.
 */
const DAY = "2026-11-24";
let redis: TestRedis;
let dir: string;
let h: Harness | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), "pingan-roster-change-"));
  copyFileSync("config/pingan.example.yaml", join(dir, "pingan.yaml"));
  // 城关一小 (CG001) moves from 城关片区 to 东部片区.
  const csv = readFileSync("config/schools.example.csv", "utf8").replace("城关一小,城关片区,", "城关一小,东部片区,");
  writeFileSync(join(dir, "schools.example.csv"), csv);
});
afterAll(async () => {
  await h?.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the service on the shared Redis and waits for the recount a changed roster gets at start. */
async function restart(config: string): Promise<Harness> {
  await h?.close();
  h = await startHarness({ now: `${DAY}T08:00:00+08:00`, config, redis });
  const started = h;
  const fingerprint = rosterFingerprint(started.roster.schools);
  await waitFor("the start-up recount", async () => (await started.client.get(createKeys().rosterFingerprint())) === fingerprint);
  return started;
}

it("counts a moved school's correction and withdrawal where it is now: 未报, the reminder and the counts stay right", async () => {
  let service = await restart("config/pingan.example.yaml");
  expect(await sayAt(service, `${DAY}T08:10:00+08:00`, "zhang_wei", "平安 城关一小")).toContain("已登记");

  service = await restart(join(dir, "pingan.yaml"));
  expect(service.roster.byCode("CG001")!.area).toBe("东部片区");
  expect(await sayAt(service, `${DAY}T08:20:00+08:00`, "zhang_wei", "异常 城关一小 一名学生摔伤，已送医")).toContain("已登记");
  expect(await sayAt(service, `${DAY}T08:30:00+08:00`, "zhang_wei", "撤销 平安 城关一小")).toContain("撤销");

  // Nobody has a report in force: every school is missing, each in its area now.
  const missing = await sayAt(service, `${DAY}T08:40:00+08:00`, "wang_zhiyuan", "未报 平安");
  expect(missing).toContain("未报 28 所（应报 28 所）");
  expect(missing).toContain("**城关片区**（7 所）");
  expect(missing).toContain("**东部片区**（8 所）");
  for (const school of service.roster.schools) expect(missing).toContain(school.shortName);

  // The 09:00 reminder @-mentions the reporters of every school.
  service.webhook.messages.length = 0;
  await service.fire("slots", `${DAY}T09:00:00+08:00`);
  const mentioned = (await takeMessages(service, "全县校长群")).flatMap((m) => m.mentioned_list);
  expect(new Set(mentioned)).toEqual(new Set(service.roster.schools.flatMap((s) => s.reporters)));

  // What verify-aggregates compares: the counts equal a recount of the reports in force.
  const keys = createKeys();
  const places = await loadSchoolPlaces(service.client, keys, service.roster.schools);
  const recount = await recountAggregate({ redis: service.client, keys, places, reports: createReportStore({ redis: service.client, keys, places }) }, "safety", DAY);
  expect(recount.differences).toEqual([]);
});

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createConfigExportLinks } from "../../src/features/ledger/create-config-export-links.js";
import { loadCountedPeriods, tallyFromCounts } from "../../src/tally/load-tally.js";
import { NAME_NONE } from "../../src/tally/task-tally.js";
import { buildWeekChart } from "../../src/features/tallies/build-week-chart.js";
import { rosterFingerprint } from "../../src/store/school-numbers.js";
import { createKeys } from "../../src/store/keys.js";
import { startHarness, type Harness } from "../support/harness.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { waitFor } from "../support/wait-for.js";
import { reportAll, sayAt, takeMessages } from "./leader-seed.js";

/**
 * The service goes live on Wednesday 2026-11-25, with an empty Redis; on Thursday the admin adds
 * 新区学校 (XB008) to the roster and restarts. Every school reports every day it owes. Nothing
 * is owed before the first day, nor by 新区学校 before Thursday: the first week is all green.
 */
const NEW_SCHOOL = "XB008,平安县新区实验学校,新区学校,西部片区,小学,xin_xiao,辛晓,300,20";
let redis: TestRedis;
let dir: string;
let h: Harness | undefined;
let rollup = "";

async function start(config: string, now: string, fresh: boolean): Promise<Harness> {
  await h?.close();
  h = await startHarness({ now, config, redis, fresh });
  const started = h;
  const fingerprint = rosterFingerprint(started.roster.schools);
  await waitFor("the start-up recount", async () => (await started.client.get(createKeys().rosterFingerprint())) === fingerprint);
  return started;
}

/** The link in a reply, as served behind the public URL's proxy: same path and query, the test server's origin. */
function localLink(service: Harness, reply: string): string {
  const url = new URL(/\]\((https?:\/\/[^\s)]+)\)/.exec(reply)![1]!);
  return `${service.url}${url.pathname}${url.search}`;
}

beforeAll(async () => {
  redis = await startTestRedis();
  dir = mkdtempSync(join(tmpdir(), "pingan-go-live-"));
  copyFileSync("config/pingan.example.yaml", join(dir, "pingan.yaml"));
  writeFileSync(join(dir, "schools.example.csv"), `${readFileSync("config/schools.example.csv", "utf8").trimEnd()}\n${NEW_SCHOOL}\n`);
  let service = await start("config/pingan.example.yaml", "2026-11-25T08:00:00+08:00", true);
  await reportAll(service, "2026-11-25T08:30:00+08:00");
  service = await start(join(dir, "pingan.yaml"), "2026-11-26T08:00:00+08:00", false);
  await reportAll(service, "2026-11-26T08:30:00+08:00");
  for (const school of service.roster.schools) {
    const reporter = school.reporters[0]!;
    const reply = await sayAt(service, "2026-11-26T16:00:00+08:00", reporter, `学习 全部参加 ${service.roster.schoolsOf(reporter).length > 1 ? school.shortName : ""}`);
    expect(reply).toContain("已登记");
  }
  await reportAll(service, "2026-11-27T08:30:00+08:00");
  service.webhook.messages.length = 0;
  await service.fire("weekly", new Date("2026-11-27T19:00:00+08:00"));
  rollup = (await takeMessages(service, "局领导群")).map((m) => m.content).join("\n");
  await reportAll(service, "2026-11-28T08:30:00+08:00");
}, 120_000);

afterAll(async () => {
  await h?.close();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("汇总 本周 on the first Saturday counts only the days each school was on the service, the others 未上线", async () => {
  const summary = await sayAt(h!, "2026-11-28T10:35:00+08:00", "wang_zhiyuan", "汇总 本周");
  const safety = summary.split("\n\n").find((block) => block.includes("**平安日报**"))!;
  // Wednesday 28, Thursday to Saturday 29 a day; Monday and Tuesday (2 × 29) and 新区学校's Wednesday not.
  expect(safety).toContain("应报 115 校次 · 已报 115 校次（100%）");
  expect(safety).toContain("未报 0 校次 · 未上线 59 校次");
  expect(safety).not.toContain("**未报（");
});

it("汇总 of a day before the first says the service was not running, not who was missing", async () => {
  const monday = await sayAt(h!, "2026-11-28T10:36:00+08:00", "wang_zhiyuan", "汇总 11-23");
  const safety = monday.split("\n\n").find((block) => block.includes("**平安日报**"))!;
  expect(safety).toBe("**平安日报**：服务尚未上线，无需上报");
});

it("the weekly roll-up names no school as missing, 新区学校 owing its two days", async () => {
  expect(rollup).toContain("本周各校均按要求上报，没有缺报。");
  expect(rollup).not.toContain("缺报 2 次及以上");
  expect(rollup).toContain("- 新区学校：平安 2/2 天");
  expect(rollup).toContain("- 城关一小：平安 3/3 天");
});

it("the ledger lists no school 未报 before it was on the service, and 新区学校's Wednesday as 未上线", async () => {
  const links = createConfigExportLinks(h!.config, h!.clock);
  const csv = await (await fetch(localLink(h!, `](${links.sign({ from: "2026-11-23", to: "2026-11-28", requestedBy: "liu_xin", format: "csv", task: "safety" }).url})`))).text();
  const rows = csv.trim().split("\r\n").slice(1);
  expect(rows.filter((row) => row.includes("未报"))).toEqual([]);
  expect(rows.filter((row) => row.includes("2026-11-23") || row.includes("2026-11-24"))).toEqual([]);
  const wednesday = rows.filter((row) => row.includes("2026-11-25"));
  expect(wednesday).toHaveLength(29);
  expect(wednesday.filter((row) => row.includes("XB008"))).toEqual([expect.stringContaining("未上线")]);
});

it("the board's week shows Monday and Tuesday as 未上线", async () => {
  const page = await (await fetch(localLink(h!, await sayAt(h!, "2026-11-28T10:40:00+08:00", "wang_zhiyuan", "看板")))).text();
  for (const date of ["2026-11-23", "2026-11-24"]) {
    expect(new RegExp(`<li class="day quiet" data-date="${date}">.*?</li>`, "s").exec(page)?.[0]).toContain("未上线");
  }
  expect(/<li class="day" data-date="2026-11-25">.*?<\/li>/s.exec(page)?.[0]).toContain("28</b>/28");
});

it("the week chart the tallies carry starts on the first day, each area at 100 %", async () => {
  const periods = h!.jobDeps.calendar.list("safety", "2026-11-23", "2026-11-27");
  const chart = buildWeekChart(h!.roster, await loadCountedPeriods(h!.jobDeps, periods), (schools, days) => tallyFromCounts({ roster: { schools }, periods: days, list: NAME_NONE }))!;
  expect(chart.days.map((day) => [day.date, day.reported, day.expected])).toEqual([
    ["2026-11-25", 28, 28],
    ["2026-11-26", 29, 29],
    ["2026-11-27", 29, 29],
  ]);
  for (const area of chart.areas) expect(area.reported).toBe(area.expected);
});

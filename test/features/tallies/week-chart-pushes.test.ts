import { PNG } from "pngjs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { buildWeekChart } from "../../../src/features/tallies/build-week-chart.js";
import { loadCountedPeriods, tallyFromCounts } from "../../../src/tally/load-tally.js";
import { computeTally, loadPeriodInputs } from "../../support/compute-tally.js";
import { NAME_NONE } from "../../../src/tally/task-tally.js";
import type { FakeWebhookMessage } from "../../../src/wecom/simulator/fake-webhook.js";
import { askOverLongConnection } from "../../support/ask-long-connection.js";
import { startHarness, type Harness } from "../../support/harness.js";

const at = (local: string) => new Date(`${local}+08:00`);
const DAYS = ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"];
const NO_FONT = "未安装中文字体 fonts-noto-cjk，周报图片无法生成。";

/** The PNG a message carries, decoded. */
function decode(message: FakeWebhookMessage | undefined): PNG {
  expect(message?.msgtype).toBe("image");
  return PNG.sync.read(message!.image!.bytes);
}

/** Dark pixels (text) in the title band: the top 10 % of the picture, left 90 %. */
function titleInk(png: PNG): number {
  let dark = 0;
  for (let y = 0; y < Math.floor(png.height * 0.1); y += 1) {
    for (let x = 0; x < Math.floor(png.width * 0.9); x += 1) {
      const i = (y * png.width + x) * 4;
      if (png.data[i]! < 110 && png.data[i + 1]! < 110 && png.data[i + 2]! < 110) dark += 1;
    }
  }
  return dark;
}

const leaders = (h: Harness) => h.webhook.messages.filter((m) => m.group === "局领导群");

/** Mon–Fri: every school reports, but CG002 misses Mon–Wed and CG003 Friday; CG001 reports an incident on Wednesday. */
async function seedWeek(h: Harness, until = DAYS.length) {
  for (const [index, day] of DAYS.slice(0, until).entries()) {
    h.clock.set(at(`${day}T08:30:00`));
    for (const school of h.roster.schools) {
      if (school.code === "CG002" && index < 3) continue;
      if (school.code === "CG003" && index === 4) continue;
      const text = school.code === "CG001" && index === 2 ? "异常 一名学生课间摔伤，已送医 CG001" : `平安 ${school.code}`;
      await h.say(school.reporters[0]!, text);
    }
  }
  await h.drainPushes();
  h.webhook.messages.length = 0;
}

describe("the week chart in the leaders' pushes", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-23T08:00:00+08:00" });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.drainPushes();
    h.webhook.messages.length = 0;
    for (const key of await h.client.keys("pa:*")) await h.client.del(key);
  });

  it("draws what the week's reports say: each area's school-days and each day's incidents", async () => {
    await seedWeek(h);
    const periods = h.jobDeps.calendar.list("safety", DAYS[0]!, DAYS[4]!);
    const recount = buildWeekChart(h.roster, await loadPeriodInputs(h.jobDeps, periods), (schools, days) => computeTally({ roster: { schools }, periods: days }))!;
    // From the counts, as the tally job draws it: the same picture.
    const chart = buildWeekChart(h.roster, await loadCountedPeriods(h.jobDeps, periods), (schools, days) => tallyFromCounts({ roster: { schools }, periods: days, list: NAME_NONE }))!;
    expect(chart).toEqual(recount);
    const schools = h.roster.schools.length;
    const chengguan = h.roster.schools.filter((s) => s.area === "城关片区").length;
    expect(chart.title).toBe("平安日报 本周上报情况（11月23日—11月27日）");
    expect(chart.days.map((d) => d.label)).toEqual(["周一", "周二", "周三", "周四", "周五"]);
    expect(chart.days.map((d) => d.reported)).toEqual([schools - 1, schools - 1, schools - 1, schools, schools - 1]);
    expect(chart.days.map((d) => d.abnormal)).toEqual([0, 0, 1, 0, 0]);
    expect(chart.areas.find((a) => a.name === "城关片区")).toEqual({ name: "城关片区", expected: chengguan * 5, reported: chengguan * 5 - 4 });
    expect(chart.areas.reduce((sum, a) => sum + a.expected, 0)).toBe(schools * 5);
  });

  it("sends the weekly roll-up as its text, then the chart: a 1200×800 PNG with a title, within the md5 and 2 MB", async () => {
    await seedWeek(h);
    await h.fire("weekly", at("2026-11-27T19:00:00"));
    const messages = leaders(h);
    expect(messages.map((m) => m.msgtype).slice(-2)).toEqual(["markdown", "image"]);
    expect(messages.slice(0, -1).every((m) => m.msgtype === "markdown")).toBe(true);
    expect(messages[0]!.content).toContain("第48周汇总");
    const image = messages.at(-1)!;
    const png = decode(image);
    expect([png.width, png.height]).toEqual([1200, 800]);
    expect(titleInk(png)).toBeGreaterThan(800);
    expect(image.image!.bytes.length).toBeLessThan(2 * 1024 * 1024);
    console.log(`week chart PNG: ${image.image!.bytes.length} bytes`);

    // Once: the roll-up fired again sends nothing new.
    await h.fire("weekly", at("2026-11-27T19:00:00"));
    expect(leaders(h)).toHaveLength(messages.length);

    const health = (await (await fetch(`${h.url}/healthz`)).json()) as { status: string; chart: { ok: boolean; last?: { width: number; ms: number } } };
    expect(health.chart.ok).toBe(true);
    expect(health.chart.last?.width).toBe(1200);
    console.log(`week chart drawn in the job in ${health.chart.last?.ms} ms`);
  });

  it("sends the daily safety tally as its text, then the chart of the week so far", async () => {
    await seedWeek(h, 2);
    await h.fire("slots", at("2026-11-24T10:30:00"));
    const messages = leaders(h);
    expect(messages.map((m) => m.msgtype)).toEqual(["markdown", "image"]);
    expect(messages[0]!.content).toContain("平安日报统计");
    const image = messages[1]!;
    const png = decode(image);
    expect([png.width, png.height]).toEqual([1200, 800]);
    expect(titleInk(png)).toBeGreaterThan(800);
  });
});

describe("the chart counts in the group's rate window", () => {
  let h: Harness;
  beforeAll(async () => {
    // One message per 1.5 s for us and for the fake robot alike.
    h = await startHarness({ now: "2026-11-24T08:00:00+08:00", rate: { perWindow: 1, windowMs: 1500 } });
  });
  afterAll(() => h.close());

  it("waits for the window after the text, and the robot refuses nothing", async () => {
    h.clock.set(at("2026-11-24T08:30:00"));
    await h.say("zhang_wei", "平安");
    await h.drainPushes();
    h.webhook.messages.length = 0;
    await h.fire("slots", at("2026-11-24T10:30:00"));
    const [text, image] = leaders(h);
    expect([text?.msgtype, image?.msgtype]).toEqual(["markdown", "image"]);
    expect(image!.at - text!.at).toBeGreaterThanOrEqual(1400);
    expect(h.webhook.rejected).toEqual([]);
  });
});

describe("without a Chinese font", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-24T08:00:00+08:00", findFont: () => ({ missing: NO_FONT }) });
  });
  afterAll(() => h.close());

  it("sends the tally and the roll-up as text alone, and /healthz says why without calling the service degraded", async () => {
    h.clock.set(at("2026-11-24T08:30:00"));
    await h.say("zhang_wei", "平安");
    await h.fire("slots", at("2026-11-24T10:30:00"));
    await h.fire("weekly", at("2026-11-27T19:00:00"));
    const messages = leaders(h);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    expect(messages.every((m) => m.msgtype === "markdown")).toBe(true);
    expect(messages[0]!.content).toContain("平安日报统计");
    expect(messages.some((m) => m.content.includes("第48周汇总"))).toBe(true);

    const response = await fetch(`${h.url}/healthz`);
    const health = (await response.json()) as { status: string; chart: { ok: boolean; reason?: string } };
    expect(response.status).toBe(200);
    expect(health.status).toBe("ok");
    expect(health.chart).toMatchObject({ ok: false, reason: NO_FONT });
  });
});

describe("the chart to a leaders' group reached through the bot (via: bot)", () => {
  const LEADERS_CHAT = "wr_leaders";
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-23T08:00:00+08:00", transport: "websocket", viaBot: { leaders: LEADERS_CHAT } });
    // aibot_send_msg reaches only a chat where a user has spoken to the bot.
    await askOverLongConnection(h.longConnection!, { userid: "wang_zhiyuan", text: "帮助", chatid: LEADERS_CHAT, msgid: "leaders-first-words" });
  });
  afterAll(() => h.close());

  it("uploads the PNG in chunks and pushes it by media_id after the text", async () => {
    await seedWeek(h, 2);
    const fake = h.longConnection!;
    const before = fake.sent().length;
    await h.fire("slots", at("2026-11-24T10:30:00"));
    await h.drainPushes();
    const pushes = fake.sent().slice(before).filter((f) => (f.body as { chatid?: string }).chatid === LEADERS_CHAT);
    const bodies = pushes.map((f) => f.body as { msgtype: string; markdown?: { content: string }; image?: { media_id: string } });
    expect(bodies.map((b) => b.msgtype)).toEqual(["markdown", "image"]);
    expect(pushes.every((f) => f.ack?.errcode === 0)).toBe(true);
    expect(bodies[0]!.markdown!.content).toContain("平安日报统计");
    const bytes = fake.media(bodies[1]!.image!.media_id);
    const png = PNG.sync.read(bytes!);
    expect([png.width, png.height]).toEqual([1200, 800]);
    expect(titleInk(png)).toBeGreaterThan(800);
    // Every chunk is within WeCom's 512 KB, and the upload finished once.
    const chunks = fake.received("aibot_upload_media_chunk").map((f) => Buffer.from((f.body as { base64_data: string }).base64_data, "base64").length);
    expect(chunks.length).toBe(Math.ceil(bytes!.length / (512 * 1024)));
    expect(Math.max(...chunks)).toBeLessThanOrEqual(512 * 1024);
    expect(fake.received("aibot_upload_media_finish")).toHaveLength(1);
  });
});

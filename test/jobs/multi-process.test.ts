import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { toLocalTime } from "../../src/time/local-time.js";
import { parseRoster } from "../../src/config/parse-roster.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { TEST_ENV } from "../support/test-env.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { startServiceProcess, type ServiceProcess } from "../support/service-process.js";

const ZONE = "Asia/Shanghai";
const MINUTE = 60_000;

/** `HH:MM` in Shanghai of an instant. */
const hhmm = (at: number) => toLocalTime(new Date(at), ZONE);

let redis: TestRedis;
let webhook: FakeWebhook;
const workers: ServiceProcess[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
  webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" } });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill("SIGKILL")));
  await webhook.stop();
  await redis.stop();
});

/**
 * Real time, real schedulers: three `pingan start --workers` OS processes start together and
 * all upsert the same schedulers; two reminder slots a minute apart fire; every reminder part
 * reaches the group exactly once.
 */
it("sends each scheduled reminder exactly once with three worker processes", { timeout: 300_000 }, async () => {
  // The slots must fall on one local day.
  while (hhmm(Date.now() + 4 * MINUTE) < hhmm(Date.now())) await new Promise((d) => setTimeout(d, 10_000));
  // Room for three processes to boot on a loaded machine before the first slot.
  const first = Math.ceil((Date.now() + 45_000) / MINUTE) * MINUTE;
  const slots = [first, first + MINUTE];
  const config = parse(readFileSync("config/pingan.example.yaml", "utf8"));
  config.roster = resolve("config/schools.example.csv");
  config.working_hours = { start: "00:00", end: "23:59" };
  config.tasks.safety = { ...config.tasks.safety, reminders: slots.map(hhmm), deadline: hhmm(first + 2 * MINUTE) };
  delete config.tasks.safety.tally;
  config.tasks.drowning.enabled = false;
  config.tasks.study.enabled = false;
  config.weekly.at = "sun 00:00";
  // Two reminders a minute apart on purpose: no cooldown between them.
  config.limits = { remind_cooldown_minutes: 0 };
  config.late_note.at = "00:00";
  const path = join(mkdtempSync(join(tmpdir(), "pingan-mp-")), "pingan.yaml");
  writeFileSync(path, stringify(config));

  const env = { REDIS_URL: redis.url, WECOM_API_BASE: webhook.url, PINGAN_CONFIG: path };
  workers.push(...(await Promise.all([0, 1, 2].map(() => startServiceProcess(env, ["--workers"])))));

  expect(Date.now(), "the workers took too long to start").toBeLessThan(first);
  while (Date.now() < slots[1]! + 40_000 && webhook.messages.filter((m) => m.at >= slots[1]!).length === 0) {
    await new Promise((d) => setTimeout(d, 1000));
  }
  await new Promise((d) => setTimeout(d, 5_000));
  const reporters = new Set<string>();
  for (const [index, slot] of slots.entries()) {
    const sent = webhook.messages.filter((m) => m.at >= slot && m.at < slot + MINUTE);
    expect(sent.length, `slot ${index + 1} sent nothing`).toBeGreaterThan(0);
    expect(new Set(sent.map((m) => m.content)).size, `slot ${index + 1} sent a part twice`).toBe(sent.length);
    const mentions = sent.flatMap((m) => m.mentioned_list);
    if (index === 0) mentions.forEach((u) => reporters.add(u));
    else expect(new Set(mentions)).toEqual(reporters);
    expect(mentions).not.toContain("@all");
  }
  const roster = (await parseRoster(readFileSync("config/schools.example.csv"), "config/schools.example.csv")).schools;
  expect(reporters).toEqual(new Set(roster.flatMap((school) => school.reporters)));
  expect(webhook.rejected).toEqual([]);
});

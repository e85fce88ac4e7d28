import { afterAll, beforeAll, expect, it } from "vitest";
import { parseRoster } from "../../src/config/parse-roster.js";
import { readFileSync } from "node:fs";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { createWecomSimulator } from "../../src/wecom/simulator/wecom-simulator.js";
import { TEST_AES_KEY, TEST_ENV, TEST_TOKEN } from "../support/test-env.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { startServiceProcess } from "../support/service-process.js";
import { waitFor } from "../support/wait-for.js";

let redis: TestRedis;
let webhook: FakeWebhook;
beforeAll(async () => {
  redis = await startTestRedis();
  webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" } });
});
afterAll(async () => {
  await webhook.stop();
  await redis.stop();
});

/**
 * 25 abnormal reports make 25 alerts: 20 go out at once and 5 wait for the 20-a-minute window
 * (and then go out merged into one message of current statuses). The service gets SIGTERM in
 * the middle, drains and exits 0; after a restart every school's news has arrived, once.
 */
it("loses no push when SIGTERM comes during a burst", async () => {
  const env = { REDIS_URL: redis.url, WECOM_API_BASE: webhook.url, PINGAN_NOW: "2026-11-24T08:30:00+08:00" };
  const first = await startServiceProcess(env);
  const sim = createWecomSimulator({ baseUrl: first.url, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY });
  const schools = ((await parseRoster(readFileSync("config/schools.example.csv"), "config/schools.example.csv")).schools).slice(0, 25);
  for (const school of schools) {
    const reply = await sim.say({ from: school.reporters[0]!, text: `异常 ${school.code} 演练${school.code}：学生轻微擦伤，已处理` });
    expect(reply.markdown).toContain("已登记");
  }
  // In the middle of the burst: ten schools' news out, however merged (on a loaded machine the
  // alerts queue up and go out merged into fewer messages than schools).
  const toldOf = (school: (typeof schools)[number]) => webhook.messages.some((m) => m.content.includes(`演练${school.code}：`));
  await waitFor("ten schools' news", () => schools.filter(toldOf).length >= 10, { timeoutMs: 120_000, everyMs: 20 });
  const exitCode = await first.kill("SIGTERM");
  expect(exitCode).toBe(0);
  expect(first.output()).toContain('"msg":"stopped"');
  const beforeRestart = webhook.messages.length;
  expect(beforeRestart).toBeLessThanOrEqual(20);

  const second = await startServiceProcess({ ...env, PORT: String(first.port) });
  try {
    const told = () => schools.every(toldOf);
    await waitFor("every school's news", told, { timeoutMs: 120_000, everyMs: 100 });
    await new Promise((d) => setTimeout(d, 2000));
  } finally {
    await second.kill();
  }
  const alerts = webhook.messages.map((m) => m.content);
  expect(alerts.length).toBeLessThanOrEqual(25);
  for (const school of schools) expect(alerts.filter((a) => a.includes(`演练${school.code}：`)), school.code).toHaveLength(1);
  expect(webhook.rejected).toEqual([]);
});

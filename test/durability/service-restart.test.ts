import { afterAll, beforeAll, expect, it } from "vitest";
import { createWecomSimulator } from "../../src/wecom/simulator/wecom-simulator.js";
import { TEST_AES_KEY, TEST_TOKEN } from "../support/test-env.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { startServiceProcess } from "../support/service-process.js";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

it("keeps every report across a SIGKILL of the service process and a fresh start", async () => {
  const env = { REDIS_URL: redis.url, PINGAN_NOW: "2026-11-24T09:00:00+08:00", WECOM_API_BASE: "http://127.0.0.1:9" };
  const first = await startServiceProcess(env);
  const sim = createWecomSimulator({ baseUrl: first.url, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY });
  expect((await sim.say({ from: "zhang_wei", text: "平安 在校2100" })).markdown).toContain("已登记");
  expect((await sim.say({ from: "wang_fang", text: "学习 50/52" })).markdown).toContain("已登记");
  const repeated = await sim.say({ from: "liu_yang", text: "平安", msgid: "m-before-restart" });
  await first.kill("SIGKILL");

  const second = await startServiceProcess({ ...env, PORT: String(first.port) });
  try {
    const status = await sim.say({ from: "zhang_wei", text: "状态" });
    expect(status.markdown).toContain("平安日报（11月24日（周二））：已报（11月24日 09:00） 无异常，在校 2100 人");
    const study = await sim.say({ from: "wang_fang", text: "状态" });
    expect(study.markdown).toContain("周学习（2026年第48周（11月23日—11月29日））：已报");
    const again = await sim.say({ from: "liu_yang", text: "平安", msgid: "m-before-restart" });
    expect(again.markdown).toBe(repeated.markdown);
  } finally {
    await second.kill();
  }
});

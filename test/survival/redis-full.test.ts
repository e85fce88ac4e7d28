import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { createWecomSimulator } from "../../src/wecom/simulator/wecom-simulator.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { startServiceProcess, type ServiceProcess } from "../support/service-process.js";
import { TEST_AES_KEY, TEST_ENV, TEST_TOKEN } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

let redis: TestRedis;
let webhook: FakeWebhook;
let service: ServiceProcess;
beforeAll(async () => {
  redis = await startTestRedis();
  webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" } });
  service = await startServiceProcess({ REDIS_URL: redis.url, PINGAN_NOW: "2026-11-24T08:40:00+08:00", WECOM_API_BASE: webhook.url, LOG_LEVEL: "info" });
});
afterAll(async () => {
  await service?.kill();
  await webhook?.stop();
  await redis?.stop();
});

/**
 * Redis refuses writes (maxmemory reached, noeviction). An 异常 is then either not recorded at
 * all, and the principal is told so, or recorded with its alert: never half. /healthz says what
 * is wrong, and the report's words never reach the log (ioredis puts a refused command's
 * arguments in its errors).
 */
it("records nothing, says so, and logs no report text while Redis refuses writes", async () => {
  const sim = createWecomSimulator({ baseUrl: service.url, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY });
  const client = redis.client();
  const keys = createKeys();
  const health = async () => (await (await fetch(`${service.url}/healthz`)).json()) as { status: string; problems?: string[] };
  expect((await sim.say({ from: "wang_fang", text: "平安" })).markdown).toContain("已登记");

  await client.config("SET", "maxmemory", "1");
  const secret = "厨房燃气泄漏紫罗兰七号";
  const refused = await sim.say({ from: "zhang_wei", text: `异常 ${secret}`, msgid: "full-1" });
  expect(refused.status).toBe(200);
  expect(refused.markdown).toContain("没有登记，请稍后再发");
  const degraded = await health();
  expect(degraded.status).toBe("degraded");
  expect(degraded.problems?.join("\n")).toContain("Redis 拒绝写入");
  expect(await client.hget(keys.periodState("safety", "2026-11-24"), "CG001")).toBeNull();
  expect(await client.xlen(keys.periodLog("safety", "2026-11-24"))).toBe(1);

  await client.config("SET", "maxmemory", "0");
  const recorded = await sim.say({ from: "zhang_wei", text: `异常 ${secret}`, msgid: "full-1" });
  expect(recorded.markdown).toContain("已登记");
  await waitFor("the alert", () => webhook.messages.some((m) => m.group === "局领导群" && m.content.includes(secret)));
  expect(webhook.messages.filter((m) => m.group === "局领导群")).toHaveLength(1);
  expect((await health()).status).toBe("ok");

  const output = service.output();
  expect(output).toContain("message failed");
  expect(output).not.toContain(secret);
});

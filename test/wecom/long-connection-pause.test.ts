import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { writeWebsocketConfig } from "../../src/dev/websocket-config.js";
import { createKeys } from "../../src/store/keys.js";
import { parseLease } from "../../src/wecom/connection-lease.js";
import { startFakeLongConnection, type FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { startServiceProcess, type ServiceProcess } from "../support/service-process.js";
import { TEST_BOT, TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

/**
 * A lease of 2 s, so that a pause outlasts it quickly, and a handshake that waits as long as it
 * must (the fake holds it). The wait after a kick is the product's 5 minutes.
 */
const TUNING = { leaseTtlMs: 2_000, renewMs: 200, client: { ackTimeoutMs: 60_000 } };

let redis: TestRedis;
let fake: FakeLongConnection;
let webhook: FakeWebhook;
let dir: string;
let env: Record<string, string>;
const services: ServiceProcess[] = [];
const keys = createKeys();

beforeAll(async () => {
  redis = await startTestRedis();
  fake = await startFakeLongConnection({ ...TEST_BOT });
  webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" } });
  dir = mkdtempSync(join(tmpdir(), "pingan-pause-"));
  env = { REDIS_URL: redis.url, WECOM_API_BASE: webhook.url, WECOM_WS_URL: fake.url, PINGAN_CONFIG: writeWebsocketConfig(dir), PINGAN_NOW: "2026-11-24T09:00:00+08:00" };
});

afterAll(async () => {
  for (const service of services) service.proc.kill("SIGCONT");
  await Promise.all(services.map((service) => service.kill("SIGKILL")));
  await fake.close();
  await webhook.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

const client = () => redis.client();
const leasePid = async () => Number(parseLease(await client().get(keys.connectionLease()))?.owner.split(":").pop());
const live = () => fake.subscriptions().find((sub) => sub.closedAt === undefined);

/**
 * A process takes the lease and dials WeCom, whose handshake is slow; it is paused (SIGSTOP)
 * before it can subscribe, long past its lease. Another process takes the lease and subscribes.
 * The paused one resumes with its handshake answered: it must not subscribe (that would kick
 * the rightful holder, which would then wait 5 minutes: no answers all that time).
 */
it("a process paused between taking the lease and subscribing does not take the bot from the one holding it now", async () => {
  fake.holdHandshakes(true);
  const paused = await startServiceProcess(env, [], { connectionTuning: TUNING });
  services.push(paused);
  await waitFor("the first process to take the lease and dial", async () => fake.heldHandshakes() === 1 && (await leasePid()) === paused.proc.pid, { timeoutMs: 60_000 });
  paused.proc.kill("SIGSTOP");
  try {
    const rightful = await startServiceProcess(env, [], { connectionTuning: TUNING });
    services.push(rightful);
    await waitFor("the second process to take the lease and dial", async () => fake.heldHandshakes() === 2 && (await leasePid()) === rightful.proc.pid, { timeoutMs: 60_000 });
    fake.holdHandshakes(false);
    await waitFor("the second process to subscribe", () => live() !== undefined, { timeoutMs: 30_000 });
  } finally {
    paused.proc.kill("SIGCONT");
  }
  await waitFor("the resumed process to let go", () => paused.output().includes("long connection: let go"), { timeoutMs: 30_000 });
  const { reply } = await askOverLongConnection(fake, { userid: "zhang_wei", text: "平安", chatid: "wr_demo_group", msgid: "after-the-pause" }, { timeoutMs: 30_000 });
  expect((reply.body as { stream: { content: string } }).stream.content).toContain("平安县城关第一小学");
  expect(fake.subscriptions().map((sub) => sub.endedBy ?? "live")).toEqual(["live"]);
});

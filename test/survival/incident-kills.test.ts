import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { writeWebsocketConfig } from "../../src/dev/websocket-config.js";
import { loadConfig } from "../../src/config/load-config.js";
import type { Roster } from "../../src/config/roster.js";
import { connectRedis, type RedisClient } from "../../src/store/connect-redis.js";
import { createKeys } from "../../src/store/keys.js";
import { parseLease } from "../../src/wecom/connection-lease.js";
import { startFakeLongConnection, type FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { createWecomSimulator } from "../../src/wecom/simulator/wecom-simulator.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { writeConfigVariant, type ConfigVariant } from "../support/config-variant.js";
import { killProcess } from "../support/faults.js";
import { runIncidentBurst, type IncidentWorld } from "../support/incident-burst.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { startServiceProcess, type ServiceProcess } from "../support/service-process.js";
import { TEST_AES_KEY, TEST_BOT, TEST_ENV, TEST_TOKEN } from "../support/test-env.js";

/**
 * The burst of incidents (runIncidentBurst) through the faults that take a process down, each
 * service a `pingan start` OS process on one Redis: a worker SIGKILLed beside another, and the
 * process holding the long connection SIGKILLed beside another that takes over.
 */

const LEADERS_CHAT = "wr_leaders";
/** A survival run takes minutes: a bound for a hang, not a wait. */
const RUN_MS = 600_000;

let redis: TestRedis;
let webhook: FakeWebhook;
let client: RedisClient;
let variant: ConfigVariant;
let roster: Roster;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" } });
  // Clocks of seconds, so that both escalations come due mid-fault: 3 s, then 6 s.
  variant = writeConfigVariant([
    ["  ack_minutes: 15", "  ack_minutes: 0.05"],
    ["  on_duty: []", "  on_duty: [wang_zhiyuan]"],
  ]);
  roster = (await loadConfig({ path: variant.path, env: TEST_ENV })).roster;
  client = connectRedis(redis.url, { role: "worker" });
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.kill("SIGKILL")));
  client?.disconnect();
  await webhook?.stop();
  await redis?.stop();
  variant?.remove();
});

const baseEnv = () => ({ REDIS_URL: redis.url, WECOM_API_BASE: webhook.url, PINGAN_CONFIG: variant.path, PINGAN_NOW: "2026-11-24T10:00:00+08:00" });

it("survives a worker SIGKILLed mid-burst beside another", { timeout: RUN_MS }, async () => {
  const web = await startServiceProcess(baseEnv(), ["--web"]);
  const workers = [await startServiceProcess(baseEnv(), ["--workers"]), await startServiceProcess(baseEnv(), ["--workers"])];
  services.push(web, ...workers);
  const sim = createWecomSimulator({ baseUrl: web.url, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY });
  const world: IncidentWorld = {
    roster,
    say: async (from, text, msgid) => {
      const reply = await sim.say({ from, text, msgid });
      if (reply.status !== 200 || reply.markdown === undefined) throw new Error(`no reply (${reply.status})`);
      return reply.markdown;
    },
    received: () => webhook.messages.filter((m) => m.group === "局领导群").map((m) => m.content),
    redis: client,
  };
  await runIncidentBurst(world, killProcess("worker", async () => workers[0]!), { tag: "杀工", first: 0, count: 5 });
  await Promise.all([web, workers[1]!].map((service) => service.kill("SIGTERM")));
});

it("survives the long connection's holder SIGKILLed mid-burst, another taking over", { timeout: RUN_MS }, async () => {
  const fake: FakeLongConnection = await startFakeLongConnection({ ...TEST_BOT });
  const dir = mkdtempSync(join(tmpdir(), "pingan-incident-holder-"));
  try {
    const env = { ...baseEnv(), WECOM_WS_URL: fake.url, PINGAN_CONFIG: writeWebsocketConfig(dir, { leaders: LEADERS_CHAT }, variant.path) };
    const pair = [await startServiceProcess(env), await startServiceProcess(env)];
    services.push(...pair);
    await fake.waitFor(() => fake.subscriptions().some((sub) => sub.closedAt === undefined), 60_000);
    // The bot may push only where a user has spoken to it.
    await askOverLongConnection(fake, { userid: "wang_zhiyuan", text: "汇总", chatid: LEADERS_CHAT, msgid: "holder-first-words" });
    const world: IncidentWorld = {
      roster,
      say: async (from, text, msgid) => {
        const { reply } = await askOverLongConnection(fake, { userid: from, text, chatid: "wr_principals", msgid }, { timeoutMs: 90_000 });
        return (reply.body as { stream?: { content?: string } }).stream?.content ?? "";
      },
      received: () =>
        fake
          .sent()
          .filter((frame) => frame.ack?.errcode === 0 && (frame.body as { chatid?: string }).chatid === LEADERS_CHAT)
          .map((frame) => {
            const body = frame.body as { markdown?: { content: string }; template_card?: { main_title: { title: string } } };
            return body.markdown?.content ?? `card ${/#\d+/u.exec(body.template_card?.main_title.title ?? "")?.[0] ?? "?"}`;
          }),
      redis: client,
    };
    const holder = async () => {
      const lease = parseLease(await client.get(createKeys().connectionLease()));
      const found = pair.find((service) => service.proc.pid === Number(lease?.owner.split(":").pop()));
      expect(found, `the lease names a process of this test: ${lease?.owner}`).toBeDefined();
      return found!;
    };
    await runIncidentBurst(world, killProcess("holder", holder), { tag: "杀连", first: 5, count: 5 });
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

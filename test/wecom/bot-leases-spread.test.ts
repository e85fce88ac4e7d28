import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys, keysForBot } from "../../src/store/keys.js";
import { parseLease } from "../../src/wecom/connection-lease.js";
import { startFakeLongConnection, type FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { manyBotsEnv, writeManyBotsConfig } from "../support/many-bots-config.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { startServiceProcess, type ServiceProcess } from "../support/service-process.js";
import { TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

const env = manyBotsEnv();
const keys = createKeys();
const BOTS = ["east", "west"] as const;
/** Short leases, so that a killed process's bots move within seconds. */
const TUNING = { leaseTtlMs: 3_000, renewMs: 500 };

let redis: TestRedis;
let fakes: Record<(typeof BOTS)[number], FakeLongConnection>;
let webhook: FakeWebhook;
let dir: string;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  fakes = {
    east: await startFakeLongConnection({ botId: env.EAST_BOT_ID!, secret: env.EAST_BOT_SECRET! }),
    west: await startFakeLongConnection({ botId: env.WEST_BOT_ID!, secret: env.WEST_BOT_SECRET! }),
  };
  webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" } });
  dir = mkdtempSync(join(tmpdir(), "pingan-bot-leases-"));
  const processEnv = {
    ...env,
    REDIS_URL: redis.url,
    WECOM_API_BASE: webhook.url,
    WECOM_WS_URL: fakes.east.url,
    PINGAN_CONFIG: writeManyBotsConfig(dir, fakes.west.url),
    PINGAN_NOW: "2026-11-24T09:00:00+08:00",
  };
  for (let i = 0; i < 2; i += 1) services.push(await startServiceProcess(processEnv, [], { connectionTuning: TUNING }));
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.kill("SIGKILL")));
  await Promise.all(Object.values(fakes ?? {}).map((fake) => fake.close()));
  await webhook?.stop();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The pid holding each bot's lease. */
async function holders(): Promise<Record<string, number | undefined>> {
  const client = redis.client();
  const entries = await Promise.all(BOTS.map(async (bot) => [bot, parseLease(await client.get(keysForBot(keys, bot).connectionLease()))?.owner.split(":").pop()] as const));
  return Object.fromEntries(entries.map(([bot, pid]) => [bot, pid === undefined ? undefined : Number(pid)]));
}

const live = (fake: FakeLongConnection) => fake.subscriptions().filter((sub) => sub.closedAt === undefined).length;

/**
 * Two `pingan start` processes, two bots on the long connection: each process holds one bot's
 * lease (the one started first took both, and gave one up once the second counted in). When the
 * holder of a bot is SIGKILLed, the survivor takes its bot, and that bot's messages are
 * answered again; no bot ever had two subscriptions at once.
 */
it("splits the long-connection bots over the processes, and moves a killed process's bot to the other", async () => {
  const pids = services.map((service) => service.proc.pid!);
  await waitFor("each process to hold one bot", async () => {
    const held = await holders();
    return BOTS.every((bot) => held[bot] !== undefined) && new Set(Object.values(held)).size === 2 && BOTS.every((bot) => live(fakes[bot]) === 1);
  }, { timeoutMs: 30_000 });
  const split = await holders();
  expect(new Set(Object.values(split))).toEqual(new Set(pids));

  const victimPid = split.east!;
  const survivorPid = split.west!;
  await services.find((service) => service.proc.pid === victimPid)!.kill("SIGKILL");
  await waitFor("the survivor to hold both bots", async () => {
    const held = await holders();
    return BOTS.every((bot) => held[bot] === survivorPid && live(fakes[bot]) === 1);
  }, { timeoutMs: 30_000 });

  // The moved bot answers again, through its own connection.
  const asked = await askOverLongConnection(fakes.east, { userid: "liu_yang", text: "平安", chatid: "wr_east_school", msgid: "after-move" }, { timeoutMs: 30_000 });
  expect(JSON.stringify(asked.reply.body)).toContain("平安县城关第三小学");
  // Never two subscriptions of one bot at once: none was kicked by another.
  for (const bot of BOTS) expect(fakes[bot].subscriptions().filter((sub) => sub.endedBy === "kicked")).toEqual([]);
});

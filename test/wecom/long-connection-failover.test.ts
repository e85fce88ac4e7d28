import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { writeWebsocketConfig } from "../../src/dev/websocket-config.js";
import { createKeys } from "../../src/store/keys.js";
import { parseLease } from "../../src/wecom/connection-lease.js";
import { startFakeLongConnection, type FakeLongConnection, type FakeReceivedFrame } from "../../src/wecom/simulator/fake-long-connection.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { askOverLongConnection, type Asked } from "../support/ask-long-connection.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { startServiceProcess, type ServiceProcess } from "../support/service-process.js";
import { TEST_BOT, TEST_ENV } from "../support/test-env.js";

/**
 * The principals report in three group chats: each conversation takes 30 replies a minute, and
 * 60 reports in one chat would wait for the rate window (a reply reserved by the killed holder
 * and never sent holds its place for 75 s), which is what the conversation limit's own tests
 * are about, not the failover.
 */
const PRINCIPALS_CHATS = ["wr_principals_1", "wr_principals_2", "wr_principals_3"];
const LEADERS_CHAT = "wr_leaders";
/** One reporter per school of the example roster (zhou_jie has two schools and would be asked which). */
const REPORTERS = ["zhang_wei", "wang_fang", "liu_yang", "chen_jing", "yang_lei", "huang_qiang", "zhao_min", "xu_tao", "hu_bin", "zhu_hong", "gao_feng", "lin_yan", "he_jun", "guo_ping", "ma_rui", "luo_gang", "liang_yu", "song_wen", "zheng_hao", "xie_qian", "han_bing", "tang_lin", "feng_chao", "deng_hui", "cao_yu", "peng_fei"];
const MESSAGES = 60;
const KILL_AFTER = 20;

let redis: TestRedis;
let fake: FakeLongConnection;
let webhook: FakeWebhook;
let dir: string;
const services: ServiceProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  fake = await startFakeLongConnection({ ...TEST_BOT });
  webhook = await startFakeWebhook({ keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群" } });
  dir = mkdtempSync(join(tmpdir(), "pingan-failover-"));
  const env = {
    REDIS_URL: redis.url,
    WECOM_API_BASE: webhook.url,
    WECOM_WS_URL: fake.url,
    PINGAN_CONFIG: writeWebsocketConfig(dir, { leaders: LEADERS_CHAT }),
    PINGAN_NOW: "2026-11-24T09:00:00+08:00",
  };
  for (let i = 0; i < 3; i += 1) services.push(await startServiceProcess(env));
});

afterAll(async () => {
  await Promise.all(services.map((service) => service.kill("SIGKILL")));
  await fake.close();
  await webhook.stop();
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const keys = createKeys();

/** The service process the lease names. */
async function holderProcess(): Promise<ServiceProcess> {
  const holder = parseLease(await redis.client().get(keys.connectionLease()));
  const found = services.find((service) => service.proc.pid === Number(holder?.owner.split(":").pop()));
  expect(found, `the lease names a live process of this test: ${holder?.owner}`).toBeDefined();
  return found!;
}

/**
 * Three `pingan start` OS processes on one Redis, the bot on the long connection and the
 * leaders' group `via: bot`. Principals report while the process holding the connection is
 * SIGKILLed: another takes over within 15 s, there were never two subscriptions at once (no
 * kick), every message is answered once and recorded once, and every alert reaches the leaders.
 */
it("survives SIGKILL of the connection's holder: one subscription at a time, nothing lost, nothing answered twice", async () => {
  await fake.waitFor(() => fake.subscriptions().length === 1, 20_000);
  // aibot_send_msg reaches only a chat where a user has spoken to the bot.
  await askOverLongConnection(fake, { userid: "wang_zhiyuan", text: "未报", chatid: LEADERS_CHAT, msgid: "leader-first" });

  const client = redis.client();
  const asks: Promise<Asked | Error>[] = [];
  const abnormal = new Set<string>();
  let killedAt = 0;
  let killedPid = 0;
  for (let i = 0; i < MESSAGES; i += 1) {
    const userid = REPORTERS[i % REPORTERS.length]!;
    const incident = i % 10 === 3;
    if (incident) abnormal.add(userid);
    const text = incident ? `异常 第${i}条：一名学生课间扭伤脚踝，已送医` : "平安";
    const chatid = PRINCIPALS_CHATS[i % PRINCIPALS_CHATS.length]!;
    asks.push(askOverLongConnection(fake, { userid, text, chatid, msgid: `failover-${i}` }, { timeoutMs: 90_000 }).catch((error: Error) => error));
    if (i === KILL_AFTER) {
      const victim = await holderProcess();
      killedPid = victim.proc.pid!;
      killedAt = Date.now();
      await victim.kill("SIGKILL");
    }
    await sleep(150);
  }
  const answers = await Promise.all(asks);

  // Failover: from the kill to the next subscription.
  const subscriptions = fake.subscriptions();
  const next = subscriptions.find((sub) => sub.openedAt >= killedAt);
  expect(next, "another process subscribed").toBeDefined();
  const failoverMs = next!.openedAt - killedAt;

  // Never two at once: no subscription was kicked by another, and each began after the one before ended.
  expect(subscriptions.map((sub) => sub.endedBy ?? "live")).toEqual(["closed", "live"]);
  for (let i = 1; i < subscriptions.length; i += 1) expect(subscriptions[i]!.openedAt).toBeGreaterThanOrEqual(subscriptions[i - 1]!.closedAt!);

  // Every message answered, on exactly one req_id, with exactly one reply.
  const lost = answers.filter((answer) => answer instanceof Error);
  const accepted = (reqId: string) => fake.responses(reqId).filter((frame: FakeReceivedFrame) => frame.ack?.errcode === 0);
  const duplicated = answers.filter((answer) => !(answer instanceof Error) && answer.reqIds.flatMap(accepted).length !== 1);
  const redelivered = answers.filter((answer) => !(answer instanceof Error) && answer.reqIds.length > 1).length;

  // Recorded once each: the audit log has one event per message (each recorded before it was answered).
  const recorded = await client.xlen(keys.periodLog("safety", "2026-11-24"));

  // Every alert reached the leaders through the bot, none twice.
  const leaderTexts = () =>
    fake
      .sent()
      .filter((frame) => frame.ack?.errcode === 0 && (frame.body as { chatid?: string }).chatid === LEADERS_CHAT)
      // The alerts' texts; each incident's 收到 card follows its alert as a frame of its own.
      .flatMap((frame) => (frame.body as { markdown?: { content: string } }).markdown?.content ?? []);
  // A single alert names the school in full, a merged one (alerts that queued up) by its short name.
  const schoolNames = new Map(
    readFileSync("config/schools.example.csv", "utf8")
      .split("\n")
      .slice(1)
      .flatMap((line) => {
        const [, name, short, , , reporters] = line.split(",");
        return (reporters ?? "").split("|").map((userid) => [userid.trim(), [name!, short!]] as const);
      }),
  );
  const alerted = (userid: string) => leaderTexts().some((text) => schoolNames.get(userid)!.some((name) => text.includes(name)));
  await fake.waitFor(() => [...abnormal].every(alerted), 60_000);
  const alertDuplicates = leaderTexts().length - new Set(leaderTexts()).size;

  console.log(
    `failover: holder pid ${killedPid} SIGKILLed; next subscription after ${failoverMs} ms; messages ${MESSAGES}, lost ${lost.length}, answered twice ${duplicated.length}, ` +
      `delivered again after the kill ${redelivered}, recorded ${recorded}; alerts to the leaders ${leaderTexts().length} messages for ${abnormal.size} schools, duplicated ${alertDuplicates}; ` +
      `subscriptions ${subscriptions.map((sub) => `${sub.connection}:${sub.endedBy ?? "live"}`).join(", ")}`,
  );
  expect(failoverMs).toBeLessThan(15_000);
  expect(lost).toEqual([]);
  expect(duplicated).toEqual([]);
  expect(recorded).toBe(MESSAGES);
  expect(alertDuplicates).toBe(0);
});

/**
 * A reply WeCom did not acknowledge is owed: the holder keeps it in Redis and sends it again.
 * Here the holder is SIGKILLed while it sends it again (WeCom silent, the frame taken from the
 * outbox and on the wire): the next holder finds it among the frames the dead one had taken
 * and sends it, on the message's own req_id (WeCom does not deliver a message twice).
 */
it("sends a reply the SIGKILLed holder had taken from the outbox", async () => {
  await fake.waitFor(() => fake.subscriptions().some((sub) => sub.closedAt === undefined), 60_000);
  const victim = await holderProcess();
  // Right after a heartbeat was answered: the next is 30 s away, so none goes unanswered (and drops the connection) while WeCom is silent.
  const pings = fake.received("ping").length;
  await fake.waitFor(() => fake.received("ping").length > pings, 60_000);
  fake.stopAcks(true);
  const reqId = fake.sendText({ userid: "zhang_wei", text: "平安", chatid: "wr_owed", msgid: "owed-across-a-kill" });
  // The first reply goes unacknowledged (5 s), is owed to the outbox, and the holder takes it to send again.
  await fake.waitFor(() => fake.responses(reqId).length >= 2, 60_000);
  await victim.kill("SIGKILL");
  fake.stopAcks(false);
  const reply = await fake.reply(reqId, 90_000);
  expect((reply.body as { stream: { content: string } }).stream.content).toContain("平安县城关第一小学");
});

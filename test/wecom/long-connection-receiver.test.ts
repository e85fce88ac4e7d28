import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { createChatDirectory } from "../../src/wecom/chat-directory.js";
import { createLongConnection } from "../../src/wecom/long-connection.js";
import { TEST_BOT, TEST_ENV } from "../support/test-env.js";
import pino from "pino";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { say } from "../../src/cli/say.js";
import { writeWebsocketConfig } from "../../src/dev/websocket-config.js";
import { runCli } from "../../src/cli/cli.js";
import type { FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";

const TUESDAY_0900 = "2026-11-24T09:00:00+08:00";
const LEADERS_CHAT = "wr_leaders";
const RETAKE_AFTER_MS = 3_000;

let h: Harness;
let fake: FakeLongConnection;
beforeAll(async () => {
  h = await startHarness({
    now: TUESDAY_0900,
    transport: "websocket",
    viaBot: { leaders: LEADERS_CHAT },
    connectionTuning: { renewMs: 300, retakeAfterMs: RETAKE_AFTER_MS, leaseTtlMs: 3_000, client: { backoff: { minMs: 20, maxMs: 200 }, ackTimeoutMs: 1_000 } },
  });
  fake = h.longConnection!;
});
afterAll(() => h.close());
beforeEach(() => h.clock.set(new Date(TUESDAY_0900)));

const live = () => fake.subscriptions().find((sub) => sub.closedAt === undefined);
const leaderPushes = () =>
  fake
    .sent()
    .filter((frame) => (frame.body as { chatid?: string }).chatid === LEADERS_CHAT && frame.ack?.errcode === 0)
    .map((frame) => frame.body as { msgtype: string; markdown: { content: string } });

/** aibot_send_msg reaches only a chat where a user has spoken to the bot: a leader asks first. */
async function leaderSpeaks(): Promise<void> {
  await askOverLongConnection(fake, { userid: "wang_zhiyuan", text: "未报", chatid: LEADERS_CHAT, msgid: `leader-${Date.now()}` });
}

describe("the receiver", () => {
  it("answers a message with a finished stream on the callback's req_id, once per msgid", async () => {
    const first = await askOverLongConnection(fake, { userid: "zhang_wei", text: "平安", chatid: "wr_demo_group", msgid: "ws-dedupe-1" });
    expect(first.reply).toMatchObject({ cmd: "aibot_respond_msg", body: { msgtype: "stream", stream: { finish: true, id: "s-ws-dedupe-1" } } });
    const content = (first.reply.body as { stream: { content: string } }).stream.content;
    expect(content).toContain("已登记：**平安县城关第一小学**");
    const again = await askOverLongConnection(fake, { userid: "zhang_wei", text: "平安", chatid: "wr_demo_group", msgid: "ws-dedupe-1" });
    expect((again.reply.body as { stream: { content: string } }).stream.content).toBe(content);
    expect((await h.store.log("safety", "2026-11-24")).filter((event) => event.msgid === "ws-dedupe-1")).toHaveLength(1);
  });

  it("keeps a reply WeCom did not take owed in Redis, and sends it once WeCom answers again", async () => {
    fake.stopAcks(true);
    const reqId = fake.sendText({ userid: "wang_fang", text: "平安", chatid: "wr_demo_group", msgid: "ws-owed-1" });
    await waitFor("the unanswered reply", () => fake.responses(reqId).length > 0);
    await new Promise((done) => setTimeout(done, 1_500));
    fake.stopAcks(false);
    const reply = await fake.reply(reqId, 10_000);
    expect((reply.body as { stream: { content: string } }).stream.content).toContain("平安县城关第二小学");
    expect(fake.responses(reqId).filter((frame) => frame.ack?.errcode === 0)).toHaveLength(1);
  });

  it("welcomes a user who opens the direct chat", async () => {
    const reqId = fake.sendEvent({ userid: "zhang_wei", eventtype: "enter_chat" });
    const reply = await fake.reply(reqId);
    expect(reply).toMatchObject({ cmd: "aibot_respond_welcome_msg", body: { msgtype: "text" } });
    expect((reply.body as { text: { content: string } }).text.content).toContain("张伟");
  });

  it("notes each group's last speaker for pingan chats, at the service's time", async () => {
    h.clock.set(new Date("2026-11-24T10:17:00+08:00"));
    await leaderSpeaks();
    const chats = await createChatDirectory({ redis: h.client, keys: createKeys(), clock: h.clock }).list();
    expect(chats.find((chat) => chat.chatid === LEADERS_CHAT)).toEqual({ chatid: LEADERS_CHAT, lastSpeaker: "wang_zhiyuan", at: "2026-11-24T02:17:00.000Z" });
  });

  it("shows the connection on /healthz: connected, holder, since, reconnects", async () => {
    const body = (await (await fetch(`${h.url}/healthz`)).json()) as { connection: Record<string, unknown> };
    expect(body.connection).toMatchObject({ connected: true, state: "subscribed", reconnects: expect.any(Number), since: expect.any(String) });
    expect(body.connection.holder).toMatchObject({ owner: expect.stringContaining(`:${process.pid}`), fence: expect.any(Number) });
  });
});

describe("frames that cannot be read", () => {
  it("are dropped, counted on /metrics by reason, and the connection goes on", async () => {
    const metric = async (reason: string) => {
      const text = await (await fetch(`${h.url}/metrics`)).text();
      return Number(new RegExp(`^pingan_long_connection_frames_refused_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(text)?.[1] ?? 0);
    };
    fake.sendRaw("not a frame");
    // A text message without its text: a frame, but a callback the bot cannot read.
    fake.sendRaw(JSON.stringify({ cmd: "aibot_msg_callback", headers: { req_id: "no-text" }, body: { msgid: "no-text", chattype: "single", from: { userid: "zhang_wei" }, msgtype: "text" } }));
    await waitFor("both counted", async () => (await metric("unreadable")) === 1 && (await metric("malformed_message")) === 1);
    expect(fake.responses("no-text")).toEqual([]);
    const { reply } = await askOverLongConnection(fake, { userid: "zhang_wei", text: "未报", chatid: "wr_demo_group", msgid: "after-unreadable" });
    expect(reply.ack?.errcode).toBe(0);
  });
});

describe("the trial commands", () => {
  it("pingan say --ws speaks through the simulator's long connection", async () => {
    const lines: string[] = [];
    await say({ credentials: {}, url: "unused", from: "hu_bin", text: "今日平安", direct: false, ws: fake.url, out: (line) => lines.push(line) });
    expect(lines.join("\n")).toContain("已登记：平安县东湖镇中心小学");
  });

  it("pingan say without --ws, to a service on the long connection, says to add --ws", async () => {
    const said = await say({ credentials: { token: TEST_ENV.WECOM_TOKEN, encodingAesKey: TEST_ENV.WECOM_ENCODING_AES_KEY }, url: h.url, from: "hu_bin", text: "平安", direct: false, out: () => {} }).catch((error: Error) => error);
    expect((said as Error).message).toMatch(/^http:\/\/127\.0\.0\.1:\d+ 的服务用的是长连接（bot\.transport: websocket），没有回调地址：请加 --ws/);
  });

  it("pingan say --ws shows the card 帮助 answers with numbered buttons, and --tap taps it over the connection", async () => {
    const lines: string[] = [];
    await say({ credentials: {}, url: "unused", from: "gao_feng", text: "帮助", direct: false, ws: fake.url, tap: 1, out: (line) => lines.push(line) });
    const shown = lines.join("\n");
    expect(shown).toContain("［1 今日平安 ✅］ ［2 有异常，去填写］");
    expect(shown.split("（点了第 1 个按钮：今日平安 ✅）\n")[1]).toContain("✅ 已登记：平安县青石镇中心小学");
  });

  it("pingan chats lists the groups the bot has seen with the last speaker it noted, by name, and when they spoke", async () => {
    await leaderSpeaks();
    const dir = mkdtempSync(join(tmpdir(), "pingan-chats-"));
    try {
      const env = { ...TEST_ENV, PINGAN_CONFIG: writeWebsocketConfig(dir), REDIS_URL: h.redis.url, LOG_LEVEL: "silent" };
      const lines: string[] = [];
      const push = (line: string) => lines.push(line);
      expect(await runCli(["node", "pingan", "chats"], env, { out: push, err: push })).toBe(0);
      expect(lines[0]).toContain("每个群每 10 分钟最多记一次发言，列出的是记下的最近一次，之后可能还有人说过话");
      expect(lines.find((line) => line.startsWith(LEADERS_CHAT))).toMatch(/^wr_leaders {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2} 王志远（wang_zhiyuan） 发过言$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("pushes to a group via: bot", () => {
  it("go out as aibot_send_msg markdown, split like the webhook's, in order, once, mentions inline", async () => {
    await leaderSpeaks();
    const before = leaderPushes().length;
    const lines = Array.from({ length: 120 }, (_, i) => ({ text: `第 ${i + 1} 行：${"很长的一行说明文字".repeat(4)}` }));
    await h.pushQueue.enqueue({ idempotencyKey: "ws-bot-split", group: "leaders", message: { msgtype: "markdown", header: "长消息", lines } });
    await h.pushQueue.enqueue({ idempotencyKey: "ws-bot-split", group: "leaders", message: { msgtype: "markdown", header: "长消息", lines } });
    await h.pushQueue.enqueue({ idempotencyKey: "ws-bot-mention", group: "leaders", message: { msgtype: "text", lines: [{ text: "请尽快上报", mentions: ["hu_bin"] }] } });
    await h.drainPushes();
    const sent = leaderPushes().slice(before);
    expect(sent.every((body) => body.msgtype === "markdown")).toBe(true);
    const parts = sent.filter((body) => body.markdown.content.startsWith("长消息"));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((body) => Buffer.byteLength(body.markdown.content) <= 4096)).toBe(true);
    const numbers = parts.flatMap((body) => [...body.markdown.content.matchAll(/第 (\d+) 行/g)].map((m) => Number(m[1])));
    expect(numbers).toEqual(lines.map((_, i) => i + 1));
    expect(sent.find((body) => body.markdown.content.startsWith("请尽快上报"))?.markdown.content).toBe("请尽快上报\n<@hu_bin>");
  });

  it("wait in Redis while no connection is live, and go out once it is back", async () => {
    await leaderSpeaks();
    const before = leaderPushes().length;
    fake.rejectSubscribes(45009);
    fake.dropAll();
    await h.pushQueue.enqueue({ idempotencyKey: "ws-bot-offline", group: "leaders", message: { msgtype: "markdown", lines: [{ text: "断线期间的推送" }] } });
    await new Promise((done) => setTimeout(done, 1_500));
    expect(leaderPushes().length).toBe(before);
    fake.rejectSubscribes(undefined);
    await waitFor("the push after the reconnect", () => leaderPushes().some((body) => body.markdown.content === "断线期间的推送"), { timeoutMs: 20_000 });
    expect(live()).toBeDefined();
    expect(leaderPushes().filter((body) => body.markdown.content === "断线期间的推送")).toHaveLength(1);
  });
});

describe("another connection taking the bot over", () => {
  it("takes the bot back once while its lease holds; kicked again, says so on /healthz and waits, never in a loop", async () => {
    const before = fake.subscriptions().length;
    const intruder = createLongConnection({ url: fake.url, ...TEST_BOT, log: pino({ level: "silent" }) });
    intruder.start();
    // The lease is still this process's: the kicker may be one of its own that subscribed late, so the bot is taken back at once.
    await waitFor("the bot taken back", () => intruder.state === "stepped_down" && live() !== undefined);
    // Kicked again soon after: another deployment of the same bot. The holder waits retakeAfterMs, and /healthz says why.
    intruder.start();
    await fake.waitFor(() => intruder.state === "subscribed");
    const kickedAgainAt = fake.subscriptions().at(-1)!.openedAt;
    await waitFor("/healthz to show the step-down", async () => {
      const body = (await (await fetch(`${h.url}/healthz`)).json()) as { status: string; connection: { connected: boolean; state?: string } };
      return body.status === "degraded" && !body.connection.connected && body.connection.state === "stepped_down";
    });
    await fake.waitFor(() => fake.subscriptions().length === before + 4, 20_000);
    expect(fake.subscriptions().slice(before - 1).map((sub) => sub.endedBy ?? "live")).toEqual(["kicked", "kicked", "kicked", "kicked", "live"]);
    expect(fake.subscriptions().at(-1)!.openedAt - kickedAgainAt).toBeGreaterThanOrEqual(RETAKE_AFTER_MS);
    // The intruder, stepped down in turn, does not fight back: nothing more happens.
    await new Promise((done) => setTimeout(done, 1_500));
    expect(fake.subscriptions()).toHaveLength(before + 4);
    expect(intruder.state).toBe("stepped_down");
    await intruder.stop();
  });
});

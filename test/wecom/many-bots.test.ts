import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { createKeys } from "../../src/store/keys.js";
import { createWecomSimulator } from "../../src/wecom/simulator/wecom-simulator.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { BOT_CHATS, manyBotsEnv } from "../support/many-bots-config.js";
import { startManyBotsSystem, type ManyBotsSystem } from "../support/many-bots-system.js";
import type { System } from "../../src/main/system.js";
import type { FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import type { FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import type { TestRedis } from "../support/redis.js";
import { TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

const DAY = "2026-11-24";
const env = manyBotsEnv();
const keys = createKeys();

let redis: TestRedis;
let east: FakeLongConnection;
let west: FakeLongConnection;
let webhook: FakeWebhook;
let dir: string;
let system: System;
let deployment: ManyBotsSystem;

beforeAll(async () => {
  ({ redis, east, west, webhook, dir, system } = deployment = await startManyBotsSystem(env, { name: "many-bots", now: new Date(`${DAY}T08:30:00+08:00`), pushTuning: { retry: { attempts: 5, delayMs: 50 } } }));
});

afterAll(async () => {
  await deployment?.stop();
});

const BOT_NAMES = { north: "北县平安助手", south: "南县平安助手" };
const callbackBot = (id: "north" | "south", path = `/wecom/${id}/callback`) =>
  createWecomSimulator({ baseUrl: system.url!, token: env[`${id.toUpperCase()}_TOKEN`]!, encodingAESKey: env[`${id.toUpperCase()}_AES_KEY`]!, callbackPath: path, botName: BOT_NAMES[id] });
const recorded = () => redis.client().xlen(keys.periodLog("safety", DAY));

/**
 * Four bots in one deployment: two on their callback URLs, two on their long connections (each
 * its own fake WeCom server). Each bot's messages are answered by that bot only: a callback's
 * reply is sealed with its bot's key and Token (the simulator checks both), a long-connection
 * message is answered on the connection it came on and on no other.
 */
it("answers each bot's messages through that bot only", async () => {
  const north = await callbackBot("north").say({ from: "zhang_wei", text: "平安", chattype: "group", chatid: "wr_principals", msgid: "north-1" });
  const south = await callbackBot("south").say({ from: "wang_fang", text: "平安", chattype: "group", chatid: "wr_principals", msgid: "south-1" });
  expect([north.status, south.status]).toEqual([200, 200]);
  expect(north.markdown).toContain("平安县城关第一小学");
  expect(south.markdown).toContain("平安县城关第二小学");

  const onEast = await askOverLongConnection(east, { userid: "liu_yang", text: "平安", chatid: "wr_east_school", msgid: "east-1" });
  const onWest = await askOverLongConnection(west, { userid: "chen_jing", text: "平安", chatid: "wr_west_school", msgid: "west-1" });
  expect(JSON.stringify(onEast.reply.body)).toContain("平安县城关第三小学");
  expect(JSON.stringify(onWest.reply.body)).toContain("平安县实验小学");
  // Each connection carried only the answers to its own bot's messages.
  expect(east.received("aibot_respond_msg").map((frame) => frame.reqId)).toEqual(onEast.reqIds);
  expect(west.received("aibot_respond_msg").map((frame) => frame.reqId)).toEqual(onWest.reqIds);
  expect(await recorded()).toBe(4);
  // pingan chats names the bot each group chat was seen by.
  const seen = (await system.chats.list()).map((chat) => [chat.chatid, chat.bot]).sort();
  expect(seen).toEqual([
    ["wr_east_school", "east"],
    ["wr_west_school", "west"],
  ]);
  // /healthz shows each long-connection bot's connection.
  const health = (await (await fetch(`${system.url}/healthz`)).json()) as { connections: Record<string, { connected: boolean }> };
  expect(Object.entries(health.connections).map(([bot, state]) => [bot, state.connected])).toEqual([
    ["east", true],
    ["west", true],
  ]);
});

it("pushes to a group through the bot that serves it", async () => {
  // An abnormal report alerts every leaders group: south's by its robot, east's and west's through their own bots.
  const reply = await callbackBot("north").say({ from: "yang_lei", text: "异常 一名学生课间扭伤脚踝，已送医", chattype: "group", chatid: "wr_principals", msgid: "north-abnormal" });
  expect(reply.status).toBe(200);
  // The alert's text, and the incident's 收到 card after it, as frames of their own.
  const alerts = (fake: FakeLongConnection) => fake.sent().filter((frame) => (frame.body as { markdown?: unknown }).markdown !== undefined);
  await waitFor("the alert to reach both long-connection bots' groups", () => alerts(east).length > 0 && alerts(west).length > 0, { timeoutMs: 30_000 });
  for (const [fake, chat] of [[east, BOT_CHATS.east], [west, BOT_CHATS.west]] as const) {
    expect(alerts(fake)).toHaveLength(1);
    expect(new Set(fake.sent().map((frame) => (frame.body as { chatid: string }).chatid))).toEqual(new Set([chat]));
  }
});

it("refuses a callback signed for one bot on another bot's URL, and changes nothing", async () => {
  const before = await recorded();
  // North's Token and key on south's path: south verifies with its own Token, so the signature is wrong.
  const forged = callbackBot("north", "/wecom/south/callback");
  const envelope = forged.envelope(JSON.stringify({ msgid: "forged-1", aibotid: "x", chatid: "wr_principals", chattype: "group", from: { userid: "huang_qiang" }, msgtype: "text", text: { content: "平安" } }));
  const refused = await forged.post(envelope.body, envelope.query);
  expect(refused.status).toBe(401);
  // No bot of that id: no such URL.
  const unknown = await callbackBot("north", "/wecom/nobody/callback").post(envelope.body, envelope.query);
  expect(unknown.status).toBe(404);
  // The single bot's URL is not served when the config lists bots.
  const single = await callbackBot("north", "/wecom/callback").post(envelope.body, envelope.query);
  expect(single.status).toBe(404);
  expect(await recorded()).toBe(before);
  expect(await redis.client().exists(keys.callbackReply("forged-1"))).toBe(0);
});

it("names the bot serving each group in the reminder pushed there", async () => {
  const asked = await callbackBot("south").say({ from: "wang_zhiyuan", text: "提醒", chattype: "group", chatid: "wr_leaders", msgid: "south-remind" });
  expect(asked.status).toBe(200);
  const principals = () => webhook.messages.filter((message) => message.group === "全县校长群");
  await waitFor("the reminder in north's principals group", () => principals().length > 0, { timeoutMs: 30_000 });
  const text = principals().map((message) => message.content).join("\n");
  expect(text).toContain("@北县平安助手 平安");
  expect(text).not.toContain("@平安助手");
});

it("answers as the bot that was asked: its name in the reply, its mention stripped", async () => {
  const stranger = await callbackBot("south").say({ from: "not_on_roster", text: "平安", chattype: "group", chatid: "wr_leaders", mention: true, msgid: "south-stranger" });
  expect(stranger.markdown).toContain("不在南县平安助手的名单中");
  const help = await callbackBot("north").say({ from: "wang_zhiyuan", text: "帮助", chattype: "group", chatid: "wr_principals", mention: true, msgid: "north-help" });
  expect(help.markdown).toContain("@北县平安助手");
  expect(help.markdown).not.toContain("@南县平安助手");
});

it("pingan say --bot speaks to that bot at its own URL with its own secrets, and refuses a bot the config lacks", async () => {
  const said: string[] = [];
  const cli = (...args: string[]) => runCli(["node", "pingan", "say", "--url", system.url!, ...args], { ...TEST_ENV, ...env, PINGAN_CONFIG: join(dir, "pingan.yaml") }, { out: (l) => said.push(l), err: (l) => said.push(l) });
  const before = await recorded();
  expect(await cli("--bot", "south", "--as", "huang_qiang", "平安")).toBe(0);
  expect(said.join("\n")).toContain("已登记");
  expect(await recorded()).toBe(before + 1);
  said.length = 0;
  expect(await cli("--bot", "nobody", "--as", "huang_qiang", "平安")).toBe(1);
  expect(said.join("\n")).toContain("配置里没有机器人“nobody”。可写：north、south、east、west");
  expect(await recorded()).toBe(before + 1);
});

it("counts each callback bot's callbacks and reply times under its own label", async () => {
  await callbackBot("north").say({ from: "zhao_min", text: "帮助", chattype: "group", chatid: "wr_principals", msgid: "north-metrics" });
  const text = await (await fetch(`${system.url}/metrics`)).text();
  expect(text).toMatch(/pingan_callbacks_total\{bot="north",outcome="replied"\} [1-9]/);
  expect(text).toMatch(/pingan_callbacks_total\{bot="south",outcome="replied"\} [1-9]/);
  expect(text).toMatch(/pingan_reply_seconds_count\{bot="north"\} [1-9]/);
  expect(text).not.toContain('bot="default"');
});

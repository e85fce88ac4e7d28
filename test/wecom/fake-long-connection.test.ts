import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  FAKE_ERRCODES,
  startFakeLongConnection,
  type FakeLongConnection,
  type FakeLongConnectionOptions,
} from "../../src/wecom/simulator/fake-long-connection.js";

interface Frame {
  cmd?: string;
  headers: { req_id: string };
  body?: any;
  errcode?: number;
  errmsg?: string;
}

/** A bare client speaking the frames by hand, so the fake is tested without our own client. */
interface RawClient {
  frames: Frame[];
  closed: Promise<number>;
  request(cmd: string, body?: unknown, reqId?: string): Promise<Frame>;
  /** Sends and reports whether an ack came within `ms`. */
  unanswered(cmd: string, ms: number): Promise<boolean>;
  next(predicate: (frame: Frame) => boolean): Promise<Frame>;
  close(): Promise<void>;
}

const BOT = { botId: "bot-1", secret: "s3cret" };
let fake: FakeLongConnection | undefined;
const clients: RawClient[] = [];
let seq = 0;

async function start(extra: Partial<FakeLongConnectionOptions> = {}): Promise<FakeLongConnection> {
  fake = await startFakeLongConnection({ ...BOT, ...extra });
  return fake;
}

async function connect(url: string): Promise<RawClient> {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  const waiters: Array<{ predicate: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  const closed = new Promise<number>((resolve) => ws.on("close", (code) => resolve(code)));
  ws.on("message", (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    frames.push(frame);
    for (const w of [...waiters]) {
      if (w.predicate(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    }
  });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  const next = (predicate: (f: Frame) => boolean, from = 0) =>
    new Promise<Frame>((resolve) => {
      const seen = frames.slice(from).find(predicate);
      if (seen) resolve(seen);
      else waiters.push({ predicate, resolve });
    });
  const client: RawClient = {
    frames,
    closed,
    next,
    request(cmd, body, reqId = `${cmd}_${++seq}`) {
      const from = frames.length;
      ws.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }));
      return next((f) => f.cmd === undefined && f.headers.req_id === reqId, from);
    },
    async unanswered(cmd, ms) {
      const reqId = `${cmd}_${++seq}`;
      ws.send(JSON.stringify({ cmd, headers: { req_id: reqId } }));
      await new Promise((resolve) => setTimeout(resolve, ms));
      return !frames.some((f) => f.headers.req_id === reqId);
    },
    async close() {
      ws.terminate();
      await closed;
    },
  };
  clients.push(client);
  return client;
}

async function subscribed(url: string): Promise<RawClient> {
  const client = await connect(url);
  const ack = await client.request("aibot_subscribe", { bot_id: BOT.botId, secret: BOT.secret });
  expect(ack.errcode).toBe(0);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await fake?.close();
  fake = undefined;
});

describe("fake long connection: subscriptions", () => {
  it("accepts the right credentials, answers pings, and records the live subscription", async () => {
    const server = await start();
    const client = await subscribed(server.url);
    const pong = await client.request("ping");
    expect(pong).toStrictEqual({ headers: { req_id: pong.headers.req_id }, errcode: 0, errmsg: "ok" });
    expect(server.subscriptions()).toHaveLength(1);
    expect(server.subscriptions()[0]?.closedAt).toBeUndefined();
  });

  it("refuses a wrong secret with an error ack, then closes", async () => {
    const server = await start();
    const client = await connect(server.url);
    const ack = await client.request("aibot_subscribe", { bot_id: BOT.botId, secret: "wrong" });
    expect(ack.errcode).toBe(FAKE_ERRCODES.badCredentials);
    expect(await client.closed).toBe(1008);
    expect(server.subscriptions()).toHaveLength(0);
  });

  it("refuses frames before a subscribe", async () => {
    const server = await start();
    const client = await connect(server.url);
    expect((await client.request("ping")).errcode).toBe(FAKE_ERRCODES.invalidRequest);
  });

  it("kicks the older connection with disconnected_event, so two are never live at once", async () => {
    const server = await start();
    const first = await subscribed(server.url);
    const second = await subscribed(server.url);
    const kick = await first.next((f) => f.cmd === "aibot_event_callback");
    expect(kick.body).toMatchObject({ aibotid: BOT.botId, msgtype: "event", event: { eventtype: "disconnected_event" } });
    expect(await first.closed).toBe(1000);
    expect((await second.request("ping")).errcode).toBe(0);
    const [older, newer] = server.subscriptions();
    expect(older?.endedBy).toBe("kicked");
    expect(older?.closedAt).toBeLessThanOrEqual(newer?.openedAt ?? -1);
    expect(newer?.closedAt).toBeUndefined();
  });

  it("refuses subscribes on demand, and accepts them again after", async () => {
    const server = await start();
    server.rejectSubscribes(FAKE_ERRCODES.rateLimited);
    const refused = await connect(server.url);
    expect((await refused.request("aibot_subscribe", { bot_id: BOT.botId, secret: BOT.secret })).errcode).toBe(45009);
    await refused.closed;
    server.rejectSubscribes(undefined);
    await subscribed(server.url);
    expect(server.subscriptions()).toHaveLength(1);
  });

  it("drops every socket abruptly", async () => {
    const server = await start();
    const client = await subscribed(server.url);
    server.dropAll();
    expect(await client.closed).toBe(1006);
    expect(server.subscriptions()[0]?.endedBy).toBe("dropped");
  });

  it("goes half-alive: frames are recorded but not answered", async () => {
    const server = await start();
    const client = await subscribed(server.url);
    server.stopAcks(true);
    expect(await client.unanswered("ping", 100)).toBe(true);
    expect(server.received("ping")).toHaveLength(1);
    server.stopAcks(false);
    expect((await client.request("ping")).errcode).toBe(0);
  });
});

describe("fake long connection: callbacks and replies", () => {
  it("delivers a group text as callback mode does, mention included", async () => {
    const server = await start({ botName: "平安助手" });
    const client = await subscribed(server.url);
    const reqId = server.sendText({ userid: "zhangsan", chatid: "wr_group", text: "平安 在校1200", msgid: "m1" });
    const frame = await client.next((f) => f.cmd === "aibot_msg_callback");
    expect(frame).toStrictEqual({
      cmd: "aibot_msg_callback",
      headers: { req_id: reqId },
      body: {
        msgid: "m1",
        aibotid: BOT.botId,
        chatid: "wr_group",
        chattype: "group",
        from: { userid: "zhangsan" },
        msgtype: "text",
        text: { content: "@平安助手 平安 在校1200" },
      },
    });
  });

  it("delivers a direct text without chatid or mention", async () => {
    const server = await start();
    const client = await subscribed(server.url);
    server.sendText({ userid: "lisi", text: "汇总" });
    const frame = await client.next((f) => f.cmd === "aibot_msg_callback");
    expect(frame.body).toStrictEqual({
      msgid: expect.any(String),
      aibotid: BOT.botId,
      chattype: "single",
      from: { userid: "lisi" },
      msgtype: "text",
      text: { content: "汇总" },
    });
  });

  it("throws when no subscription is live to deliver to", async () => {
    const server = await start();
    expect(() => server.sendText({ userid: "u", text: "x" })).toThrow(/no live subscription/);
  });

  it("acks a reply on the callback's req_id and records it; refuses unknown req_ids", async () => {
    const server = await start();
    const client = await subscribed(server.url);
    const reqId = server.sendText({ userid: "u1", text: "hi" });
    const body = { msgtype: "stream", stream: { id: "s1", finish: true, content: "好" } };
    expect((await client.request("aibot_respond_msg", body, reqId)).errcode).toBe(0);
    expect(server.responses(reqId)).toMatchObject([{ cmd: "aibot_respond_msg", body, ack: { errcode: 0 } }]);
    expect((await client.request("aibot_respond_msg", body, "nope")).errcode).toBe(FAKE_ERRCODES.invalidRequest);
  });

  it("accepts 20480 bytes of stream content and refuses 20481", async () => {
    const server = await start();
    const client = await subscribed(server.url);
    const reqId = server.sendText({ userid: "u1", text: "hi" });
    const fits = "平".repeat(6826) + "ab"; // 3 × 6826 + 2 = 20480 bytes
    const stream = (id: string, content: string) => ({ msgtype: "stream", stream: { id, finish: true, content } });
    expect((await client.request("aibot_respond_msg", stream("a", fits), reqId)).errcode).toBe(0);
    const over = await client.request("aibot_respond_msg", stream("b", `${fits}c`), reqId);
    expect(over.errcode).toBe(FAKE_ERRCODES.contentTooLarge);
  });

  it("pushes only to chats where a user has spoken", async () => {
    const server = await start();
    const client = await subscribed(server.url);
    const push = (chatid: string) =>
      client.request("aibot_send_msg", { chatid, msgtype: "markdown", markdown: { content: "通知" } });
    expect((await push("wr_group")).errcode).toBe(FAKE_ERRCODES.invalidChat);
    server.sendText({ userid: "u1", chatid: "wr_group", text: "hi" });
    server.sendText({ userid: "u2", text: "hi" });
    expect((await push("wr_group")).errcode).toBe(0);
    expect((await push("u2")).errcode).toBe(0);
    expect(server.sent().map((f) => f.ack?.errcode)).toStrictEqual([93006, 0, 0]);
  });

  it("allows 30 replies and pushes a minute per conversation, counting a stream once", async () => {
    let t = 1_700_000_000_000;
    const server = await start({ now: () => t });
    const client = await subscribed(server.url);
    const reqId = server.sendText({ userid: "u1", chatid: "g1", text: "hi" });
    const other = server.sendText({ userid: "u1", chatid: "g2", text: "hi" });
    const stream = (finish: boolean) => ({ msgtype: "stream", stream: { id: "s1", finish, content: "…" } });
    expect((await client.request("aibot_respond_msg", stream(false), reqId)).errcode).toBe(0);
    expect((await client.request("aibot_respond_msg", stream(true), reqId)).errcode).toBe(0);
    const push = (chatid: string) =>
      client.request("aibot_send_msg", { chatid, msgtype: "markdown", markdown: { content: "x" } });
    for (let i = 0; i < 29; i++) expect((await push("g1")).errcode).toBe(0);
    expect((await push("g1")).errcode).toBe(FAKE_ERRCODES.rateLimited);
    expect((await push("g2")).errcode).toBe(0);
    expect((await client.request("aibot_respond_msg", stream(true), other)).errcode).toBe(0);
    t += 60_000;
    expect((await push("g1")).errcode).toBe(0);
  });

  it("accepts a welcome within 5 s of enter_chat only", async () => {
    let t = 1_700_000_000_000;
    const server = await start({ now: () => t });
    const client = await subscribed(server.url);
    const welcome = { msgtype: "text", text: { content: "您好" } };
    const onTime = server.sendEvent({ userid: "u1", eventtype: "enter_chat" });
    const event = await client.next((f) => f.headers.req_id === onTime);
    expect(event.body).toMatchObject({ chattype: "single", from: { userid: "u1" }, msgtype: "event", event: { eventtype: "enter_chat" } });
    t += 5_000;
    expect((await client.request("aibot_respond_welcome_msg", welcome, onTime)).errcode).toBe(0);
    const late = server.sendEvent({ userid: "u1", eventtype: "enter_chat" });
    t += 5_001;
    expect((await client.request("aibot_respond_welcome_msg", welcome, late)).errcode).toBe(FAKE_ERRCODES.invalidRequest);
    const text = server.sendText({ userid: "u1", text: "hi" });
    expect((await client.request("aibot_respond_welcome_msg", welcome, text)).errcode).toBe(FAKE_ERRCODES.invalidRequest);
  });

  it("accepts a card update within 5 s of the click and records it", async () => {
    let t = 1_700_000_000_000;
    const server = await start({ now: () => t });
    const client = await subscribed(server.url);
    const cardEvent = { card_type: "button_interaction", event_key: "confirm", task_id: "task-1" };
    const click = server.sendEvent({ userid: "u1", chatid: "g1", eventtype: "template_card_event", cardEvent });
    const event = await client.next((f) => f.headers.req_id === click);
    expect(event.body).toMatchObject({
      chatid: "g1",
      chattype: "group",
      event: { eventtype: "template_card_event", template_card_event: cardEvent },
    });
    const update = {
      response_type: "update_template_card",
      userids: ["u1"],
      template_card: { card_type: "button_interaction", task_id: "task-1", main_title: { title: "已确认" }, button_list: [{ text: "已确认", key: "confirm", style: 2 }] },
    };
    expect((await client.request("aibot_respond_update_msg", update, click)).errcode).toBe(0);
    const late = server.sendEvent({ userid: "u1", chatid: "g1", eventtype: "template_card_event", cardEvent });
    t += 5_001;
    expect((await client.request("aibot_respond_update_msg", update, late)).errcode).toBe(FAKE_ERRCODES.invalidRequest);
    expect(server.updates().map((f) => [f.reqId, f.ack?.errcode])).toStrictEqual([
      [click, 0],
      [late, FAKE_ERRCODES.invalidRequest],
    ]);
  });

  it("refuses a card of a shape WeCom refuses, pushed, replied or as an update", async () => {
    const server = await start();
    const client = await subscribed(server.url);
    server.sendText({ userid: "u1", chatid: "g1", text: "hi" });
    const button = (i: number) => ({ text: `按钮${i}`, key: `k${i}`, style: 2 });
    const options = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i), text: `选项${i}` }));
    const card = (extra: Record<string, unknown>) => ({ card_type: "button_interaction", task_id: "t-1", main_title: { title: "例会" }, button_list: [button(1)], ...extra });
    const push = (template_card: unknown) => client.request("aibot_send_msg", { chatid: "g1", msgtype: "template_card", template_card });
    const dropdown = (n: number) => ({ button_selection: { question_key: "q", title: "结果", option_list: options(n) } });
    expect((await push(card(dropdown(10)))).errcode).toBe(0);
    for (const bad of [
      card({ button_list: [1, 2, 3, 4, 5, 6, 7].map(button) }),
      card({ button_list: [] }),
      card(dropdown(11)),
      card({ button_selection: { question_key: "q", title: "结果", option_list: [{ id: "a", text: "x" }, { id: "a", text: "y" }] } }),
      card({ task_id: "例会 1" }),
      card({ button_list: [{ text: "x", key: "k".repeat(1025), style: 1 }] }),
      { card_type: "vote_interaction", task_id: "t-2", main_title: { title: "投票" }, checkbox: { question_key: "q", option_list: options(21) }, submit_button: { text: "提交", key: "s" } },
      { card_type: "multiple_interaction", task_id: "t-3", main_title: { title: "多选" }, select_list: [1, 2, 3, 4].map(() => ({ question_key: "q", option_list: options(2) })), submit_button: { text: "提交", key: "s" } },
    ]) {
      expect((await push(bad)).errcode).toBe(FAKE_ERRCODES.invalidRequest);
    }
    const click = server.sendEvent({ userid: "u1", chatid: "g1", eventtype: "template_card_event", cardEvent: { card_type: "button_interaction", event_key: "k1", task_id: "t-1" } });
    const update = { response_type: "update_template_card", userids: ["u1"], template_card: card(dropdown(11)) };
    expect((await client.request("aibot_respond_update_msg", update, click)).errcode).toBe(FAKE_ERRCODES.invalidRequest);
  });
});

import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { pino } from "pino";
import { hasCode, LONG_CONNECTION_CODES, type LongConnectionError } from "../../src/errors.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  createLongConnection,
  type CallbackFrame,
  type LongConnection,
  type LongConnectionOptions,
  type LongConnectionState,
} from "../../src/wecom/long-connection.js";
import { readInbound } from "../../src/wecom/message-bodies.js";
import {
  FAKE_ERRCODES,
  startFakeLongConnection,
  type FakeLongConnection,
  type FakeSubscription,
} from "../../src/wecom/simulator/fake-long-connection.js";

const BOT = { botId: "bot-1", secret: "s3cret" };
const log = pino({ level: "silent" });
let fake: FakeLongConnection | undefined;
const connections: LongConnection[] = [];

async function startFake(): Promise<FakeLongConnection> {
  fake = await startFakeLongConnection(BOT);
  return fake;
}

function client(url: string, extra: Partial<LongConnectionOptions> = {}): LongConnection {
  const conn = createLongConnection({
    url,
    ...BOT,
    log,
    heartbeatMs: 10_000,
    ackTimeoutMs: 300,
    backoff: { minMs: 20, maxMs: 200 },
    ...extra,
  });
  connections.push(conn);
  return conn;
}

async function subscribed(server: FakeLongConnection, extra: Partial<LongConnectionOptions> = {}): Promise<LongConnection> {
  const conn = client(server.url, extra);
  conn.start();
  await server.waitFor(() => conn.state === "subscribed");
  return conn;
}

function nextCallback(conn: LongConnection): Promise<CallbackFrame> {
  return new Promise((resolve) => {
    const off = conn.on("callback", (frame) => {
      off();
      resolve(frame);
    });
  });
}

async function failure(promise: Promise<unknown>): Promise<LongConnectionError> {
  try {
    await promise;
  } catch (err) {
    expect(hasCode(err, ...LONG_CONNECTION_CODES)).toBe(true);
    return err as LongConnectionError;
  }
  throw new Error("expected a rejection");
}

/** True when no two subscriptions were ever live at the same time. */
function neverTwoLive(history: FakeSubscription[]): boolean {
  const sorted = [...history].sort((a, b) => a.openedAt - b.openedAt);
  return sorted.every((sub, i) => {
    const later = sorted[i + 1];
    return later === undefined || (sub.closedAt !== undefined && sub.closedAt <= later.openedAt);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `ws://127.0.0.1:${port}`;
}

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.stop()));
  await fake?.close();
  fake = undefined;
});

describe("long connection: subscribing and replying", () => {
  it("subscribes and reports it", async () => {
    const server = await startFake();
    const conn = client(server.url);
    const states: LongConnectionState[] = [];
    conn.on("state", (state) => {
      states.push(state);
    });
    expect(conn.status()).toMatchObject({ state: "idle", reconnects: 0 });
    conn.start();
    await server.waitFor(() => conn.state === "subscribed");
    expect(states).toStrictEqual(["connecting", "subscribed"]);
    expect(conn.status()).toStrictEqual({ state: "subscribed", since: expect.any(Number), reconnects: 0 });
    expect(server.subscriptions()).toHaveLength(1);
    expect(server.received("aibot_subscribe")[0]?.body).toStrictEqual({ bot_id: BOT.botId, secret: BOT.secret });
  });

  it("replies to a text with a finished stream on its req_id", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    const message = nextCallback(conn);
    const reqId = server.sendText({ userid: "zhangsan", chatid: "wr_group", text: "平安 在校1200" });
    const frame = await message;
    expect(frame.reqId).toBe(reqId);
    expect(frame.cmd).toBe("aibot_msg_callback");
    expect(readInbound(frame.body)).toMatchObject({ kind: "text", chattype: "group", chatid: "wr_group", userid: "zhangsan", text: "@平安助手 平安 在校1200" });
    const body = { msgtype: "stream" as const, stream: { id: "stream-1", finish: true, content: "已记录" } };
    await expect(conn.respond(frame.reqId, body)).resolves.toMatchObject({ reqId, errcode: 0 });
    expect(server.responses(reqId)).toMatchObject([{ cmd: "aibot_respond_msg", body, ack: { errcode: 0 } }]);
  });

  it("sends the frames of one stream one at a time, each after the previous ack", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    const reqId = server.sendText({ userid: "u1", text: "hi" });
    const frames = [false, false, true].map((finish, i) =>
      conn.respond(reqId, { msgtype: "stream", stream: { id: "s", finish, content: `part ${i}` } }),
    );
    await Promise.all(frames);
    expect(server.responses(reqId).map((f) => (f.body as { stream: { content: string } }).stream.content)).toStrictEqual([
      "part 0",
      "part 1",
      "part 2",
    ]);
  });

  it("answers enter_chat with a welcome", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    const event = nextCallback(conn);
    const reqId = server.sendEvent({ userid: "lisi", eventtype: "enter_chat" });
    const frame = await event;
    expect(frame.cmd).toBe("aibot_event_callback");
    expect(readInbound(frame.body)).toMatchObject({ kind: "event", eventtype: "enter_chat", userid: "lisi" });
    await conn.respondWelcome(frame.reqId, { msgtype: "text", text: { content: "您好，我是平安助手" } });
    expect(server.responses(reqId)).toMatchObject([{ cmd: "aibot_respond_welcome_msg", ack: { errcode: 0 } }]);
  });

  it("updates a card after a click", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    const event = nextCallback(conn);
    const cardEvent = { card_type: "button_interaction", event_key: "confirm", task_id: "task-1" };
    server.sendEvent({ userid: "lisi", chatid: "g1", eventtype: "template_card_event", cardEvent });
    const frame = await event;
    expect(readInbound(frame.body)).toMatchObject({ kind: "event", eventtype: "template_card_event", card: { key: "confirm", taskId: "task-1" } });
    const card = { card_type: "text_notice", task_id: "task-1", main_title: { title: "已确认" } };
    await conn.updateCard(frame.reqId, { userids: ["lisi"], template_card: card });
    expect(server.updates()).toMatchObject([
      { reqId: frame.reqId, body: { response_type: "update_template_card", userids: ["lisi"] }, ack: { errcode: 0 } },
    ]);
  });

  it("hands on each callback's body as it came, for the receiver to read once as the callback URL's", async () => {
    const server = await startFake();
    const refused: string[] = [];
    const conn = await subscribed(server, { onRefused: (reason) => refused.push(reason) });
    const callbacks: CallbackFrame[] = [];
    conn.on("callback", (frame) => void callbacks.push(frame));
    const event = { msgtype: "event", event: { eventtype: "feedback_event" } };
    // A text without its text: the receiver refuses it (long-connection-receiver.test.ts), the connection does not read it.
    const textless = { msgid: "m1", chattype: "single", from: { userid: "u" }, msgtype: "text" };
    server.sendRaw(JSON.stringify({ cmd: "aibot_event_callback", headers: { req_id: "e1" }, body: event }));
    server.sendRaw(JSON.stringify({ cmd: "aibot_msg_callback", headers: { req_id: "m1" }, body: textless }));
    await server.waitFor(() => callbacks.length === 2);
    expect(callbacks).toStrictEqual([
      { cmd: "aibot_event_callback", reqId: "e1", body: event },
      { cmd: "aibot_msg_callback", reqId: "m1", body: textless },
    ]);
    expect(refused).toStrictEqual([]);
  });

  it("pushes to a chat where a user spoke, and rejects an unknown chatid as invalid_chat", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    server.sendText({ userid: "u1", chatid: "wr_known", text: "hi" });
    const body = { msgtype: "markdown" as const, markdown: { content: "**提醒**" } };
    await expect(conn.send("wr_known", body)).resolves.toMatchObject({ errcode: 0 });
    const err = await failure(conn.send("wr_unknown", body));
    expect(err).toMatchObject({ code: "invalid_chat", details: { errcode: 93006 } });
    expect(server.sent().map((f) => f.body)).toStrictEqual([
      { chatid: "wr_known", ...body },
      { chatid: "wr_unknown", ...body },
    ]);
  });

  it("uploads a picture in 512 KB chunks and pushes it by media_id; an unknown media_id is refused", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    server.sendText({ userid: "u1", chatid: "wr_known", text: "hi" });
    const bytes = randomBytes(1_200_000);
    const mediaId = await conn.uploadMedia({ type: "image", filename: "chart.png", bytes });
    expect(server.media(mediaId)?.equals(bytes)).toBe(true);
    const chunks = server.received("aibot_upload_media_chunk").map((f) => (f.body as { chunk_index: number }).chunk_index);
    expect(chunks).toEqual([0, 1, 2]);
    await expect(conn.send("wr_known", { msgtype: "image", image: { media_id: mediaId } })).resolves.toMatchObject({ errcode: 0 });
    const err = await failure(conn.send("wr_known", { msgtype: "image", image: { media_id: "not-uploaded" } }));
    expect(err).toMatchObject({ code: "rejected", details: { errcode: 40007 } });
  });

  it("counts replies and pushes together: the 31st message in a minute is rate_limited", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    const reqId = server.sendText({ userid: "u1", chatid: "g1", text: "hi" });
    await conn.respond(reqId, { msgtype: "stream", stream: { id: "s", finish: true, content: "ok" } });
    const body = { msgtype: "markdown" as const, markdown: { content: "x" } };
    for (let i = 0; i < 29; i++) await conn.send("g1", body);
    const err = await failure(conn.send("g1", body));
    expect(err).toMatchObject({ code: "rate_limited", details: { errcode: 45009 } });
    expect(conn.state).toBe("subscribed");
  });

  it("rejects stream content over 20480 bytes as too_large", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    const reqId = server.sendText({ userid: "u1", text: "hi" });
    const err = await failure(
      conn.respond(reqId, { msgtype: "stream", stream: { id: "s", finish: true, content: "x".repeat(20_481) } }),
    );
    expect(err).toMatchObject({ code: "too_large", details: { errcode: FAKE_ERRCODES.contentTooLarge } });
  });

  it("rejects a request with timeout when its ack does not come", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    server.sendText({ userid: "u1", text: "hi" });
    server.stopAcks(true);
    const started = Date.now();
    const err = await failure(conn.send("u1", { msgtype: "markdown", markdown: { content: "x" } }));
    expect(err.code).toBe("timeout");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});

describe("long connection: not connected", () => {
  it("rejects at once with not_connected before start, while reconnecting, and after stop", async () => {
    const server = await startFake();
    const conn = client(server.url, { backoff: { minMs: 50, maxMs: 100 } });
    const body = { msgtype: "markdown" as const, markdown: { content: "x" } };
    expect((await failure(conn.send("g1", body))).code).toBe("not_connected");

    conn.start();
    await server.waitFor(() => conn.state === "subscribed");
    server.rejectSubscribes(FAKE_ERRCODES.rateLimited);
    server.dropAll();
    await server.waitFor(() => conn.state === "connecting");
    // At once: before any new subscribe attempt, however slow the machine (a request that waited for the reconnect would see one).
    const attempts = server.received("aibot_subscribe").length;
    expect((await failure(conn.respond("any", { msgtype: "markdown", markdown: { content: "x" } }))).code).toBe(
      "not_connected",
    );
    expect((await failure(conn.send("g1", body))).code).toBe("not_connected");
    expect(server.received("aibot_subscribe")).toHaveLength(attempts);

    server.rejectSubscribes(undefined);
    await server.waitFor(() => conn.state === "subscribed");
    await conn.stop();
    expect((await failure(conn.send("g1", body))).code).toBe("not_connected");
  });

  it("rejects a request in flight with connection_lost when the socket drops before its ack", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    server.sendText({ userid: "u1", text: "hi" });
    server.stopAcks(true);
    const pending = failure(conn.send("u1", { msgtype: "markdown", markdown: { content: "x" } }));
    await server.waitFor(() => server.sent().length === 1);
    server.dropAll();
    expect((await pending).code).toBe("connection_lost");
  });

  it("stops for good: closes, does not reconnect", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    await conn.stop();
    expect(conn.state).toBe("stopped");
    await server.waitFor(() => server.connectionCount() === 0);
    await sleep(150);
    expect(server.received("aibot_subscribe")).toHaveLength(1);
    expect(server.subscriptions()[0]?.endedBy).toBe("closed");
  });
});

describe("long connection: failures and recovery", () => {
  it("reports a wrong secret as bad_credentials and retries slowly, not in a tight loop", async () => {
    const server = await startFake();
    const conn = client(server.url, { secret: "wrong", backoff: { minMs: 10, maxMs: 300 } });
    const reasons: Array<string | undefined> = [];
    conn.on("reconnecting", ({ reason }) => {
      reasons.push(reason);
    });
    conn.start();
    await server.waitFor(() => server.received("aibot_subscribe").length >= 3);
    const attempts = server.received("aibot_subscribe");
    // One at once, then one per maxMs at most: a 10 ms loop would have made them 10 ms apart.
    for (let i = 1; i < attempts.length; i += 1) expect(attempts[i]!.at - attempts[i - 1]!.at).toBeGreaterThanOrEqual(290);
    expect(attempts.every((f) => f.ack?.errcode === FAKE_ERRCODES.badCredentials)).toBe(true);
    expect(conn.state).toBe("connecting");
    expect(conn.status().lastError).toMatchObject({ code: "bad_credentials", errcode: FAKE_ERRCODES.badCredentials });
    expect(reasons.every((r) => r === "bad_credentials")).toBe(true);
    expect(server.subscriptions()).toHaveLength(0);
  });

  it("reconnects after the server drops it, after a backoff delay, and subscribes again", async () => {
    const server = await startFake();
    const conn = await subscribed(server, { backoff: { minMs: 100, maxMs: 1_000 }, random: () => 0 });
    const states: LongConnectionState[] = [];
    conn.on("state", (state) => {
      states.push(state);
    });
    const droppedAt = Date.now();
    server.dropAll();
    await server.waitFor(() => server.subscriptions().length === 2 && conn.state === "subscribed");
    const [first, second] = server.subscriptions();
    expect(second!.openedAt - droppedAt).toBeGreaterThanOrEqual(95);
    expect(first?.endedBy).toBe("dropped");
    expect(states).toStrictEqual(["connecting", "subscribed"]);
    expect(conn.status()).toMatchObject({ state: "subscribed", reconnects: 1, lastError: { code: "connection_lost" } });
    expect(neverTwoLive(server.subscriptions())).toBe(true);
  });

  it("backs off with decorrelated jitter, from minMs up to the maxMs cap", async () => {
    const url = await refusedUrl();
    const collect = async (random: () => number): Promise<number[]> => {
      const conn = client(url, { backoff: { minMs: 10, maxMs: 100 }, random });
      const delays: number[] = [];
      conn.on("reconnecting", ({ delayMs }) => {
        delays.push(delayMs);
      });
      conn.start();
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (delays.length >= 5) {
            clearInterval(timer);
            resolve();
          }
        }, 5);
      });
      await conn.stop();
      expect(conn.status().lastError?.code).toBe("connection_lost");
      return delays.slice(0, 5);
    };
    expect(await collect(() => 0)).toStrictEqual([10, 10, 10, 10, 10]);
    expect(await collect(() => 0.999999)).toStrictEqual([30, 90, 100, 100, 100]);
    const halves = await collect(() => 0.5);
    expect(halves[0]).toBe(20); // between 10 and 3 × 10
    expect(halves[1]).toBe(35); // between 10 and 3 × 20
  });

  it("notices a half-alive server by its unanswered heartbeat and reconnects", async () => {
    const server = await startFake();
    const conn = await subscribed(server, { heartbeatMs: 50, ackTimeoutMs: 150 });
    server.stopAcks(true);
    await server.waitFor(() => conn.state === "connecting");
    expect(conn.status().lastError).toMatchObject({ code: "timeout" });
    expect(server.subscriptions()[0]?.endedBy).toBe("closed");
    server.stopAcks(false);
    await server.waitFor(() => conn.state === "subscribed" && server.subscriptions().length === 2);
    expect(server.received("ping").length).toBeGreaterThanOrEqual(1);
    expect(neverTwoLive(server.subscriptions())).toBe(true);
  });

  it("steps down when a second client takes the bot over, stays down, and takes it back on start()", async () => {
    const server = await startFake();
    const first = await subscribed(server);
    let steppedDown = 0;
    first.on("stepped-down", () => {
      steppedDown += 1;
    });
    const second = await subscribed(server);
    await server.waitFor(() => first.state === "stepped_down");
    expect(steppedDown).toBe(1);
    expect(first.status().lastError).toMatchObject({ code: "stepped_down" });

    await sleep(300); // many times minMs: a reconnecting client would have kicked back by now
    expect(first.state).toBe("stepped_down");
    expect(second.state).toBe("subscribed");
    expect(server.subscriptions()).toHaveLength(2);
    expect(server.subscriptions()[0]?.endedBy).toBe("kicked");
    expect(neverTwoLive(server.subscriptions())).toBe(true);
    const err = await failure(first.send("g1", { msgtype: "markdown", markdown: { content: "x" } }));
    expect(err.code).toBe("not_connected");

    first.start();
    await server.waitFor(() => first.state === "subscribed" && second.state === "stepped_down");
    await sleep(100);
    expect(server.subscriptions()).toHaveLength(3);
    expect(neverTwoLive(server.subscriptions())).toBe(true);
  });

  it("subscribes only when its owner says it may, asked right before each subscribe", async () => {
    const server = await startFake();
    const answers: (boolean | Error)[] = [new Error("Redis out of reach"), false, true];
    let asked = 0;
    const conn = client(server.url, {
      maySubscribe: async () => {
        const answer = answers[Math.min(asked++, answers.length - 1)]!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    conn.start();
    // Unanswered, then refused: no subscribe went out either time, and the client kept asking.
    await server.waitFor(() => conn.state === "subscribed");
    expect(asked).toBe(3);
    expect(server.received("aibot_subscribe")).toHaveLength(1);
    expect(server.subscriptions()).toHaveLength(1);
    expect(conn.status().reconnects).toBe(2);
  });

  it("keeps going when a listener throws", async () => {
    const server = await startFake();
    const conn = await subscribed(server);
    conn.on("callback", () => {
      throw new Error("boom");
    });
    conn.on("callback", async () => {
      throw new Error("async boom");
    });
    const second = nextCallback(conn);
    server.sendText({ userid: "u1", text: "hi" });
    await second;
    await sleep(20);
    expect(conn.state).toBe("subscribed");
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeFrame } from "../../../src/wecom/long-connection/decode-frame.js";
import { createRequests, makeReqId, type FrameSocket } from "../../../src/wecom/long-connection/requests.js";
import { hasCode, LONG_CONNECTION_CODES, type LongConnectionError } from "../../../src/errors.js";

/** A socket that keeps what was sent; `fail` makes the next write report an error. */
function fakeSocket(readyState = 1) {
  const sent: string[] = [];
  let fail: Error | undefined;
  const socket: FrameSocket & { sent: string[]; failNext(error: Error): void } = {
    readyState,
    sent,
    send(text, done) {
      sent.push(text);
      const error = fail;
      fail = undefined;
      queueMicrotask(() => done(error));
    },
    failNext(error) {
      fail = error;
    },
  };
  return socket;
}

const ack = (reqId: string, extra: Record<string, unknown> = {}) => ({ headers: { req_id: reqId }, ...extra });

async function failure(promise: Promise<unknown>): Promise<LongConnectionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(hasCode(error, ...LONG_CONNECTION_CODES)).toBe(true);
  return error as LongConnectionError;
}

afterEach(() => {
  vi.useRealTimers();
});

describe("requests and their acks", () => {
  it("sends the frame and resolves with the ack of its req_id, errcode and body included", async () => {
    const acks = createRequests({ ackTimeoutMs: 1_000, now: Date.now });
    const socket = fakeSocket();
    const waiting = acks.exchange(socket, "aibot_upload_media_init", "r1", { md5: "x" });
    expect(decodeFrame(socket.sent[0]!)).toStrictEqual({ cmd: "aibot_upload_media_init", headers: { req_id: "r1" }, body: { md5: "x" } });
    expect(acks.acknowledge(socket, ack("r1", { errcode: 0, errmsg: "ok", body: { upload_id: "u" } }))).toBe(true);
    await expect(waiting).resolves.toStrictEqual({ reqId: "r1", errcode: 0, errmsg: "ok", body: { upload_id: "u" } });
  });

  it("matches acks by req_id and socket: an ack for nothing in flight, or on another socket, is not taken", async () => {
    const acks = createRequests({ ackTimeoutMs: 1_000, now: Date.now });
    const [one, other] = [fakeSocket(), fakeSocket()];
    const waiting = acks.exchange(one, "ping", "r1");
    expect(acks.acknowledge(one, ack("unknown"))).toBe(false);
    expect(acks.acknowledge(other, ack("r1"))).toBe(false);
    expect(acks.acknowledge(one, ack("r1"))).toBe(true);
    expect(acks.acknowledge(one, ack("r1"))).toBe(false);
    await expect(waiting).resolves.toMatchObject({ reqId: "r1", errcode: 0, errmsg: "" });
  });

  it("rejects with not_connected on a socket that is not open, and sends nothing", async () => {
    const socket = fakeSocket(3);
    expect((await failure(createRequests({ ackTimeoutMs: 1_000, now: Date.now }).exchange(socket, "ping", "r1"))).code).toBe("not_connected");
    expect(socket.sent).toStrictEqual([]);
  });

  it("rejects with timeout when no ack comes within ackTimeoutMs, and takes no late ack", async () => {
    vi.useFakeTimers();
    const acks = createRequests({ ackTimeoutMs: 5_000, now: Date.now });
    const socket = fakeSocket();
    const waiting = failure(acks.exchange(socket, "aibot_send_msg", "r1"));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await waiting).toMatchObject({ code: "timeout", details: { reqId: "r1" } });
    expect(acks.acknowledge(socket, ack("r1"))).toBe(false);
  });

  it("rejects with connection_lost when the write fails", async () => {
    const acks = createRequests({ ackTimeoutMs: 1_000, now: Date.now });
    const socket = fakeSocket();
    socket.failNext(new Error("socket hang up"));
    expect(await failure(acks.exchange(socket, "aibot_send_msg", "r1"))).toMatchObject({ code: "connection_lost", details: { reqId: "r1" } });
  });

  it("rejects everything in flight on a socket that went with connection_lost, and nothing on another", async () => {
    const acks = createRequests({ ackTimeoutMs: 1_000, now: Date.now });
    const [gone, live] = [fakeSocket(), fakeSocket()];
    const lost = [failure(acks.exchange(gone, "ping", "a")), failure(acks.exchange(gone, "aibot_respond_msg", "b"))];
    const kept = acks.exchange(live, "ping", "c");
    acks.rejectAll(gone, "socket closed (1006)");
    expect((await Promise.all(lost)).map((e) => [e.code, e.message])).toStrictEqual([
      ["connection_lost", "ping: socket closed (1006) before the ack"],
      ["connection_lost", "aibot_respond_msg: socket closed (1006) before the ack"],
    ]);
    expect(acks.acknowledge(live, ack("c"))).toBe(true);
    await expect(kept).resolves.toMatchObject({ reqId: "c" });
  });

  it("makes req_ids that name the command and never repeat", () => {
    const ids = Array.from({ length: 100 }, () => makeReqId("ping", 1_700_000_000_000));
    expect(ids[0]).toMatch(/^ping_1700000000000_[0-9a-f]{8}$/);
    expect(new Set(ids).size).toBe(100);
  });
});

describe("the bot's requests on the live subscription", () => {
  /** The req_ids of the frames sent so far. */
  const reqIds = (socket: ReturnType<typeof fakeSocket>) => socket.sent.map((text) => decodeFrame(text)?.headers.req_id);
  const body = (content: string) => ({ msgtype: "markdown" as const, markdown: { content } });

  it("reject with not_connected while no socket is served, and send nothing", async () => {
    const requests = createRequests({ ackTimeoutMs: 1_000, now: Date.now });
    const socket = fakeSocket();
    expect((await failure(requests.respond("r", body("a")))).code).toBe("not_connected");
    requests.serve(socket);
    requests.serve(undefined);
    expect((await failure(requests.respond("r", body("a")))).code).toBe("not_connected");
    expect(socket.sent).toStrictEqual([]);
  });

  it("send one frame per req_id at a time, in order, each after the previous settled (even when it failed)", async () => {
    const requests = createRequests({ ackTimeoutMs: 1_000, now: Date.now });
    const socket = fakeSocket();
    requests.serve(socket);
    const a = failure(requests.respond("r", body("a")));
    const b = requests.respond("r", body("b"));
    const c = requests.respond("r", body("c"));
    await new Promise((done) => setImmediate(done));
    expect(reqIds(socket)).toStrictEqual(["r"]);
    requests.acknowledge(socket, ack("r", { errcode: 45009, errmsg: "limit" }));
    expect(await a).toMatchObject({ code: "rate_limited", details: { errcode: 45009, reqId: "r" } });
    await new Promise((done) => setImmediate(done));
    expect(reqIds(socket)).toStrictEqual(["r", "r"]);
    requests.acknowledge(socket, ack("r"));
    await expect(b).resolves.toMatchObject({ reqId: "r", errcode: 0 });
    await new Promise((done) => setImmediate(done));
    requests.acknowledge(socket, ack("r"));
    await expect(c).resolves.toMatchObject({ reqId: "r", errcode: 0 });
    expect(socket.sent.map((text) => (decodeFrame(text)?.body as { markdown: { content: string } }).markdown.content)).toStrictEqual(["a", "b", "c"]);
  });

  it("let different req_ids go side by side", async () => {
    const requests = createRequests({ ackTimeoutMs: 1_000, now: Date.now });
    const socket = fakeSocket();
    requests.serve(socket);
    const held = requests.respond("r1", body("a"));
    const other = requests.respond("r2", body("b"));
    expect(reqIds(socket)).toStrictEqual(["r1", "r2"]);
    requests.acknowledge(socket, ack("r2"));
    await expect(other).resolves.toMatchObject({ reqId: "r2" });
    requests.acknowledge(socket, ack("r1"));
    await held;
  });
});

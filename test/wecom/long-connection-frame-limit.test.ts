import { Writable } from "node:stream";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import pino from "pino";
import WebSocket from "ws";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLongConnection, MAX_INBOUND_FRAME_BYTES, type CallbackFrame, type FrameRefusal, type LongConnection } from "../../src/wecom/long-connection.js";
import { MEDIA_CHUNK_BYTES } from "../../src/wecom/long-connection/media-upload.js";
import { startFakeLongConnection, type FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { TEST_BOT } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

const lines: Record<string, unknown>[] = [];
const refused: FrameRefusal[] = [];
const callbacks: CallbackFrame[] = [];
let fake: FakeLongConnection;
let connection: LongConnection;
beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  fake = await startFakeLongConnection({ ...TEST_BOT });
  connection = createLongConnection({
    url: fake.url,
    ...TEST_BOT,
    log: pino({ level: "info" }, stream),
    backoff: { minMs: 50, maxMs: 100 },
    onRefused: (reason) => refused.push(reason),
  });
  connection.on("callback", (frame) => callbacks.push(frame));
  connection.start();
  await fake.waitFor(() => connection.state === "subscribed", 10_000);
});
afterAll(async () => {
  await connection.stop();
  await fake.close();
});

const MB = 1024 * 1024;
setFlagsFromString("--expose-gc");
// What the process keeps, not what the collector has yet to free: without a collection first, the
// sent 10 MB buffers still counted made the figure depend on when the collector ran (a busy machine).
const collect = runInNewContext("gc") as () => void;
const retainedRss = () => {
  collect();
  return process.memoryUsage().rss;
};
/** A message callback carrying 10 MB of text: well-formed, only too big. Made once, so that sending it costs the test little. */
const HUGE_MESSAGE = JSON.stringify({
  cmd: "aibot_msg_callback",
  headers: { req_id: "huge" },
  body: { msgid: "huge", aibotid: TEST_BOT.botId, chatid: "wr-group", chattype: "group", from: { userid: "u1" }, msgtype: "text", text: { content: "平安".repeat((10 * MB) / 6) } },
});

it("refuses WeCom frames over 256 KB before reading them: counted, logged without content, reconnected, memory flat", async () => {
  const rss: number[] = [retainedRss()];
  for (let i = 0; i < 10; i += 1) {
    const subscribed = fake.subscriptions().length;
    fake.sendRaw(HUGE_MESSAGE);
    await waitFor("the frame refused", () => refused.length === i + 1, { timeoutMs: 10_000 });
    await waitFor("subscribed again", () => fake.subscriptions().length === subscribed + 1 && connection.state === "subscribed", { timeoutMs: 10_000 });
    rss.push(retainedRss());
  }
  expect(refused).toEqual(Array(10).fill("too_large"));
  // This process is both sides: what sending costs it (a 10 MB buffer a frame) comes with the first frames; after them, nothing grows.
  const mb = rss.map((bytes) => (bytes - rss[0]!) / MB);
  expect(Math.max(...mb)).toBeLessThan(80);
  expect(Math.max(...mb.slice(5)) - Math.max(...mb.slice(0, 5))).toBeLessThan(10);
  const logged = lines.filter((line) => line.reason === "too_large");
  expect(logged[0]).toMatchObject({ msg: "long connection: frame dropped", limit: MAX_INBOUND_FRAME_BYTES });
  expect(JSON.stringify(lines)).not.toContain("平安平安");

  // A 60 KB message still goes through on the new subscription.
  fake.sendText({ userid: "u1", chatid: "wr-group", text: "平安".repeat(10_000), msgid: "fits" });
  await waitFor("the message that fits", () => callbacks.some((frame) => (frame.body as { msgid?: string }).msgid === "fits"), { timeoutMs: 10_000 });
});

it("the fake refuses client frames over 1 MB as a server must: closes with 1009, counts it, keeps serving", async () => {
  const rssBefore = process.memoryUsage().rss;
  for (let i = 0; i < 3; i += 1) {
    const client = new WebSocket(fake.url, { maxPayload: MAX_INBOUND_FRAME_BYTES });
    await new Promise((resolve) => client.once("open", resolve));
    const closed = new Promise<number>((resolve) => client.once("close", resolve));
    client.on("error", () => undefined);
    client.send(Buffer.alloc(10 * MB, "x"));
    expect(await closed).toBe(1009);
  }
  expect(fake.oversizeFrames()).toBe(3);
  expect((process.memoryUsage().rss - rssBefore) / MB).toBeLessThan(60);
  // The largest frame a client sends, a full 512 KB media chunk, is taken.
  const bytes = Buffer.alloc(2 * MEDIA_CHUNK_BYTES, 7);
  const mediaId = await connection.uploadMedia({ type: "image", filename: "chart.png", bytes });
  expect(fake.media(mediaId)?.equals(bytes)).toBe(true);
  expect(fake.oversizeFrames()).toBe(3);
});

import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { createConnectionOutbox } from "../../src/wecom/connection-outbox.js";
import { createLongConnection, type FrameRefusal, type LongConnection } from "../../src/wecom/long-connection.js";
import { attachLongConnectionReceiver } from "../../src/wecom/long-connection-receiver.js";
import { startFakeLongConnection, type FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { TEST_BOT } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

const lines: Record<string, unknown>[] = [];
let written = "";
const refused: FrameRefusal[] = [];
let fake: FakeLongConnection;
let redis: TestRedis;
let connection: LongConnection;
beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString("utf8");
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  fake = await startFakeLongConnection({ ...TEST_BOT });
  redis = await startTestRedis();
  const log = pino({ level: "info" }, stream);
  const onRefused = (reason: FrameRefusal) => refused.push(reason);
  connection = createLongConnection({ url: fake.url, ...TEST_BOT, log, onRefused });
  // The connection refuses what is not a frame; its receiver, a callback whose body cannot be read.
  attachLongConnectionReceiver({
    connection,
    dispatcher: { processEvent: () => Promise.reject(new Error("a refused frame never reaches the bot")) },
    outbox: createConnectionOutbox({ redis: redis.client(), keys: createKeys() }),
    log,
    onRefused,
  });
  connection.start();
  await fake.waitFor(() => connection.state === "subscribed", 10_000);
});
afterAll(async () => {
  await connection.stop();
  await fake.close();
  await redis.stop();
});

/** What a user typed, inside the frames: it must not reach the log. */
const TYPED = "一名学生课间摔伤";
const FRAMES: Record<Exclude<FrameRefusal, "too_large">, (i: number) => string> = {
  unreadable: (i) => `{"cmd":"aibot_msg_callback","headers":{"req_id":"r${i}"},"body":{"text":{"content":"${TYPED}"`,
  malformed_message: (i) => JSON.stringify({ cmd: "aibot_msg_callback", headers: { req_id: `m${i}` }, body: { msgid: `m${i}`, chattype: "group", msgtype: "text", text: { content: TYPED } } }),
  malformed_event: (i) => JSON.stringify({ cmd: "aibot_event_callback", headers: { req_id: `e${i}` }, body: { msgid: `e${i}`, msgtype: "event", from: { userid: "u" }, event: { note: TYPED } } }),
};

/** A flood of frames that cannot be read: each counted, the log one line a second per reason, without their content or a stack. */
it("counts frames it cannot read and logs them once a second per reason, without what they carried", async () => {
  const reasons = Object.keys(FRAMES) as (keyof typeof FRAMES)[];
  for (let i = 0; i < 3_000; i += 1) fake.sendRaw(FRAMES[reasons[i % reasons.length]!](i));
  await waitFor("every frame counted", () => refused.length === 3_000, { timeoutMs: 30_000 });
  const dropped = () => lines.filter((line) => String(line.msg).startsWith("long connection: frame"));
  const counted = (reason: string) => dropped().filter((line) => line.reason === reason).reduce((n, line) => n + (typeof line.count === "number" ? line.count : 1), 0);
  await waitFor("the last summaries", () => reasons.every((reason) => counted(reason) === 1_000), { timeoutMs: 30_000 });

  expect(reasons.map((reason) => refused.filter((r) => r === reason).length)).toEqual([1_000, 1_000, 1_000]);
  for (const reason of reasons) {
    const times = dropped()
      .filter((line) => line.reason === reason)
      .map((line) => Number(line.time));
    // At most a first line and a summary in any second.
    for (const from of times) expect(times.filter((t) => t >= from && t < from + 1_000).length).toBeLessThanOrEqual(2);
  }
  expect(written).not.toContain(TYPED);
  expect(written).not.toContain("stack");
  expect(connection.state).toBe("subscribed");
});

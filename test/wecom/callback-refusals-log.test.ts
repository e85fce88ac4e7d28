import type { Server } from "node:http";
import { Writable } from "node:stream";
import Koa from "koa";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCallbackReceiver } from "../../src/wecom/callback-receiver.js";
import { TEST_AES_KEY, TEST_TOKEN } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

const lines: Record<string, unknown>[] = [];
let server: Server;
let url: string;
beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const receiver = createCallbackReceiver({
    dispatcher: { processEvent: () => Promise.reject(new Error("a refused callback never reaches the bot")) },
    token: TEST_TOKEN,
    encodingAESKey: TEST_AES_KEY,
    maxClockSkewSeconds: 300,
    log: pino({ level: "info" }, stream),
  });
  const app = new Koa().use(receiver.routes());
  server = await new Promise<Server>((done) => {
    const s = app.listen(0, "127.0.0.1", () => done(s));
  });
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/wecom/callback`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** A flood of forged callbacks is answered one by one but logged once a second, with a count. */
it("logs refused callbacks at most once a second per reason, with how many there were", async () => {
  const forged = (i: number) =>
    fetch(`${url}?msg_signature=${"0".repeat(40)}&timestamp=${Math.floor(Date.now() / 1000)}&nonce=n${i}`, {
      method: "POST",
      body: JSON.stringify({ encrypt: "AAAA" }),
    }).then((r) => r.status);
  const statuses: number[] = [];
  for (let batch = 0; batch < 10; batch += 1) statuses.push(...(await Promise.all(Array.from({ length: 30 }, (_, i) => forged(batch * 30 + i)))));
  expect(statuses).toEqual(new Array(300).fill(401));
  const refusals = () => lines.filter((l) => String(l.msg).startsWith("callback"));
  await waitFor("the last summary", () => refusals().reduce((n, l) => n + (typeof l.count === "number" ? l.count : 1), 0) === 300);
  expect(refusals().every((l) => l.outcome === "bad_signature")).toBe(true);
  // However long the 300 took on a busy machine: a first line and a summary in any second, at most.
  const times = refusals().map((l) => Number(l.time));
  for (const from of times) expect(times.filter((t) => t >= from && t < from + 1_000).length).toBeLessThanOrEqual(2);
});

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendWebhook } from "../../src/push/deliver.js";
import { startFakeWebhook, type FakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";

const KEY = "secret-key-3f1c9a";
const body = { msgtype: "text" as const, text: { content: "平安", mentioned_list: ["zhang"] } };

describe("sendWebhook", () => {
  let fake: FakeWebhook;
  beforeAll(async () => {
    fake = await startFakeWebhook({ keys: { [KEY]: "校长群" } });
  });
  afterAll(() => fake.stop());

  const send = (key = KEY, apiBase = fake.url) => sendWebhook({ apiBase, key, body, fetch: globalThis.fetch, timeoutMs: 2000 });

  it("posts the body to /cgi-bin/webhook/send?key= and reports ok on errcode 0", async () => {
    expect(await send(KEY, `${fake.url}/`)).toEqual({ outcome: "ok" });
    expect(fake.messages.at(-1)).toMatchObject({ key: KEY, content: "平安", mentioned_list: ["zhang"] });
  });

  it("classifies 45009 and -1 as retry, 93000 and 40058 as permanent, by errcode", async () => {
    fake.failNext(KEY, 45009);
    expect(await send()).toMatchObject({ outcome: "retry", errcode: 45009, status: 200 });
    fake.failNext(KEY, -1);
    expect(await send()).toMatchObject({ outcome: "retry", errcode: -1 });
    expect(await send("wrong-key")).toMatchObject({ outcome: "permanent", errcode: 93000 });
    const tooLong = await sendWebhook({
      apiBase: fake.url,
      key: KEY,
      body: { msgtype: "text", text: { content: "x".repeat(2049) } },
      fetch: globalThis.fetch,
    });
    expect(tooLong).toMatchObject({ outcome: "permanent", errcode: 40058 });
    fake.failNext(KEY, 40008);
    expect(await send()).toMatchObject({ outcome: "permanent", errcode: 40008 });
  });

  it("retries on HTTP 5xx, a reset connection and a refused connection, and never names the key", async () => {
    fake.failNext(KEY, "http-500");
    expect(await send()).toMatchObject({ outcome: "retry", status: 500 });
    fake.failNext(KEY, "reset");
    const reset = await send();
    expect(reset.outcome).toBe("retry");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await send(KEY, `http://127.0.0.1:${port}`);
    expect(refused).toMatchObject({ outcome: "retry" });
    for (const result of [reset, refused]) {
      if (result.outcome === "ok") throw new Error("expected a failure");
      expect(result.reason).toMatch(/^network error/);
      expect(result.reason).not.toContain(KEY);
    }
  });

  it("redacts the key if WeCom's errmsg echoes it", async () => {
    const echo = createServer((req, res) => {
      res.end(JSON.stringify({ errcode: 93000, errmsg: `invalid webhook url ${req.url}` }));
    });
    await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
    const { port } = echo.address() as AddressInfo;
    const result = await send(KEY, `http://127.0.0.1:${port}`);
    await new Promise<void>((resolve) => echo.close(() => resolve()));
    expect(result).toMatchObject({ outcome: "permanent", errcode: 93000 });
    if (result.outcome === "ok") throw new Error("expected a failure");
    expect(result.reason).toContain("key=[key]");
    expect(result.reason).not.toContain(KEY);
  });

  it("treats a timeout as retry", async () => {
    const slow = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const { port } = slow.address() as AddressInfo;
    const result = await sendWebhook({ apiBase: `http://127.0.0.1:${port}`, key: KEY, body, fetch: globalThis.fetch, timeoutMs: 100 });
    slow.closeAllConnections();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
    expect(result).toEqual({ outcome: "retry", reason: "network error: timed out", timedOut: true });
  });
});

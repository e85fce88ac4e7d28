import { afterEach, describe, expect, it } from "vitest";
import { startFakeWebhook, type FakeWebhook } from "../../../src/wecom/simulator/fake-webhook.js";
import { startFakeLongConnection } from "../../../src/wecom/simulator/fake-long-connection.js";
import { postHugeBodies } from "../../support/post-huge-body.js";
import { TEST_BOT } from "../../support/test-env.js";

const KEY = "fake-key-1";

let fake: FakeWebhook | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function post(base: string, key: string, body: unknown): Promise<{ status: number; json: { errcode: number; errmsg: string } }> {
  const res = await fetch(`${base}/cgi-bin/webhook/send?key=${key}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as { errcode: number; errmsg: string } };
}

const text = (content: string, mentioned_list?: string[]) => ({ msgtype: "text", text: { content, mentioned_list } });

describe("fake WeCom webhook", () => {
  it("answers 413 to a body over 4 MB without holding it (this process grows less than one body would), as a server bounding its input must; so does the long connection's POST /say past 64 KB", async () => {
    fake = await startFakeWebhook({ keys: { [KEY]: "校长群" } });
    const webhook = await postHugeBodies(`${fake.url}/cgi-bin/webhook/send?key=${KEY}`);
    expect(webhook.answers.map(({ status, sentMb }) => ({ status, under100: sentMb < 100 }))).toEqual(Array(10).fill({ status: 413, under100: true }));
    expect(webhook.growthMb).toBeLessThan(64);
    expect(fake.messages).toEqual([]);
    const longConnection = await startFakeLongConnection({ ...TEST_BOT });
    try {
      const say = await postHugeBodies(`${longConnection.url.replace("ws:", "http:")}/say`);
      expect(say.answers.map(({ status }) => status)).toEqual(Array(10).fill(413));
      expect(say.growthMb).toBeLessThan(64);
    } finally {
      await longConnection.close();
    }
  });

  it("records accepted messages with key, group, msgtype, content and mentions (@all too)", async () => {
    let clock = Date.UTC(2026, 10, 20, 1, 30);
    fake = await startFakeWebhook({ keys: { [KEY]: "校长群" }, now: () => clock });
    expect((await post(fake.url, KEY, text("请报平安", ["zhang", "@all"]))).json).toEqual({ errcode: 0, errmsg: "ok" });
    clock += 1000;
    expect((await post(fake.url, KEY, { msgtype: "markdown", markdown: { content: "**汇总**" } })).json.errcode).toBe(0);
    expect((await post(fake.url, KEY, text("空提及", []))).json.errcode).toBe(0);
    expect(fake.messages.map(({ key, group, at, msgtype, content, mentioned_list }) => ({ key, group, at, msgtype, content, mentioned_list }))).toEqual([
      { key: KEY, group: "校长群", at: Date.UTC(2026, 10, 20, 1, 30), msgtype: "text", content: "请报平安", mentioned_list: ["zhang", "@all"] },
      { key: KEY, group: "校长群", at: Date.UTC(2026, 10, 20, 1, 30, 1), msgtype: "markdown", content: "**汇总**", mentioned_list: [] },
      { key: KEY, group: "校长群", at: Date.UTC(2026, 10, 20, 1, 30, 1), msgtype: "text", content: "空提及", mentioned_list: [] },
    ]);
  });

  it("answers 93000 for an unknown key and records nothing", async () => {
    fake = await startFakeWebhook({ keys: { [KEY]: "校长群" } });
    const { status, json } = await post(fake.url, "nope", text("hi"));
    expect(status).toBe(200);
    expect(json.errcode).toBe(93000);
    expect(json.errmsg).toMatch(/^invalid webhook url/);
    expect(fake.messages).toHaveLength(0);
    expect(fake.rejected.map((r) => r.errcode)).toEqual([93000]);
  });

  it("answers 40058 over 2048 bytes of text or 4096 of markdown, and accepts exactly the limit", async () => {
    fake = await startFakeWebhook();
    expect((await post(fake.url, KEY, text("平".repeat(682) + "ab"))).json.errcode).toBe(0); // 2048 bytes
    const tooLong = await post(fake.url, KEY, text("平".repeat(682) + "abc")); // 2049 bytes
    expect(tooLong.json.errcode).toBe(40058);
    expect(tooLong.json.errmsg).toMatch(/^text\.content exceed max length 2048/);
    const md = (content: string) => ({ msgtype: "markdown", markdown: { content } });
    expect((await post(fake.url, KEY, md("安".repeat(1365) + "a"))).json.errcode).toBe(0); // 4096 bytes
    expect((await post(fake.url, KEY, md("安".repeat(1365) + "ab"))).json.errmsg).toMatch(/^markdown\.content exceed max length 4096/);
    expect(fake.messages).toHaveLength(2);
  });

  it("answers 45009 past the limit in a sliding window over its own clock", async () => {
    let clock = 1_000_000;
    fake = await startFakeWebhook({ now: () => clock });
    for (let i = 0; i < 20; i++) {
      expect((await post(fake.url, KEY, text(`m${i}`))).json.errcode).toBe(0);
      clock += 1000; // 20 messages over 20 s
    }
    expect((await post(fake.url, KEY, text("too many"))).json.errcode).toBe(45009);
    expect((await post(fake.url, "other-key", text("other robot"))).json.errcode).toBe(0);
    clock = 1_000_000 + 60_000; // the first message is now a full minute old
    expect((await post(fake.url, KEY, text("m20"))).json.errcode).toBe(0);
    expect((await post(fake.url, KEY, text("m21"))).json.errcode).toBe(45009);
    fake.setLimit(3, 1000);
    clock += 5000;
    for (let i = 0; i < 3; i++) expect((await post(fake.url, KEY, text(`n${i}`))).json.errcode).toBe(0);
    expect((await post(fake.url, KEY, text("n3"))).json.errcode).toBe(45009);
  });

  it("fails on request: errcodes, HTTP 500 and a reset connection, then recovers", async () => {
    fake = await startFakeWebhook();
    fake.failNext(KEY, 45009, 2);
    fake.failNext(KEY, "http-500");
    fake.failNext(KEY, "reset");
    expect((await post(fake.url, KEY, text("a"))).json.errcode).toBe(45009);
    expect((await post(fake.url, KEY, text("a"))).json.errcode).toBe(45009);
    const res = await fetch(`${fake.url}/cgi-bin/webhook/send?key=${KEY}`, { method: "POST", body: "{}" });
    expect(res.status).toBe(500);
    await expect(post(fake.url, KEY, text("a"))).rejects.toThrow();
    expect((await post(fake.url, KEY, text("a"))).json.errcode).toBe(0);
    expect(fake.rejected.map((r) => r.errcode ?? r.status)).toEqual([45009, 45009, 500, 0]);
    expect(fake.messages).toHaveLength(1);
  });

  it("rejects malformed JSON and unknown msgtypes", async () => {
    fake = await startFakeWebhook();
    expect((await post(fake.url, KEY, "{not json")).json.errcode).toBe(40035);
    expect((await post(fake.url, KEY, { msgtype: "voice" })).json.errcode).toBe(40008);
    expect((await post(fake.url, KEY, text(""))).json.errcode).toBe(44004);
    expect(fake.messages).toHaveLength(0);
  });
});

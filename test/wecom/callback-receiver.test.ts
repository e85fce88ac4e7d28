import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { postHugeBodies } from "../support/post-huge-body.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T09:00:00+08:00" });
});
afterAll(() => h.close());
beforeEach(() => h.clearData());

const textPayload = (msgid: string, content: string) => ({
  msgid,
  aibotid: "aib_test",
  chatid: "wr_group",
  chattype: "group",
  from: { userid: "zhang_wei" },
  response_url: "https://example.invalid/response",
  msgtype: "text",
  text: { content },
});

describe("GET /wecom/callback (URL verification)", () => {
  it("answers the decrypted echostr", async () => {
    const result = await h.sim.verifyUrl();
    expect(result.status).toBe(200);
    expect(result.matches).toBe(true);
  });

  it("refuses a wrong signature with 401", async () => {
    const envelope = h.sim.envelope("1234567890");
    const response = await h.sim.get({ ...envelope.query, msg_signature: "0".repeat(40), echostr: envelope.body.encrypt });
    expect(response.status).toBe(401);
  });
});

describe("POST /wecom/callback", () => {
  it("refuses a wrong signature with 401 and records nothing", async () => {
    const envelope = h.sim.envelope(JSON.stringify(textPayload("m-badsig", "@平安助手 平安")));
    const response = await h.sim.post(envelope.body, { ...envelope.query, msg_signature: "f".repeat(40) });
    expect(response.status).toBe(401);
    expect(await h.client.dbsize()).toBe(0);
  });

  it("refuses a callback signed more than 5 minutes ago (a replay) with 401", async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 360;
    const envelope = h.sim.envelope(JSON.stringify(textPayload("m-stale", "@平安助手 平安")), { timestamp: sixMinutesAgo });
    expect((await h.sim.post(envelope.body, envelope.query)).status).toBe(401);
    const fourMinutesAgo = Math.floor(Date.now() / 1000) - 240;
    const fresh = h.sim.envelope(JSON.stringify(textPayload("m-fresh", "@平安助手 平安")), { timestamp: fourMinutesAgo });
    expect((await h.sim.post(fresh.body, fresh.query)).status).toBe(200);
  });

  it("answers 400 to a body that is not the JSON envelope, and never 500", async () => {
    const envelope = h.sim.envelope(JSON.stringify(textPayload("m-x", "平安")));
    for (const body of ["not json", "{}", '{"encrypt": 5}', "[]", "null", '{"encrypt": ""}']) {
      expect((await h.sim.post(body, envelope.query)).status).toBe(400);
    }
    expect(await h.client.dbsize()).toBe(0);
  });

  it("answers 400 to a signed payload that does not decrypt or is not a callback", async () => {
    const wrongId = h.sim.envelope(JSON.stringify(textPayload("m-id", "平安")), { receiveid: "wwcorp" });
    expect((await h.sim.post(wrongId.body, wrongId.query)).status).toBe(400);
    const notJson = h.sim.envelope("hello");
    expect((await h.sim.post(notJson.body, notJson.query)).status).toBe(400);
    const noSender = h.sim.envelope(JSON.stringify({ msgid: "m", msgtype: "text", text: { content: "平安" } }));
    expect((await h.sim.post(noSender.body, noSender.query)).status).toBe(400);
    expect(await h.client.dbsize()).toBe(0);
  });

  it("answers 413 to a body over the limit", async () => {
    const envelope = h.sim.envelope("x");
    expect((await h.sim.post({ encrypt: "A".repeat(70_000) }, envelope.query)).status).toBe(413);
  });

  it("answers 413 to chunked bodies of 100 MB (no length declared) once past the limit, without holding them (this process grows less than one body would)", async () => {
    const query = new URLSearchParams(h.sim.envelope("x").query).toString();
    const { answers, growthMb } = await postHugeBodies(`${h.url}/wecom/callback?${query}`);
    for (const { status, sentMb } of answers) expect({ status, under100: sentMb < 100 }).toEqual({ status: 413, under100: true });
    expect(growthMb).toBeLessThan(64);
    expect(await h.client.dbsize()).toBe(0);
  });

  it("gives a repeated msgid the same reply and records once", async () => {
    const first = await h.sim.say({ from: "zhang_wei", text: "平安", msgid: "m-repeat" });
    h.clock.set(new Date("2026-11-24T09:30:00+08:00"));
    const again = await h.sim.say({ from: "zhang_wei", text: "平安", msgid: "m-repeat" });
    expect(again.markdown).toBe(first.markdown);
    expect(await h.store.log("safety", "2026-11-24")).toHaveLength(1);
  });

  it("knows a check-in sent just before midnight when WeCom repeats it just after", async () => {
    h.clock.set(new Date("2026-11-24T23:59:58+08:00"));
    const first = await h.sim.say({ from: "zhang_wei", text: "平安", msgid: "m-midnight" });
    expect(first.markdown).toContain("已登记");
    h.clock.set(new Date("2026-11-25T00:00:04+08:00"));
    const again = await h.sim.say({ from: "zhang_wei", text: "平安", msgid: "m-midnight" });
    expect(again.markdown!.split("\n")[0]).toBe(first.markdown!.split("\n")[0]);
    expect(await h.store.log("safety", "2026-11-24")).toHaveLength(1);
    expect(await h.store.log("safety", "2026-11-25")).toHaveLength(0);
    // A new message after midnight is the new day's report.
    const next = await h.sim.say({ from: "zhang_wei", text: "平安", msgid: "m-after-midnight" });
    expect(next.markdown).toContain("已登记");
    expect(await h.store.log("safety", "2026-11-25")).toHaveLength(1);
  });

  it("reads the text parts of a mixed message", async () => {
    const reply = await h.sim.sayMixed({ from: "zhang_wei", items: ["平安 在校2100", { imageUrl: "https://example.invalid/a.png" }] });
    expect(reply.markdown).toContain("在校 2100 人");
  });

  it("welcomes a user who opens the direct chat with a text reply", async () => {
    const reply = await h.sim.event({ from: "wang_zhiyuan", eventtype: "enter_chat" });
    expect(reply.reply?.msgtype).toBe("text");
    expect(reply.text).toContain("您好，王志远！我是平安助手");
  });

  it("answers an image politely and records nothing", async () => {
    const reply = await h.sim.sendOther({ from: "zhang_wei", msgtype: "image", url: "https://example.invalid/a.png" });
    expect(reply.markdown).toContain("暂时只能识别文字消息");
    expect(await h.store.get("safety", "2026-11-24", "CG001")).toBeUndefined();
  });

  it("works in a direct chat without a mention", async () => {
    const reply = await h.sim.say({ from: "zhang_wei", text: "平安", chattype: "single", mention: false });
    expect(reply.markdown).toContain("平安县城关第一小学");
  });
});

import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createWecomSimulator,
  type WecomSimulator,
  type WecomSimulatorOptions,
} from "../../../src/wecom/simulator/wecom-simulator.js";
import { createWecomCrypto } from "../../../src/wecom/crypto.js";
import { parseMessage, streamReply, textReply, type Inbound } from "../../../src/wecom/message-bodies.js";
import { CodedError, ErrorCode, hasCode } from "../../../src/errors.js";

const TOKEN = "sim-token";
const KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const NOW = Date.UTC(2025, 10, 24, 1, 30); // 09:30 in Shanghai

/** How the echo bot misbehaves, to prove the simulator notices. */
type Fault = "none" | "signature" | "nonce" | "receiveid" | "text-to-message" | "empty" | "too-long";

async function readRaw(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A tiny smart-bot callback server: verification on GET, an echo of what it understood on POST. */
function createEchoBot(fault: { current: Fault }, seen: { contentType?: string; json?: string }) {
  const wc = createWecomCrypto({ token: TOKEN, encodingAESKey: KEY });
  const liar = createWecomCrypto({ token: "not-the-token", encodingAESKey: KEY });
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path !== "/wecom/callback") ctx.throw(404);
    const q = ctx.query;
    const nonce = String(q.nonce);
    // Written so that a missing or non-numeric timestamp (NaN) is refused too.
    if (!(Math.abs(Number(q.timestamp) - NOW / 1000) <= 300)) ctx.throw(403, "stale timestamp");
    if (ctx.method === "GET") {
      if (!wc.verify(q.msg_signature, q.timestamp, q.nonce, q.echostr)) ctx.throw(401);
      ctx.type = "text/plain";
      ctx.body = wc.open(String(q.echostr));
      return;
    }
    const raw = await readRaw(ctx.req);
    seen.contentType = ctx.get("content-type");
    let encrypt: unknown;
    try {
      encrypt = (JSON.parse(raw) as { encrypt?: unknown }).encrypt;
    } catch {
      ctx.throw(400, "envelope is not JSON");
    }
    if (!wc.verify(q.msg_signature, q.timestamp, q.nonce, encrypt)) ctx.throw(401);
    const json = wc.open(String(encrypt));
    seen.json = json;
    let inbound: Inbound;
    try {
      inbound = parseMessage(json).inbound;
    } catch {
      ctx.status = 400;
      ctx.body = "bad payload";
      return;
    }
    const plain =
      inbound.kind === "event"
        ? textReply(`欢迎 ${inbound.userid}`)
        : fault.current === "text-to-message"
          ? textReply("wrong type")
          : fault.current === "too-long"
            ? { msgtype: "stream", stream: { id: "s", finish: true, content: "x".repeat(20481) } }
            : streamReply(
                inbound.kind === "text" ? `收到 ${inbound.userid}：${inbound.text}` : `暂不支持 ${inbound.msgtype}`,
                `stream-${inbound.msgid}`,
              );
    const ts = Math.floor(NOW / 1000);
    ctx.type = "text/plain";
    switch (fault.current) {
      case "empty":
        ctx.body = "";
        return;
      case "signature":
        ctx.body = JSON.stringify(liar.seal(plain, nonce, ts));
        return;
      case "nonce":
        ctx.body = JSON.stringify(wc.seal(plain, `${nonce}x`, ts));
        return;
      case "receiveid": {
        const enc = wc.encrypt(JSON.stringify(plain), "ww_corp");
        ctx.body = JSON.stringify({ encrypt: enc, msgsignature: wc.sign(ts, nonce, enc), timestamp: ts, nonce });
        return;
      }
      default:
        ctx.body = JSON.stringify(wc.seal(plain, nonce, ts));
    }
  });
  return app;
}

describe("createWecomSimulator against a local echo bot", () => {
  const fault = { current: "none" as Fault };
  const seen: { contentType?: string; json?: string } = {};
  let server: Server;
  let sim: WecomSimulator;
  let options: WecomSimulatorOptions;

  beforeAll(async () => {
    server = createServer(createEchoBot(fault, seen).callback()).listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    options = { baseUrl: `http://127.0.0.1:${port}/`, token: TOKEN, encodingAESKey: KEY, now: () => NOW };
    sim = createWecomSimulator(options);
  });
  afterAll(() => {
    server.close();
  });

  const withFault = async <T>(f: Fault, run: () => Promise<T>): Promise<T> => {
    fault.current = f;
    try {
      return await run();
    } finally {
      fault.current = "none";
    }
  };

  async function simulatorError(run: () => Promise<unknown>): Promise<CodedError<ErrorCode.SimulatedRefusal>> {
    try {
      await run();
    } catch (err) {
      expect(hasCode(err, ErrorCode.SimulatedRefusal)).toBe(true);
      return err as CodedError<ErrorCode.SimulatedRefusal>;
    }
    throw new Error("the simulator accepted a bad reply");
  }

  it("passes URL verification: the bot answers the decrypted echostr", async () => {
    const result = await sim.verifyUrl();
    expect(result.status).toBe(200);
    expect(result.echostr).toMatch(/^\d+$/);
    expect(result.body).toBe(result.echostr);
    expect(result.matches).toBe(true);
  });

  it("reports a failed verification when the bot answers something else", async () => {
    const wrongToken = createWecomSimulator({ ...options, token: "other-token" });
    const result = await wrongToken.verifyUrl();
    expect(result.status).toBe(401);
    expect(result.matches).toBe(false);
  });

  it("says a group text with the @mention and reads the stream reply", async () => {
    const result = await sim.say({ from: "zhangsan", text: "平安 在校1200" });
    expect(result.status).toBe(200);
    expect(result.msgid).toMatch(/^[0-9a-f]{32}$/);
    expect(result.markdown).toBe("收到 zhangsan：@平安助手 平安 在校1200");
    expect(result.reply).toEqual({
      msgtype: "stream",
      stream: { id: `stream-${result.msgid}`, finish: true, content: result.markdown },
    });
    const sent = JSON.parse(seen.json!);
    expect(sent).toEqual(result.payload);
    expect(sent).toMatchObject({
      msgid: result.msgid,
      aibotid: "aib_pingan_demo",
      chatid: "wr_demo_group",
      chattype: "group",
      from: { userid: "zhangsan" },
      msgtype: "text",
      text: { content: "@平安助手 平安 在校1200" },
    });
    expect(sent.response_url).toMatch(/^https:\/\/qyapi\.weixin\.qq\.com\/cgi-bin\/aibot\/response\?response_code=[0-9a-f]+$/);
    expect(seen.contentType).toBe("application/json");
  });

  it("gives every message its own msgid unless one is given", async () => {
    const a = await sim.say({ from: "u1", text: "平安" });
    const b = await sim.say({ from: "u1", text: "平安" });
    expect(a.msgid).not.toBe(b.msgid);
    const c = await sim.say({ from: "u1", text: "平安", msgid: "fixed-1" });
    expect(c.msgid).toBe("fixed-1");
    expect(JSON.parse(seen.json!).msgid).toBe("fixed-1");
  });

  it("uses the configured bot name, and no mention or chatid in a direct chat", async () => {
    const named = createWecomSimulator({ ...options, botName: "安全助手" });
    expect((await named.say({ from: "u", text: "汇总", chatid: "wr_leaders" })).markdown).toBe("收到 u：@安全助手 汇总");
    expect(JSON.parse(seen.json!).chatid).toBe("wr_leaders");

    const direct = await sim.say({ from: "lisi", text: "汇总", chattype: "single" });
    expect(direct.markdown).toBe("收到 lisi：汇总");
    expect(JSON.parse(seen.json!)).not.toHaveProperty("chatid");

    const unmentioned = await sim.say({ from: "lisi", text: "平安", mention: false });
    expect(unmentioned.markdown).toBe("收到 lisi：平安");
  });

  it("sends mixed messages with the mention on the first text item", async () => {
    const result = await sim.sayMixed({ from: "wangwu", items: [{ imageUrl: "https://x/a.png" }, "异常 摔伤", "已送医"] });
    expect(result.markdown).toBe("收到 wangwu：@平安助手 异常 摔伤\n已送医");
    expect(JSON.parse(seen.json!).mixed.msg_item).toEqual([
      { msgtype: "image", image: { url: "https://x/a.png" } },
      { msgtype: "text", text: { content: "@平安助手 异常 摔伤" } },
      { msgtype: "text", text: { content: "已送医" } },
    ]);
    const imageOnly = await sim.sayMixed({ from: "wangwu", items: [{ imageUrl: "https://x/a.png" }], chattype: "single" });
    expect(imageOnly.markdown).toBe("暂不支持 mixed");
  });

  it("sends an enter_chat event and reads the text welcome", async () => {
    const result = await sim.event({ from: "zhaoliu" });
    expect(result.text).toBe("欢迎 zhaoliu");
    expect(result.reply).toEqual({ msgtype: "text", text: { content: "欢迎 zhaoliu" } });
    expect(result.markdown).toBeUndefined();
    expect(JSON.parse(seen.json!)).toMatchObject({
      chattype: "single",
      create_time: Math.floor(NOW / 1000),
      from: { userid: "zhaoliu", corpid: "ww_pingan_demo" },
      msgtype: "event",
      event: { eventtype: "enter_chat" },
    });
  });

  it("sends other message types", async () => {
    const image = await sim.sendOther({ from: "u", msgtype: "image" });
    expect(image.markdown).toBe("暂不支持 image");
    expect(JSON.parse(seen.json!).image.url).toMatch(/^https:\/\//);
    const voice = await sim.sendOther({ from: "u", msgtype: "voice", content: "平安" });
    expect(voice.markdown).toBe("暂不支持 voice");
    expect(JSON.parse(seen.json!).voice).toEqual({ content: "平安" });
  });

  it("lets tests send broken inputs through post, get and envelope", async () => {
    const good = sim.envelope('{"msgtype":"text"}');
    expect((await sim.post(good.body, { ...good.query, msg_signature: "0".repeat(40) })).status).toBe(401);
    expect((await sim.post(good.body, {})).status).toBe(403);
    expect((await sim.post("{not json", good.query)).status).toBe(400);
    const broken = sim.envelope('{"msgtype":"text",');
    expect((await sim.post(broken.body, broken.query)).status).toBe(400);
    expect((await sim.get({ ...good.query, echostr: good.body.encrypt, msg_signature: "f".repeat(40) })).status).toBe(401);
  });

  it("signs stale timestamps as asked, and returns a refusal without a reply", async () => {
    const stale = await sim.say({ from: "u", text: "平安", timestamp: Math.floor(NOW / 1000) - 3600 });
    expect(stale.status).toBe(403);
    expect(stale.reply).toBeUndefined();
    expect(stale.raw).toBe("stale timestamp");
  });

  it("accepts an empty 200 body as no reply", async () => {
    const result = await withFault("empty", () => sim.say({ from: "u", text: "平安" }));
    expect(result.status).toBe(200);
    expect(result.reply).toBeUndefined();
  });

  it("refuses replies that WeCom would refuse", async () => {
    const say = () => sim.say({ from: "u", text: "平安" });
    expect((await simulatorError(() => withFault("signature", say))).details.reason).toBe("reply_bad_signature");
    expect((await simulatorError(() => withFault("nonce", say))).details.reason).toBe("reply_nonce_mismatch");
    expect((await simulatorError(() => withFault("receiveid", say))).details.reason).toBe("reply_bad_receiveid");
    expect((await simulatorError(() => withFault("text-to-message", say))).details.reason).toBe("reply_not_allowed");
    expect((await simulatorError(() => withFault("too-long", say))).details.reason).toBe("reply_too_long");
    // The same servers pass when behaving.
    expect((await say()).status).toBe(200);
  });

  it("notices a bot that seals with another key", async () => {
    const otherKey = createWecomSimulator({ ...options, encodingAESKey: "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut" });
    // The bot cannot open our callback: its own open() throws inside Koa, a 500.
    expect((await otherKey.say({ from: "u", text: "平安" })).status).toBe(500);
  });
});

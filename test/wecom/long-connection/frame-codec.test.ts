import { describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame, makeReqId } from "../../../src/wecom/long-connection/frame-codec.js";

describe("frame codec", () => {
  it("reads a callback and an ack, body left as it came", () => {
    expect(decodeFrame('{"cmd":"aibot_msg_callback","headers":{"req_id":"r1"},"body":{"msgid":"m"}}')).toStrictEqual({
      cmd: "aibot_msg_callback",
      headers: { req_id: "r1" },
      body: { msgid: "m" },
    });
    expect(decodeFrame('{"headers":{"req_id":"r2"},"errcode":45009,"errmsg":"limit"}')).toStrictEqual({ headers: { req_id: "r2" }, errcode: 45009, errmsg: "limit" });
  });

  it("reads a frame with raw control characters inside a string, as WeCom's SDK does", () => {
    expect(decodeFrame('{"cmd":"aibot_msg_callback","headers":{"req_id":"r"},"body":{"t":"a\u0001b"}}')?.body).toStrictEqual({ t: "ab" });
  });

  it("refuses what is not a frame: not JSON, no req_id, a req_id that is not a string", () => {
    expect(decodeFrame("not a frame")).toBeUndefined();
    expect(decodeFrame('{"cmd":"ping"}')).toBeUndefined();
    expect(decodeFrame('{"cmd":"ping","headers":{"req_id":7}}')).toBeUndefined();
    expect(decodeFrame("null")).toBeUndefined();
  });

  it("writes a request that it reads back", () => {
    const text = encodeFrame("aibot_send_msg", "r3", { chatid: "c" });
    expect(decodeFrame(text)).toStrictEqual({ cmd: "aibot_send_msg", headers: { req_id: "r3" }, body: { chatid: "c" } });
  });

  it("makes req_ids that name the command and never repeat", () => {
    const ids = Array.from({ length: 100 }, () => makeReqId("ping", 1_700_000_000_000));
    expect(ids[0]).toMatch(/^ping_1700000000000_[0-9a-f]{8}$/);
    expect(new Set(ids).size).toBe(100);
  });
});

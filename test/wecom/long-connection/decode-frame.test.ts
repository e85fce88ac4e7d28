import { describe, expect, it } from "vitest";
import { decodeFrame } from "../../../src/wecom/long-connection/decode-frame.js";

describe("decodeFrame", () => {
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
});

import { createHash } from "node:crypto";
import { decrypt, encrypt } from "@wecom/crypto";
import { describe, expect, it } from "vitest";
import { CodedError, ErrorCode, hasCode } from "../../src/errors.js";
import { createWecomCrypto, WECOM_CRYPTO_CODES } from "../../src/wecom/crypto.js";

// The verification example of WeCom's official WXBizMsgCrypt samples (receiveid = a corpid).
const OFFICIAL = {
  token: "QDG6eK",
  encodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
  corpid: "wx5823bf96d3bd56c7",
  signature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
  timestamp: "1409659589",
  nonce: "263014780",
  echostr: "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
  plaintext: "1616140317555161061",
};

const TOKEN = "pingan-test-token";
const KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const OTHER_KEY = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut";

const sha1 = (...parts: string[]) => createHash("sha1").update(parts.sort().join("")).digest("hex");

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(hasCode(err, ...WECOM_CRYPTO_CODES)).toBe(true);
    return (err as CodedError).code;
  }
  return undefined;
}

describe("createWecomCrypto", () => {
  const wc = createWecomCrypto({ token: TOKEN, encodingAESKey: KEY });

  it("accepts WeCom's official sample signature and refuses its corpid receiveid", () => {
    const official = createWecomCrypto(OFFICIAL);
    expect(official.verify(OFFICIAL.signature, OFFICIAL.timestamp, OFFICIAL.nonce, OFFICIAL.echostr)).toBe(true);
    expect(official.sign(OFFICIAL.timestamp, OFFICIAL.nonce, OFFICIAL.echostr)).toBe(OFFICIAL.signature);
    expect(decrypt(OFFICIAL.encodingAESKey, OFFICIAL.echostr)).toMatchObject({
      message: OFFICIAL.plaintext,
      id: OFFICIAL.corpid,
    });
    expect(codeOf(() => official.open(OFFICIAL.echostr))).toBe("bad_receiveid");
  });

  it("verifies a signature computed by hand: sha1 of the 4 strings sorted and joined", () => {
    const enc = wc.encrypt("hello");
    const sig = sha1(TOKEN, "1732350000", "n0nce", enc);
    expect(wc.verify(sig, "1732350000", "n0nce", enc)).toBe(true);
    expect(wc.verify(sig, 1732350000, "n0nce", enc)).toBe(true);
    expect(wc.sign(1732350000, "n0nce", enc)).toBe(sig);
  });

  it("refuses wrong, short, long, non-hex and non-string signatures without throwing", () => {
    const enc = wc.encrypt("hello");
    const sig = sha1(TOKEN, "1732350000", "n0nce", enc);
    const flipped = (sig[0] === "a" ? "b" : "a") + sig.slice(1);
    expect(wc.verify(flipped, "1732350000", "n0nce", enc)).toBe(false);
    expect(wc.verify(sig.slice(0, 39), "1732350000", "n0nce", enc)).toBe(false);
    expect(wc.verify(`${sig}0`, "1732350000", "n0nce", enc)).toBe(false);
    expect(wc.verify(`${sig}00`, "1732350000", "n0nce", enc)).toBe(false);
    expect(wc.verify("", "1732350000", "n0nce", enc)).toBe(false);
    expect(wc.verify("z".repeat(40), "1732350000", "n0nce", enc)).toBe(false);
    expect(wc.verify(`${sig.slice(0, 38)}zz`, "1732350000", "n0nce", enc)).toBe(false);
    expect(wc.verify(undefined, "1732350000", "n0nce", enc)).toBe(false);
    expect(wc.verify([sig], "1732350000", "n0nce", enc)).toBe(false);
    expect(wc.verify(sig, undefined, "n0nce", enc)).toBe(false);
    expect(wc.verify(sig, "1732350000", ["n0nce"], enc)).toBe(false);
    expect(wc.verify(sig, "1732350000", "n0nce", undefined)).toBe(false);
    // Every signed value matters.
    expect(wc.verify(sig, "1732350001", "n0nce", enc)).toBe(false);
    expect(wc.verify(sig, "1732350000", "n0ncf", enc)).toBe(false);
    expect(wc.verify(sig, "1732350000", "n0nce", wc.encrypt("hello"))).toBe(false);
    expect(createWecomCrypto({ token: "other", encodingAESKey: KEY }).verify(sig, "1732350000", "n0nce", enc)).toBe(false);
  });

  it("seals a passive reply that opens back to the same plaintext, signed over the echoed nonce", () => {
    const plain = { msgtype: "stream", stream: { id: "s1", finish: true, content: "已记录：城关小学 平安 ✅" } };
    const sealed = wc.seal(plain, "abc123", 1732350000);
    expect(Object.keys(sealed).sort()).toEqual(["encrypt", "msgsignature", "nonce", "timestamp"]);
    expect(sealed.nonce).toBe("abc123");
    expect(sealed.timestamp).toBe(1732350000);
    expect(sealed.msgsignature).toBe(sha1(TOKEN, "1732350000", "abc123", sealed.encrypt));
    expect(wc.verify(sealed.msgsignature, sealed.timestamp, sealed.nonce, sealed.encrypt)).toBe(true);
    expect(JSON.parse(wc.open(sealed.encrypt))).toEqual(plain);
    // The library sees the same thing: receiveid "".
    expect(decrypt(KEY, sealed.encrypt)).toMatchObject({ message: JSON.stringify(plain), id: "" });
  });

  it("opens a ciphertext made by @wecom/crypto with receiveid \"\"", () => {
    expect(wc.open(encrypt(KEY, '{"msgtype":"text"}', ""))).toBe('{"msgtype":"text"}');
    expect(wc.open(encrypt(KEY, "", ""))).toBe("");
  });

  it("refuses a ciphertext made with another key as bad_ciphertext", () => {
    for (let i = 0; i < 200; i++) {
      const message = JSON.stringify({ msgid: `m${i}`, text: { content: "平安".repeat(i % 17) } });
      expect(codeOf(() => wc.open(encrypt(OTHER_KEY, message, "")))).toBe("bad_ciphertext");
    }
  });

  it("refuses a ciphertext made for another receiveid as bad_receiveid", () => {
    expect(codeOf(() => wc.open(encrypt(KEY, "{}", "ww1234567890")))).toBe("bad_receiveid");
    expect(codeOf(() => wc.open(wc.encrypt("{}", "corp")))).toBe("bad_receiveid");
  });

  it("refuses empty, truncated and non-base64 ciphertexts as bad_ciphertext", () => {
    const good = wc.encrypt("x".repeat(100));
    expect(codeOf(() => wc.open(""))).toBe("bad_ciphertext");
    expect(codeOf(() => wc.open("not base64 at all!"))).toBe("bad_ciphertext");
    expect(codeOf(() => wc.open(good.slice(0, 40)))).toBe("bad_ciphertext");
    // Dropping the last 32-byte block loses the padding and part of the message.
    const bytes = Buffer.from(good, "base64");
    expect(codeOf(() => wc.open(bytes.subarray(0, bytes.length - 32).toString("base64")))).toBe("bad_ciphertext");
  });

  it("rejects a malformed EncodingAESKey at creation with a clear error", () => {
    for (const bad of [KEY.slice(0, 42), `${KEY}A`, `${KEY.slice(0, 42)}-`, ""]) {
      let err: unknown;
      try {
        createWecomCrypto({ token: TOKEN, encodingAESKey: bad });
      } catch (e) {
        err = e;
      }
      expect(hasCode(err, ErrorCode.WecomBadKey)).toBe(true);
      expect((err as Error).message).toMatch(/43/);
    }
  });
});

import { describe, expect, it } from "vitest";
import { decodeText, encodingNote } from "../../src/config/decode-text.js";

const NOTICE = "国务院办公厅关于2026年部分节假日安排的通知\r\n一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。\r\n";
const utf16be = (text: string) => Buffer.from(text, "utf16le").swap16();

describe("decodeText: the one place a text file's encoding is decided", () => {
  it("reads each BOM as its encoding and leaves the BOM out of the text", () => {
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(NOTICE)]))).toEqual({ text: NOTICE, encoding: "UTF-8" });
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(NOTICE, "utf16le")]))).toEqual({ text: NOTICE, encoding: "UTF-16LE" });
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(NOTICE)]))).toEqual({ text: NOTICE, encoding: "UTF-16BE" });
  });

  it("prefers UTF-8 and falls back to GBK only when the bytes are not UTF-8", () => {
    expect(decodeText(Buffer.from(NOTICE))).toEqual({ text: NOTICE, encoding: "UTF-8" });
    // 国务院 in GBK: not UTF-8.
    expect(decodeText(Uint8Array.from([0xb9, 0xfa, 0xce, 0xf1, 0xd4, 0xba]))).toEqual({ text: "国务院", encoding: "GBK" });
  });

  it("refuses what no encoding reads as text: control bytes, a lone UTF-16 surrogate, a GB18030 sequence cut short", () => {
    expect(decodeText(Buffer.from("国务院\u0000\u0001办公厅"))).toEqual({ refused: "不是文本文件（不是 UTF-8、GBK 或 UTF-16 编码的文字）" });
    expect(decodeText(Uint8Array.from([0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00]))).toHaveProperty("refused");
    expect(decodeText(Uint8Array.from([0xb9, 0xfa, 0x81]))).toHaveProperty("refused");
  });

  it("says which encoding was read only when it was not UTF-8", () => {
    expect(encodingNote("通知.txt", "UTF-8")).toBeUndefined();
    expect(encodingNote("通知.txt", "GBK")).toBe("说明：通知.txt 是 GBK（中文 Windows 上 Excel、记事本的默认编码），已按 GBK 读取");
  });
});

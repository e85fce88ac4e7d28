import { describe, expect, it } from "vitest";
import { CodedError, ErrorCode, hasCode } from "../../src/errors.js";
import { parseMessage, readInbound, readMessage, STREAM_MAX_BYTES, streamReply, textReply, toBotEvent } from "../../src/wecom/message-bodies.js";

const groupText = {
  msgid: "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=",
  aibotid: "AIBOTID",
  chatid: "wr_group_1",
  chattype: "group",
  from: { userid: "zhangsan" },
  response_url: "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC",
  msgtype: "text",
  text: { content: "@平安助手 平安 在校1200" },
};

/** A callback's JSON as the callback receiver reads it (parseMessage), the part the tests below look at. */
const parseInbound = (json: string) => parseMessage(json).inbound;

function payloadError(json: string): CodedError<ErrorCode.WecomPayload> {
  try {
    parseInbound(json);
  } catch (err) {
    expect(hasCode(err, ErrorCode.WecomPayload)).toBe(true);
    expect((err as CodedError).code).toBe("bad_payload");
    return err as CodedError<ErrorCode.WecomPayload>;
  }
  throw new Error(`parseInbound accepted ${json}`);
}

describe("readMessage and parseMessage", () => {
  it("give a body as read and as the bot sees it, in one call; and refuse what readInbound refuses", () => {
    const inbound = readInbound(groupText);
    expect(parseMessage(JSON.stringify(groupText))).toStrictEqual({ inbound, event: toBotEvent(inbound) });
    expect(readMessage(groupText)).toStrictEqual({ inbound, event: toBotEvent(inbound) });
    expect(() => parseMessage("{")).toThrow(/callback is not JSON/);
    expect(() => readMessage({ ...groupText, text: undefined })).toThrow(CodedError);
  });
});

describe("parseInbound", () => {
  it("makes every string well-formed: a cut emoji becomes U+FFFD, control characters go, whole emoji and line breaks stay", () => {
    const cut = {
      ...groupText,
      msgid: "m\ud83d",
      chatid: "wr\u0000g",
      from: { userid: "zhang\ude00san" },
      text: { content: "@平安助手 异常 摔伤\ud83d\n已送医😀\u0007\t\ufffe\r\u202e" },
    };
    expect(parseInbound(JSON.stringify(cut))).toMatchObject({
      msgid: "m\ufffd",
      chatid: "wrg",
      userid: "zhang\ufffdsan",
      text: "@平安助手 异常 摔伤\ufffd\n已送医😀\t\r\u202e",
    });
    const tap = { msgid: "t\ud800", from: { userid: "u" }, chattype: "group", msgtype: "event", event: { eventtype: "template_card_event", template_card_event: { event_key: "k\udfff", task_id: "c\u0001" } } };
    expect(parseInbound(JSON.stringify(tap))).toMatchObject({ msgid: "t\ufffd", card: { key: "k\ufffd", taskId: "c" } });
  });

  it("reads a body already parsed (the long connection's) the same way, and names the fields a refused one lacks", () => {
    expect(readInbound({ ...groupText, from: { userid: "zhang\ud83d" } })).toStrictEqual(parseInbound(JSON.stringify({ ...groupText, from: { userid: "zhang\ud83d" } })));
    const refused = (() => {
      try {
        readInbound({ ...groupText, text: undefined });
      } catch (err) {
        return err;
      }
    })();
    expect(hasCode(refused, ErrorCode.WecomPayload)).toBe(true);
    expect((refused as CodedError<ErrorCode.WecomPayload>).details.fields).toStrictEqual(["text"]);
  });

  it("reads a group text message as WeCom sends it, mention included", () => {
    expect(parseInbound(JSON.stringify(groupText))).toStrictEqual({
      kind: "text",
      msgid: "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=",
      chattype: "group",
      chatid: "wr_group_1",
      userid: "zhangsan",
      text: "@平安助手 平安 在校1200",
      responseUrl: "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RC",
      aibotid: "AIBOTID",
    });
  });

  it("reads a direct text message without chatid, response_url or aibotid", () => {
    const { chatid, response_url, aibotid, ...single } = groupText;
    expect(parseInbound(JSON.stringify({ ...single, chattype: "single", text: { content: "汇总" } }))).toStrictEqual({
      kind: "text",
      msgid: groupText.msgid,
      chattype: "single",
      userid: "zhangsan",
      text: "汇总",
    });
  });

  it("joins the text items of a mixed message with a newline", () => {
    const mixed = {
      ...groupText,
      msgtype: "mixed",
      text: undefined,
      mixed: {
        msg_item: [
          { msgtype: "text", text: { content: "@平安助手 异常 一名学生摔伤" } },
          { msgtype: "image", image: { url: "https://wework.qpic.cn/a.png" } },
          { msgtype: "text", text: { content: "已送医" } },
        ],
      },
    };
    const parsed = parseInbound(JSON.stringify(mixed));
    expect(parsed).toMatchObject({ kind: "text", text: "@平安助手 异常 一名学生摔伤\n已送医", userid: "zhangsan" });
  });

  it("reads a mixed message with no text item as other", () => {
    const mixed = {
      ...groupText,
      msgtype: "mixed",
      mixed: { msg_item: [{ msgtype: "image", image: { url: "https://wework.qpic.cn/a.png" } }] },
    };
    expect(parseInbound(JSON.stringify(mixed))).toStrictEqual({
      kind: "other",
      msgtype: "mixed",
      msgid: groupText.msgid,
      chattype: "group",
      chatid: "wr_group_1",
      userid: "zhangsan",
      aibotid: "AIBOTID",
    });
  });

  it("reads an enter_chat event in WeCom's event format", () => {
    const event = {
      msgid: "CAIQrcjMjQYY/NGagIOAgAMgl8jzYQ==",
      create_time: 1700000000,
      aibotid: "AIBOTID",
      chattype: "single",
      from: { corpid: "wpxxxx", userid: "lisi" },
      msgtype: "event",
      event: { eventtype: "enter_chat", enter_chat: {} },
    };
    expect(parseInbound(JSON.stringify(event))).toStrictEqual({
      kind: "event",
      msgid: "CAIQrcjMjQYY/NGagIOAgAMgl8jzYQ==",
      eventtype: "enter_chat",
      userid: "lisi",
      chattype: "single",
      aibotid: "AIBOTID",
    });
    expect(parseInbound('{"msgtype":"event","event":{"eventtype":"feedback_event"}}')).toStrictEqual({
      kind: "event",
      eventtype: "feedback_event",
    });
  });

  it("reads a tap on a card's button as a card_tap, and one it cannot answer as ignored", () => {
    const tap = {
      msgid: "CAIQtap",
      create_time: 1700000000,
      aibotid: "AIBOTID",
      chatid: "wr_group_1",
      chattype: "group",
      from: { corpid: "wpxxxx", userid: "hu_bin" },
      msgtype: "event",
      event: { eventtype: "template_card_event", template_card_event: { card_type: "button_interaction", event_key: '{"a":"ok"}', task_id: "remind_1" } },
    };
    expect(toBotEvent(parseInbound(JSON.stringify(tap)))).toStrictEqual({
      kind: "card_tap",
      msgid: "CAIQtap",
      userid: "hu_bin",
      chat: { type: "group", id: "wr_group_1" },
      key: '{"a":"ok"}',
      cardId: "remind_1",
    });
    // Without whom, which message or which card there is nothing to answer or to deduplicate.
    const { msgid: _msgid, ...noMsgid } = tap;
    expect(toBotEvent(parseInbound(JSON.stringify(noMsgid)))).toStrictEqual({ kind: "ignored", what: "template_card_event" });
    const noTask = { ...tap, event: { eventtype: "template_card_event", template_card_event: { event_key: "k" } } };
    expect(toBotEvent(parseInbound(JSON.stringify(noTask)))).toStrictEqual({ kind: "ignored", what: "template_card_event" });
  });

  it("reads a card's dropdown choice with the tap, and a choice it cannot read as none", () => {
    const tapWith = (selected_items: unknown) => ({
      msgid: "CAIQpick",
      chatid: "wr_group_1",
      chattype: "group",
      from: { userid: "hu_bin" },
      msgtype: "event",
      event: { eventtype: "template_card_event", template_card_event: { card_type: "button_interaction", event_key: "submit", task_id: "ask_1", selected_items } },
    });
    const chosen = { selected_item: [{ question_key: "result", option_ids: { option_id: ["1"] } }] };
    expect(toBotEvent(parseInbound(JSON.stringify(tapWith(chosen))))).toMatchObject({ kind: "card_tap", key: "submit", selected: { result: ["1"] } });
    const unreadable = toBotEvent(parseInbound(JSON.stringify(tapWith({ selected_item: "1" }))));
    expect(unreadable).toMatchObject({ kind: "card_tap", key: "submit" });
    expect(unreadable).not.toHaveProperty("selected");
  });

  it("reads image, voice, file, video and stream polls as other", () => {
    const { text, ...rest } = groupText;
    for (const [msgtype, body] of [
      ["image", { url: "https://wework.qpic.cn/a.png" }],
      ["voice", { content: "平安" }],
      ["file", { url: "https://x/f" }],
      ["video", { url: "https://x/v" }],
      ["stream", { id: "STREAMID" }],
    ] as const) {
      expect(parseInbound(JSON.stringify({ ...rest, msgtype, [msgtype]: body }))).toStrictEqual({
        kind: "other",
        msgtype,
        msgid: groupText.msgid,
        chattype: "group",
        chatid: "wr_group_1",
        userid: "zhangsan",
        aibotid: "AIBOTID",
      });
    }
  });

  it("refuses broken JSON and missing or malformed required fields as bad_payload", () => {
    expect(payloadError('{"msgtype":"text",').message).toMatch(/not JSON/);
    payloadError("null");
    payloadError("[]");
    payloadError("{}");
    expect(payloadError(JSON.stringify({ ...groupText, from: {} })).message).toMatch(/userid/);
    expect(payloadError(JSON.stringify({ ...groupText, msgid: "" })).message).toMatch(/msgid/);
    expect(payloadError(JSON.stringify({ ...groupText, chattype: "channel" })).message).toMatch(/chattype/);
    expect(payloadError(JSON.stringify({ ...groupText, text: undefined })).message).toMatch(/text/);
    expect(payloadError(JSON.stringify({ ...groupText, text: { content: 1 } })).message).toMatch(/content/);
    payloadError(JSON.stringify({ ...groupText, msgtype: "mixed", mixed: { msg_item: [{ msgtype: "text" }] } }));
    payloadError(JSON.stringify({ ...groupText, msgtype: "mixed" }));
    expect(payloadError('{"msgtype":"event","event":{}}').message).toMatch(/eventtype/);
    payloadError(JSON.stringify({ ...groupText, msgtype: "image", from: undefined }));
  });
});

describe("streamReply", () => {
  it("builds a finished stream with the markdown as is", () => {
    expect(streamReply("**已记录**\n城关小学", "sid-1")).toStrictEqual({
      msgtype: "stream",
      stream: { id: "sid-1", finish: true, content: "**已记录**\n城关小学" },
    });
  });

  it("keeps content of exactly 20480 bytes and cuts longer content on a line boundary", () => {
    const line = `${"校".repeat(99)}\n`; // 298 bytes
    const exact = "a".repeat(STREAM_MAX_BYTES);
    expect(streamReply(exact, "s").stream.content).toBe(exact);

    const long = line.repeat(100); // 29800 bytes
    const content = streamReply(long, "s").stream.content;
    const bytes = Buffer.byteLength(content);
    expect(bytes).toBeLessThanOrEqual(STREAM_MAX_BYTES);
    expect(bytes).toBeGreaterThan(STREAM_MAX_BYTES - 400);
    const [kept, note] = content.split("\n…");
    expect(note).toBe("（内容过长，已截断）");
    expect(`${kept}\n`).toBe(line.repeat(68)); // whole lines only
  });

  it("cuts a single over-long line on a code-point boundary", () => {
    const content = streamReply("平".repeat(10000), "s").stream.content; // 30000 bytes, no newline
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(STREAM_MAX_BYTES);
    expect(content).not.toContain("\uFFFD");
    expect(content.endsWith("（内容过长，已截断）")).toBe(true);
    expect(content.startsWith("平".repeat(6000))).toBe(true);
  });
});

describe("textReply", () => {
  it("builds a plain text reply", () => {
    expect(textReply("欢迎使用平安助手")).toStrictEqual({ msgtype: "text", text: { content: "欢迎使用平安助手" } });
  });
});

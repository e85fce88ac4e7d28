import type { BotReply } from "../bot/events.js";
import { toCardUpdate, toTemplateCard, type ButtonInteractionCard, type CardUpdate } from "./template-card.js";
import type { OutboundFrame } from "./connection-outbox.js";

/** The passive answer to a user message: one finished stream. */
export interface StreamReply {
  msgtype: "stream";
  stream: { id: string; finish: true; content: string };
}

/** The passive answer to a user message with a card below it (帮助 and 状态 with the check-in buttons). */
export interface StreamWithCardReply {
  msgtype: "stream_with_template_card";
  stream: StreamReply["stream"];
  template_card: ButtonInteractionCard;
}

/** The passive answer to `enter_chat` (plain text answers nothing else). */
export interface TextReply {
  msgtype: "text";
  text: { content: string };
}

/** Stream content limit, in UTF-8 bytes [101031]. */
export const STREAM_MAX_BYTES = 20480;
const TRUNCATED = "\n…（内容过长，已截断）";

/** A finished stream reply; markdown over 20480 UTF-8 bytes is cut on a line boundary, with a note. */
export function streamReply(markdown: string, id: string): StreamReply {
  return { msgtype: "stream", stream: { id, finish: true, content: truncateUtf8(markdown, STREAM_MAX_BYTES) } };
}

/** A plain-text reply, for `enter_chat` only. */
export function textReply(content: string): TextReply {
  return { msgtype: "text", text: { content } };
}

function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  const budget = maxBytes - Buffer.byteLength(TRUNCATED);
  let end = bytes.lastIndexOf(0x0a, budget);
  if (end <= 0) {
    // One line longer than the budget: cut it on a code-point boundary instead.
    end = budget;
    while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  }
  return bytes.subarray(0, end).toString("utf8") + TRUNCATED;
}

/**
 * The passive reply WeCom expects for the bot's answer: a finished stream (with the card below
 * it when there is one), text for enter_chat, or the update of a tapped card.
 */
export function toWecomReply(reply: BotReply, streamId: string): StreamReply | StreamWithCardReply | TextReply | CardUpdate {
  switch (reply.kind) {
    case "text":
      return textReply(reply.content);
    case "card_update":
      return toCardUpdate(reply.card, reply.userids);
    case "markdown": {
      const stream = streamReply(reply.content, streamId);
      return reply.card ? { msgtype: "stream_with_template_card", stream: stream.stream, template_card: toTemplateCard(reply.card) } : stream;
    }
  }
}

/**
 * The same answer over the long connection, as a frame on the callback's req_id: the body
 * toWecomReply gives, under the command that carries it (the welcome to enter_chat, a card's
 * update to a tap, aibot_respond_msg to a message).
 */
export function toLongConnectionReply(reply: BotReply, reqId: string, streamId: string): OutboundFrame {
  const body = toWecomReply(reply, streamId);
  if ("response_type" in body) return { cmd: "aibot_respond_update_msg", reqId, body };
  if (body.msgtype === "text") return { cmd: "aibot_respond_welcome_msg", reqId, body };
  return { cmd: "aibot_respond_msg", reqId, body };
}

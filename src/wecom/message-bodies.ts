import { z } from "zod";
import type { BotEvent, BotReply, CardSelection } from "../bot/events.js";
import { CodedError, ErrorCode } from "../errors.js";
import { toCardUpdate, toTemplateCard, type ButtonInteractionCard, type CardUpdate } from "./template-card.js";

/*
 * WeCom's message bodies, the same on the callback and on the long connection: the callback it
 * sends, read into a typed event (readInbound), and the passive reply it expects for the bot's
 * answer, written out (toWecomReply).
 */

/** A decrypted callback that is not valid JSON or lacks a required field; `fields` name what was wrong, never what it held. */
function payloadError(message: string, fields: readonly string[] = []): CodedError<ErrorCode.WecomPayload> {
  return new CodedError(ErrorCode.WecomPayload, message, { fields });
}

const chattype = z.enum(["single", "group"]);
const from = z.object({ userid: z.string().min(1), corpid: z.string().optional() });

/** Fields every user message carries (wecom-protocol.md, "Smart bot callbacks"). */
const message = {
  msgid: z.string().min(1),
  aibotid: z.string().optional(),
  chatid: z.string().min(1).optional(),
  chattype,
  from,
  response_url: z.string().min(1).optional(),
};

const textCallback = z.object({
  ...message,
  msgtype: z.literal("text"),
  text: z.object({ content: z.string() }),
});

const mixedItem = z
  .object({
    msgtype: z.string().min(1),
    text: z.object({ content: z.string() }).optional(),
    image: z.object({ url: z.string() }).optional(),
  })
  .refine((item) => item.msgtype !== "text" || item.text !== undefined, {
    message: "a text item needs text.content",
    path: ["text"],
  });

const mixedCallback = z.object({
  ...message,
  msgtype: z.literal("mixed"),
  mixed: z.object({ msg_item: z.array(mixedItem) }),
});

/**
 * A card's dropdowns as a tap reports them: each question_key with the option ids chosen. A tap
 * whose choice does not fit this reads as a tap without one (the button still says what it is).
 */
const selectedItems = z
  .object({
    selected_item: z
      .array(z.object({ question_key: z.string().min(1).max(64), option_ids: z.object({ option_id: z.array(z.string().max(64)).max(20) }) }))
      .max(3),
  })
  .optional()
  .catch(undefined);

const eventCallback = z.object({
  msgid: z.string().min(1).optional(),
  create_time: z.number().optional(),
  aibotid: z.string().optional(),
  chatid: z.string().min(1).optional(),
  chattype: chattype.optional(),
  from: from.partial().optional(),
  msgtype: z.literal("event"),
  event: z.object({
    eventtype: z.string().min(1),
    /** A tap on a card's button (wecom-protocol.md, "Interactive template cards"). */
    template_card_event: z
      .object({ card_type: z.string().optional(), event_key: z.string().optional(), task_id: z.string().optional(), selected_items: selectedItems })
      .optional(),
  }),
});

/** voice, image, file, video, stream polls and any msgtype WeCom adds later. */
const otherCallback = z.object({
  ...message,
  msgtype: z.string().min(1),
});

/** A user's text (a `text` message, or the text items of a `mixed` one joined by newlines). */
export interface InboundText {
  kind: "text";
  msgid: string;
  chattype: "single" | "group";
  /** Groups only. */
  chatid?: string;
  userid: string;
  /** As WeCom sent it: in a group it still starts with the `@<bot name>` mention. */
  text: string;
  /** One markdown POST allowed, within an hour. */
  responseUrl?: string;
  aibotid?: string;
}

/** An event such as `enter_chat` (a welcome `textReply` is allowed) or `feedback_event`. */
export interface InboundEvent {
  kind: "event";
  msgid?: string;
  eventtype: string;
  userid?: string;
  chattype?: "single" | "group";
  chatid?: string;
  aibotid?: string;
  /** `template_card_event` only: the tapped button's key, the card's task_id and its dropdowns' choice. */
  card?: { key?: string; taskId?: string; selected?: CardSelection };
}

/** Any other message: voice, image, file, video, a stream poll, a mixed message without text. */
export interface InboundOther {
  kind: "other";
  msgtype: string;
  msgid: string;
  userid: string;
  chattype: "single" | "group";
  chatid?: string;
  aibotid?: string;
}

/** A decrypted callback, typed by what the bot does with it. */
export type Inbound = InboundText | InboundEvent | InboundOther;

/**
 * Text as everything downstream can hold it: an unpaired UTF-16 surrogate (half of an emoji a
 * client cut) becomes U+FFFD, and the control characters other than tab and line breaks and the
 * non-characters U+FFFE and U+FFFF go, which no typed text has and the ledger's XML cannot carry.
 */
export function toWellFormedText(text: string): string {
  // Nearly every text already is: one scan, and no copy.
  if (!isMalformed(text)) return text;
  return (text as Es2024String).toWellFormed().replace(DROPPED, "");
}

/**
 * Whether toWellFormedText would change `text`, asked of every string of every callback. Not
 * one Unicode-mode pattern with `\p{Cs}`, which took twice as long: the lone surrogates are the
 * engine's own check, the dropped characters a plain class.
 */
const isMalformed = (text: string) => !(text as Es2024String).isWellFormed() || DROPPED_ONE.test(text);

/** ES2024's checks of lone surrogates, which Node 20 has and the project's `lib` does not declare. */
type Es2024String = string & { isWellFormed(): boolean; toWellFormed(): string };

/** The characters toWellFormedText drops. */
const DROPPED_CLASS = String.raw`\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff`;
const DROPPED = new RegExp(`[${DROPPED_CLASS}]`, "g");
const DROPPED_ONE = new RegExp(`[${DROPPED_CLASS}]`);

function parseCallback(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (err) {
    throw payloadError(`callback is not JSON: ${(err as Error).message}`);
  }
}

/** A callback as read (Inbound) and as the bot sees it (toBotEvent): what a receiver takes from its body, in one call. */
export interface InboundMessage {
  inbound: Inbound;
  event: BotEvent;
}

/** The decrypted callback JSON read into its message; throws a CodedError (`bad_payload`), as readInbound does. */
export function parseMessage(json: string): InboundMessage {
  return readMessage(parseCallback(json));
}

/** A long connection's callback body read into its message; throws as readInbound does. */
export function readMessage(body: unknown): InboundMessage {
  const inbound = readInbound(body);
  return { inbound, event: toBotEvent(inbound) };
}

/**
 * Reads a callback body as parsed from JSON: the decrypted callback, or the body of a long
 * connection's `aibot_msg_callback` and `aibot_event_callback` (the same bodies, without
 * response_url). Every string in it is made well-formed (toWellFormedText): the one place inbound
 * text enters, and the one schema it is checked against. Throws a CodedError (`bad_payload`).
 */
export function readInbound(body: unknown): Inbound {
  // Copied only when a string in it changes: copying every callback cost more than the rest of reading it.
  const data = isWellFormed(body) ? body : wellFormed(body);
  const msgtype = (data as { msgtype?: unknown } | null)?.msgtype;
  switch (msgtype) {
    case "text": {
      const cb = check(textCallback, data);
      return { kind: "text", ...common(cb), text: cb.text.content, ...responseUrlOf(cb) };
    }
    case "mixed": {
      const cb = check(mixedCallback, data);
      const texts = cb.mixed.msg_item.flatMap((item) => (item.msgtype === "text" && item.text ? [item.text.content] : []));
      if (texts.length === 0) return { kind: "other", msgtype: "mixed", ...common(cb) };
      return { kind: "text", ...common(cb), text: texts.join("\n"), ...responseUrlOf(cb) };
    }
    case "event": {
      const cb = check(eventCallback, data);
      return omitUndefined({
        kind: "event" as const,
        msgid: cb.msgid,
        eventtype: cb.event.eventtype,
        userid: cb.from?.userid,
        chattype: cb.chattype,
        chatid: cb.chatid,
        aibotid: cb.aibotid,
        card: cardOf(cb.event.template_card_event),
      });
    }
    default: {
      const cb = check(otherCallback, data);
      return { kind: "other", msgtype: cb.msgtype, ...common(cb) };
    }
  }
}

/** Whether every string in `value` (not the keys) is well-formed already (toWellFormedText would keep it). */
function isWellFormed(value: unknown): boolean {
  if (typeof value === "string") return !isMalformed(value);
  if (value === null || typeof value !== "object") return true;
  for (const item of Array.isArray(value) ? value : Object.values(value)) if (!isWellFormed(item)) return false;
  return true;
}

/** `value` with every string in it (not the keys) made well-formed. */
function wellFormed(value: unknown): unknown {
  if (typeof value === "string") return toWellFormedText(value);
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, wellFormed(item)]));
  return value;
}

type MessageFields = z.infer<typeof otherCallback>;

function cardOf(tap: z.infer<typeof eventCallback>["event"]["template_card_event"]): InboundEvent["card"] {
  const items = tap?.selected_items?.selected_item;
  const selected = items && Object.fromEntries(items.map((item) => [item.question_key, item.option_ids.option_id]));
  return tap && omitUndefined({ key: tap.event_key, taskId: tap.task_id, selected });
}

function common(cb: MessageFields) {
  return omitUndefined({
    msgid: cb.msgid,
    chattype: cb.chattype,
    chatid: cb.chatid,
    userid: cb.from.userid,
    aibotid: cb.aibotid,
  });
}

function responseUrlOf(cb: MessageFields): { responseUrl?: string } {
  return cb.response_url === undefined ? {} : { responseUrl: cb.response_url };
}

function check<T extends z.ZodType>(schema: T, data: unknown): z.infer<T> {
  const result = schema.safeParse(data);
  if (!result.success) {
    throw payloadError(`bad callback: ${z.prettifyError(result.error)}`, result.error.issues.map((issue) => issue.path.join(".")));
  }
  return result.data;
}

/** `obj` without its undefined fields; its keys are this module's own field names. */
function omitUndefined<T extends Record<string, unknown>>(obj: T): T {
  const kept: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) if (obj[key] !== undefined) kept[key] = obj[key];
  return kept as T;
}

/**
 * What the bot sees of a callback. The long connection delivers the same bodies, so both
 * receivers take it from here (readMessage, parseMessage).
 */
export function toBotEvent(inbound: Inbound): BotEvent {
  switch (inbound.kind) {
    case "text":
      return {
        kind: "text",
        msgid: inbound.msgid,
        userid: inbound.userid,
        text: inbound.text,
        chat: { type: inbound.chattype, ...(inbound.chatid && { id: inbound.chatid }) },
      };
    case "event": {
      const { eventtype, userid, msgid, card } = inbound;
      if (eventtype === "enter_chat" && userid) return { kind: "enter_chat", userid };
      // A tap without whom, which message or which button cannot be answered or deduplicated.
      if (eventtype === "template_card_event" && userid && msgid && card?.key !== undefined && card.taskId) {
        return {
          kind: "card_tap",
          msgid,
          userid,
          chat: { type: inbound.chattype ?? (inbound.chatid ? "group" : "single"), ...(inbound.chatid && { id: inbound.chatid }) },
          key: card.key,
          cardId: card.taskId,
          ...(card.selected && { selected: card.selected }),
        };
      }
      return { kind: "ignored", what: eventtype };
    }
    case "other":
      // An unfinished stream would make WeCom poll; ours always finish, so polls get nothing.
      return inbound.msgtype === "stream"
        ? { kind: "ignored", what: "stream" }
        : { kind: "other", msgid: inbound.msgid, userid: inbound.userid, msgtype: inbound.msgtype };
  }
}

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
  // Counted, not encoded: every reply fits but a few, and only those are cut from their bytes.
  if (Buffer.byteLength(text, "utf8") <= maxBytes) return text;
  const bytes = Buffer.from(text, "utf8");
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

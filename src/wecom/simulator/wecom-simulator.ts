import { randomBytes } from "node:crypto";
import { CodedError, ErrorCode, hasCode } from "../../errors.js";
import { createWecomCrypto } from "../crypto.js";
import { STREAM_MAX_BYTES } from "../message-bodies.js";

/** Where and as whom the simulator plays WeCom's side of one smart bot in callback mode. */
export interface WecomSimulatorOptions {
  /** The bot service, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  token: string;
  encodingAESKey: string;
  /** Shown in group mentions: `@<botName> …`. */
  botName?: string;
  aibotid?: string;
  /** Sent as `from.corpid` in events. */
  corpid?: string;
  callbackPath?: string;
  /** Base of the `response_url` given with each message. */
  apiBaseUrl?: string;
  /** Content-Type of callback POSTs; WeCom does not document it. */
  contentType?: string;
  fetch?: typeof globalThis.fetch;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

/** Why the simulator refused the bot's answer, as WeCom would have. */
export type WecomSimulatorErrorCode =
  | "reply_malformed"
  | "reply_bad_signature"
  | "reply_nonce_mismatch"
  | "reply_bad_ciphertext"
  | "reply_bad_receiveid"
  | "reply_not_allowed"
  | "reply_too_long";

/** A passive reply that WeCom would reject: a SimulatedRefusal error whose `reason` says why. */
function refusal(reason: WecomSimulatorErrorCode, message: string): CodedError<ErrorCode.SimulatedRefusal> {
  return new CodedError(ErrorCode.SimulatedRefusal, message, { reason });
}

/** A decrypted passive reply: a message (`msgtype`) or, to a card tap, a card update (`response_type`). */
export interface ReplyJson {
  msgtype?: string;
  response_type?: string;
  [field: string]: unknown;
}

/** A template card in a reply, as far as the simulator reads it. */
export interface SimulatedCard {
  card_type: string;
  task_id: string;
  main_title?: { title?: string; desc?: string };
  sub_title_text?: string;
  button_list?: { text: string; key: string; style?: number }[];
}

/** What the bot answered to one callback, checked and decrypted. */
export interface SimulatedReply {
  status: number;
  /** The msgid of the callback that was sent. */
  msgid: string;
  /** The decrypted JSON the simulator sent. */
  payload: Record<string, unknown>;
  /** The decrypted reply; undefined for an empty body or a non-200 status. */
  reply?: ReplyJson;
  /** `stream.content` of a stream reply (with or without a card). */
  markdown?: string;
  /** The card of a `stream_with_template_card` or `template_card` reply, or of a card update. */
  card?: SimulatedCard;
  /** Who a card update is for (`userids`). */
  updateFor?: string[];
  /** `text.content` of a text reply (enter_chat). */
  text?: string;
  /** The HTTP body as received. */
  raw: string;
}

/** Fields common to every simulated message. */
export interface MessageOptions {
  /** The sender's userid. */
  from: string;
  chattype?: "single" | "group";
  /** Used in groups only. */
  chatid?: string;
  msgid?: string;
  /** Seconds; defaults to now. Set it in the past to test stale callbacks. */
  timestamp?: number;
}

export interface SayOptions extends MessageOptions {
  text: string;
  /** In a group, prefix `@<botName> ` as WeCom does. */
  mention?: boolean;
}

/** A text item, or an image by URL. */
export type MixedItem = string | { imageUrl: string };

export interface SayMixedOptions extends MessageOptions {
  items: MixedItem[];
  mention?: boolean;
}

export interface EventOptions extends MessageOptions {
  eventtype?: string;
}

/** A tap on a button of a card the bot sent (`template_card_event`). */
export interface TapOptions extends MessageOptions {
  /** The card's task_id. */
  taskId: string;
  /** The tapped button's key. */
  key: string;
  cardType?: string;
}

export interface OtherOptions extends MessageOptions {
  msgtype: "image" | "voice" | "file" | "video" | "stream";
  /** image, file, video. */
  url?: string;
  /** voice: the transcribed text. */
  content?: string;
  /** stream: the id of the stream being polled. */
  streamId?: string;
}

/** A raw HTTP exchange with the callback URL. */
export interface RawResponse {
  status: number;
  raw: string;
  contentType: string | null;
}

/** The URL verification round (GET with echostr). */
export interface VerifyUrlResult {
  status: number;
  body: string;
  /** The plaintext the bot should have answered. */
  echostr: string;
  matches: boolean;
}

/** A signed callback, ready for `post`. */
export interface Envelope {
  body: { encrypt: string };
  query: { msg_signature: string; timestamp: string; nonce: string };
}

export interface WecomSimulator {
  verifyUrl(): Promise<VerifyUrlResult>;
  say(options: SayOptions): Promise<SimulatedReply>;
  sayMixed(options: SayMixedOptions): Promise<SimulatedReply>;
  event(options: EventOptions): Promise<SimulatedReply>;
  /** Taps a card's button, as WeCom's `template_card_event` callback. */
  tap(options: TapOptions): Promise<SimulatedReply>;
  sendOther(options: OtherOptions): Promise<SimulatedReply>;
  /** Encrypts, signs and posts any decrypted callback JSON, then checks the reply. */
  send(payload: Record<string, unknown>, options?: { timestamp?: number }): Promise<SimulatedReply>;
  /** Encrypts and signs any plaintext (receiveid "" unless given), without sending it. */
  envelope(plaintext: string, options?: { timestamp?: number; nonce?: string; receiveid?: string }): Envelope;
  /** POSTs a body as is (objects as JSON) to the callback URL with this query; no checks. */
  post(body: string | object, query?: Record<string, string>): Promise<RawResponse>;
  /** GETs the callback URL with this query; no checks. */
  get(query: Record<string, string>): Promise<RawResponse>;
}

const USER_REPLIES = ["stream", "template_card", "stream_with_template_card"];
const ENTER_CHAT_REPLIES = ["text", "template_card"];
/** The card limits of wecom-protocol.md ("Interactive template cards"). */
const TASK_ID = /^[0-9A-Za-z_\-@]{1,128}$/;
const MAX_BUTTONS = 6;
const MAX_KEY_BYTES = 1024;

/** Plays WeCom's side of the callback protocol (wecom-protocol.md) against a running bot. */
export function createWecomSimulator({
  baseUrl,
  token,
  encodingAESKey,
  botName = "平安助手",
  aibotid = "aib_pingan_demo",
  corpid = "ww_pingan_demo",
  callbackPath = "/wecom/callback",
  apiBaseUrl = "https://qyapi.weixin.qq.com",
  contentType = "application/json",
  fetch = globalThis.fetch,
  now = () => Date.now(),
}: WecomSimulatorOptions): WecomSimulator {
  const crypto = createWecomCrypto({ token, encodingAESKey });
  const url = baseUrl.replace(/\/+$/, "") + callbackPath;
  const seconds = () => Math.floor(now() / 1000);

  async function request(method: "GET" | "POST", query: Record<string, string>, body?: string): Promise<RawResponse> {
    const qs = new URLSearchParams(query).toString();
    const res = await fetch(qs ? `${url}?${qs}` : url, {
      method,
      ...(body === undefined ? {} : { body, headers: { "content-type": contentType } }),
    });
    return { status: res.status, raw: await res.text(), contentType: res.headers.get("content-type") };
  }

  function envelope(plaintext: string, options: { timestamp?: number; nonce?: string; receiveid?: string } = {}): Envelope {
    const timestamp = String(options.timestamp ?? seconds());
    const nonce = options.nonce ?? randomNonce();
    const encrypt = crypto.encrypt(plaintext, options.receiveid ?? "");
    return { body: { encrypt }, query: { msg_signature: crypto.sign(timestamp, nonce, encrypt), timestamp, nonce } };
  }

  async function send(payload: Record<string, unknown>, options: { timestamp?: number } = {}): Promise<SimulatedReply> {
    const { body, query } = envelope(JSON.stringify(payload), options);
    const res = await request("POST", query, JSON.stringify(body));
    const result: SimulatedReply = { status: res.status, msgid: String(payload.msgid ?? ""), payload, raw: res.raw };
    if (res.status !== 200 || res.raw === "") return result;
    const reply = openReply(res.raw, query.nonce);
    checkReplyType(payload, reply);
    const stream = reply.stream as { content?: unknown } | undefined;
    const text = reply.text as { content?: unknown } | undefined;
    const streams = reply.msgtype === "stream" || reply.msgtype === "stream_with_template_card";
    return {
      ...result,
      reply,
      ...(streams && typeof stream?.content === "string" ? { markdown: stream.content } : {}),
      ...(reply.msgtype === "text" && typeof text?.content === "string" ? { text: text.content } : {}),
      ...(reply.template_card !== undefined && { card: reply.template_card as SimulatedCard }),
      ...(Array.isArray(reply.userids) && { updateFor: reply.userids as string[] }),
    };
  }

  function openReply(raw: string, nonce: string): ReplyJson {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw refusal("reply_malformed", `reply body is not JSON: ${raw.slice(0, 200)}`);
    }
    if (typeof body !== "object" || body === null) {
      throw refusal("reply_malformed", `reply body is not a JSON object: ${raw.slice(0, 200)}`);
    }
    const { encrypt, msgsignature, timestamp } = body as Record<string, unknown>;
    if (typeof encrypt !== "string" || typeof msgsignature !== "string") {
      throw refusal("reply_malformed", "reply needs string fields encrypt and msgsignature");
    }
    if (!(typeof timestamp === "number" || (typeof timestamp === "string" && /^\d+$/.test(timestamp)))) {
      throw refusal("reply_malformed", "reply needs a numeric timestamp");
    }
    const replyNonce = (body as Record<string, unknown>).nonce;
    if (replyNonce !== nonce) {
      throw refusal("reply_nonce_mismatch", `reply nonce ${JSON.stringify(replyNonce)} is not the callback's ${nonce}`);
    }
    if (!crypto.verify(msgsignature, timestamp, nonce, encrypt)) {
      throw refusal("reply_bad_signature", "reply msgsignature does not match (token, timestamp, nonce, encrypt)");
    }
    let plain: string;
    try {
      plain = crypto.open(encrypt);
    } catch (err) {
      if (hasCode(err, ErrorCode.WecomBadReceiveid)) {
        throw refusal("reply_bad_receiveid", err.message);
      }
      throw refusal("reply_bad_ciphertext", (err as Error).message);
    }
    let reply: unknown;
    try {
      reply = JSON.parse(plain);
    } catch {
      throw refusal("reply_malformed", `decrypted reply is not JSON: ${plain.slice(0, 200)}`);
    }
    const { msgtype, response_type: responseType } = (reply ?? {}) as ReplyJson;
    if (typeof msgtype !== "string" && responseType !== "update_template_card") {
      throw refusal("reply_malformed", "decrypted reply has no msgtype (nor is it a card update)");
    }
    return reply as ReplyJson;
  }

  function base({ from, chattype = "group", chatid = "wr_demo_group", msgid = randomMsgid() }: MessageOptions) {
    return {
      msgid,
      aibotid,
      ...(chattype === "group" ? { chatid } : {}),
      chattype,
      from: { userid: from },
    };
  }

  const responseUrl = () => `${apiBaseUrl}/cgi-bin/aibot/response?response_code=${randomBytes(24).toString("hex")}`;
  const mentions = (o: { chattype?: string; mention?: boolean }) => (o.chattype ?? "group") === "group" && (o.mention ?? true);

  return {
    async verifyUrl() {
      const echostr = randomBytes(8).readBigUInt64BE().toString();
      const timestamp = String(seconds());
      const nonce = randomNonce();
      const encrypted = crypto.encrypt(echostr);
      const res = await request("GET", {
        msg_signature: crypto.sign(timestamp, nonce, encrypted),
        timestamp,
        nonce,
        echostr: encrypted,
      });
      return { status: res.status, body: res.raw, echostr, matches: res.status === 200 && res.raw === echostr };
    },

    say(options) {
      const content = mentions(options) ? `@${botName} ${options.text}` : options.text;
      return send(
        { ...base(options), response_url: responseUrl(), msgtype: "text", text: { content } },
        options,
      );
    },

    sayMixed(options) {
      const msg_item: Array<Record<string, unknown>> = options.items.map((item) =>
        typeof item === "string"
          ? { msgtype: "text", text: { content: item } }
          : { msgtype: "image", image: { url: item.imageUrl } },
      );
      if (mentions(options)) {
        const first = msg_item.find((item) => item.msgtype === "text") as { text: { content: string } } | undefined;
        if (first) first.text.content = `@${botName} ${first.text.content}`;
        else msg_item.unshift({ msgtype: "text", text: { content: `@${botName}` } });
      }
      return send({ ...base(options), response_url: responseUrl(), msgtype: "mixed", mixed: { msg_item } }, options);
    },

    event(options) {
      const eventtype = options.eventtype ?? "enter_chat";
      const { from, ...rest } = base({ ...options, chattype: options.chattype ?? "single" });
      return send(
        {
          ...rest,
          create_time: options.timestamp ?? seconds(),
          from: { corpid, ...from },
          msgtype: "event",
          event: { eventtype, [eventtype]: {} },
        },
        options,
      );
    },

    tap(options) {
      const { from, ...rest } = base(options);
      return send(
        {
          ...rest,
          create_time: options.timestamp ?? seconds(),
          from: { corpid, ...from },
          msgtype: "event",
          event: {
            eventtype: "template_card_event",
            template_card_event: { card_type: options.cardType ?? "button_interaction", event_key: options.key, task_id: options.taskId },
          },
        },
        options,
      );
    },

    sendOther(options) {
      const { msgtype } = options;
      const body =
        msgtype === "voice"
          ? { content: options.content ?? "" }
          : msgtype === "stream"
            ? { id: options.streamId ?? "" }
            : { url: options.url ?? `https://wework.qpic.cn/wwpic/${randomBytes(8).toString("hex")}` };
      return send(
        { ...base(options), ...(msgtype === "stream" ? {} : { response_url: responseUrl() }), msgtype, [msgtype]: body },
        options,
      );
    },

    send,
    envelope,
    post: (body, query = {}) => request("POST", query, typeof body === "string" ? body : JSON.stringify(body)),
    get: (query) => request("GET", query),
  };
}

/** WeCom only shows some reply types for some callbacks (wecom-protocol.md, "Passive reply"). */
function checkReplyType(payload: Record<string, unknown>, reply: ReplyJson): void {
  const event = payload.event as { eventtype?: string; template_card_event?: { task_id?: string } } | undefined;
  const eventtype = event?.eventtype;
  if (reply.response_type !== undefined) {
    if (eventtype !== "template_card_event") {
      throw refusal("reply_not_allowed", `only a card tap can be answered with a card update, not a ${eventtype ?? String(payload.msgtype)} callback`);
    }
    const card = reply.template_card as SimulatedCard | undefined;
    if (card?.task_id !== event?.template_card_event?.task_id) {
      throw refusal("reply_malformed", `a card update must reuse the tapped card's task_id ${event?.template_card_event?.task_id}`);
    }
  }
  if (reply.template_card !== undefined) checkCard(reply.template_card as SimulatedCard);
  const allowed =
    payload.msgtype !== "event" ? USER_REPLIES : eventtype === "enter_chat" ? ENTER_CHAT_REPLIES : undefined;
  if (allowed && !allowed.includes(reply.msgtype ?? "")) {
    throw refusal(
      "reply_not_allowed",
      `a ${eventtype ?? String(payload.msgtype)} callback cannot be answered with msgtype ${reply.msgtype} (allowed: ${allowed.join(", ")})`,
    );
  }
  if (reply.msgtype === "stream") {
    const stream = reply.stream as { id?: unknown; content?: unknown } | undefined;
    if (typeof stream?.id !== "string" || stream.id === "") {
      throw refusal("reply_malformed", "a stream reply needs a non-empty stream.id");
    }
    if (typeof stream.content === "string" && Buffer.byteLength(stream.content) > STREAM_MAX_BYTES) {
      throw refusal(
        "reply_too_long",
        `stream.content is ${Buffer.byteLength(stream.content)} bytes, over ${STREAM_MAX_BYTES}`,
      );
    }
  }
}

/** The limits WeCom puts on an interactive card: task_id, at most six buttons, keys of 1024 bytes. */
function checkCard(card: SimulatedCard): void {
  if (!TASK_ID.test(card.task_id ?? "")) {
    throw refusal("reply_malformed", `card task_id ${JSON.stringify(card.task_id)} is not [0-9A-Za-z_-@]{1,128}`);
  }
  const buttons = card.button_list ?? [];
  if (card.card_type === "button_interaction" && (buttons.length === 0 || buttons.length > MAX_BUTTONS)) {
    throw refusal("reply_malformed", `a button card needs 1 to ${MAX_BUTTONS} buttons, not ${buttons.length}`);
  }
  const long = buttons.find((b) => Buffer.byteLength(b.key ?? "") > MAX_KEY_BYTES || !b.key);
  if (long) throw refusal("reply_malformed", `button ${long.text} has no key or one over ${MAX_KEY_BYTES} bytes`);
}

function randomMsgid(): string {
  return randomBytes(16).toString("hex");
}

function randomNonce(): string {
  return randomBytes(8).toString("hex");
}

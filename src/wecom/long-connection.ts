import { createHash, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import WebSocket from "ws";
import { z } from "zod";
import { createRefusalLog } from "./refusal-log.js";

/**
 * Why a long-connection request, subscription or connection failed.
 *
 * - `not_connected`: no live subscription when the request was made; nothing was sent.
 * - `connection_lost`: the socket closed after the frame went out and before its ack, so
 *   WeCom may or may not have acted on it; also the code of transport failures in `status()`.
 * - `timeout`: no ack within `ackTimeoutMs` (a request, the subscribe, or a heartbeat).
 * - `rate_limited`: errcode 45009 (30 messages a minute per conversation, or subscribe
 *   frequency protection).
 * - `invalid_chat`: errcode 93006 (no user has spoken to the bot in that chat) or 93001.
 * - `too_large`: errcode 45002 (stream content over 20480 bytes).
 * - `bad_credentials`: the subscribe was refused with any errcode other than 45009.
 * - `stepped_down`: another connection subscribed this bot (`disconnected_event`).
 * - `rejected`: any other non-zero errcode; see `errcode` and the message.
 */
export type LongConnectionErrorCode =
  | "not_connected"
  | "connection_lost"
  | "timeout"
  | "rate_limited"
  | "invalid_chat"
  | "too_large"
  | "bad_credentials"
  | "stepped_down"
  | "rejected";

/** A failed long-connection operation; `errcode` is set when WeCom answered with one. */
export class LongConnectionError extends Error {
  override readonly name = "LongConnectionError";
  readonly code: LongConnectionErrorCode;
  readonly errcode: number | undefined;
  readonly reqId: string | undefined;

  constructor(code: LongConnectionErrorCode, message: string, details: { errcode?: number; reqId?: string } = {}) {
    super(message);
    this.code = code;
    this.errcode = details.errcode;
    this.reqId = details.reqId;
  }
}

/**
 * - `idle`: created, never started.
 * - `connecting`: dialling, subscribing, or waiting out a reconnect delay.
 * - `subscribed`: WeCom accepted the subscribe; requests may be sent.
 * - `stepped_down`: another connection took over the bot; stays down until `start()`.
 * - `stopped`: `stop()` was called; stays down until `start()`.
 */
export type LongConnectionState = "idle" | "connecting" | "subscribed" | "stepped_down" | "stopped";

const from = z.looseObject({ userid: z.string().min(1), corpid: z.string().optional() });
const chattype = z.enum(["single", "group"]);

const messageBodySchema = z.looseObject({
  msgid: z.string().min(1),
  aibotid: z.string().optional(),
  chatid: z.string().optional(),
  chattype,
  from,
  create_time: z.number().optional(),
  msgtype: z.string().min(1),
  text: z.looseObject({ content: z.string() }).optional(),
});

const eventBodySchema = z.looseObject({
  msgid: z.string().min(1),
  create_time: z.number().optional(),
  aibotid: z.string().optional(),
  chatid: z.string().optional(),
  chattype: chattype.optional(),
  from,
  msgtype: z.literal("event"),
  event: z.looseObject({
    eventtype: z.string().min(1),
    template_card_event: z
      .looseObject({
        card_type: z.string().optional(),
        event_key: z.string().optional(),
        task_id: z.string().optional(),
      })
      .optional(),
  }),
});

const envelopeSchema = z.object({
  cmd: z.string().optional(),
  headers: z.looseObject({ req_id: z.string() }),
  body: z.unknown().optional(),
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
});

/**
 * Body of an `aibot_msg_callback`: as in callback mode (msgid, aibotid, chatid in groups,
 * chattype, from.userid, msgtype, text.content with the `@<bot name>` mention in groups), but
 * without response_url. Fields of other msgtypes (mixed, voice, image…) pass through untyped.
 */
export type InboundMessageBody = z.infer<typeof messageBodySchema>;

/** Body of an `aibot_event_callback` (enter_chat, template_card_event, feedback_event…). */
export type InboundEventBody = z.infer<typeof eventBodySchema>;

/** An inbound callback: reply to it by passing `reqId` to `respond`, `respondWelcome` or `updateCard`. */
export interface InboundFrame<B> {
  readonly cmd: string;
  readonly reqId: string;
  readonly body: B;
}

/** A user message (`aibot_msg_callback`). */
export type MessageFrame = InboundFrame<InboundMessageBody>;
/** A user event (`aibot_event_callback`), never `disconnected_event` (that one steps the client down). */
export type EventFrame = InboundFrame<InboundEventBody>;

/** WeCom's acknowledgement of a request, errcode always 0 (non-zero ones reject). */
export interface LongConnectionAck {
  reqId: string;
  errcode: number;
  errmsg: string;
  body?: unknown;
}

/** A template card as WeCom defines it (wecom-protocol.md, "Interactive template cards"). */
export interface TemplateCard {
  card_type: string;
  task_id?: string;
}

/** A stream reply; `content` is markdown of at most 20480 UTF-8 bytes. */
export interface StreamPayload {
  id: string;
  finish: boolean;
  content: string;
  [field: string]: unknown;
}

/** Body of `aibot_respond_msg`, the reply to a message callback. */
export type RespondBody =
  | { msgtype: "stream"; stream: StreamPayload }
  | { msgtype: "stream_with_template_card"; stream: StreamPayload; template_card?: TemplateCard }
  | { msgtype: "template_card"; template_card: TemplateCard }
  | { msgtype: "markdown"; markdown: { content: string } };

/** Body of `aibot_respond_welcome_msg`, allowed within 5 s of `enter_chat`. */
export type WelcomeBody =
  | { msgtype: "text"; text: { content: string } }
  | { msgtype: "template_card"; template_card: TemplateCard };

/** Body of `aibot_respond_update_msg`, allowed within 5 s of the click; without `userids` the card changes for everyone. */
export interface UpdateCardBody {
  response_type?: "update_template_card";
  userids?: string[];
  template_card: TemplateCard;
}

/** Body of `aibot_send_msg` (without `chatid`, which `send` adds). */
export type SendBody =
  | { msgtype: "markdown"; markdown: { content: string } }
  | { msgtype: "template_card"; template_card: TemplateCard }
  | { msgtype: "image"; image: { media_id: string } };

/** A medium to upload: a PNG or JPG picture of at most 2 MB here (WeCom takes up to 100 chunks). */
export interface MediaUpload {
  type: "image";
  filename: string;
  bytes: Buffer;
}

/** Notifications a long connection emits; a listener that throws or rejects is logged and ignored. */
export interface LongConnectionEvents {
  message: (frame: MessageFrame) => unknown;
  event: (frame: EventFrame) => unknown;
  state: (state: LongConnectionState, previous: LongConnectionState) => unknown;
  /** Another connection subscribed this bot; this one closed and will not reconnect until `start()`. */
  "stepped-down": () => unknown;
  /** A reconnect is scheduled after `delayMs`; `attempt` counts since the last subscription. */
  reconnecting: (info: { attempt: number; delayMs: number; reason?: LongConnectionErrorCode }) => unknown;
}

/** For /healthz. */
export interface LongConnectionStatus {
  state: LongConnectionState;
  /** Epoch ms of the last state change. */
  since: number;
  /** Reconnects scheduled since creation. */
  reconnects: number;
  /** Epoch ms of the next dial while waiting out a reconnect delay. */
  nextAttemptAt?: number;
  lastError?: { code: LongConnectionErrorCode; message: string; errcode?: number; at: number };
}

/** Options of {@link createLongConnection}. */
export interface LongConnectionOptions {
  /** `wss://openws.work.weixin.qq.com`, or the one a privately deployed WeCom shows. */
  url: string;
  botId: string;
  secret: string;
  log: Pick<Logger, "info" | "warn" | "debug">;
  /** Ping interval, 30 000 by default. */
  heartbeatMs?: number;
  /** How long each request, subscribe, heartbeat and the opening handshake wait for an answer; 5 000 by default. */
  ackTimeoutMs?: number;
  /** Reconnect delays: decorrelated jitter between `minMs` (1 000) and `maxMs` (30 000). */
  backoff?: { minMs?: number; maxMs?: number };
  /** In [0, 1); Math.random by default. */
  random?: () => number;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
  /**
   * Asked right before each subscribe, once the socket is open: false (or a rejection) sends no
   * subscribe. A subscribe takes the bot from whichever connection has it, so a process that
   * may have lost its right to hold it (paused past its lease) must not send one.
   */
  maySubscribe?: () => Promise<boolean>;
  /** Told each inbound frame dropped because it cannot be read, for metrics (the log has one line a second). */
  onRefused?: (reason: FrameRefusal) => void;
}

/**
 * Why an inbound frame was dropped: not a frame at all, a message or event callback without the
 * fields it must have, or a callback body the bot cannot read (the receiver's).
 */
export type FrameRefusal = "unreadable" | "malformed_message" | "malformed_event" | "unreadable_callback";

/** A client of WeCom's smart-bot long connection. See {@link createLongConnection}. */
export interface LongConnection {
  readonly state: LongConnectionState;
  /** Dial and subscribe; from `stopped` or `stepped_down` this takes the bot back. No-op while connecting or subscribed. */
  start(): void;
  /** Close and stay closed; in-flight requests reject with `connection_lost`. Resolves when the socket is closed. */
  stop(): Promise<void>;
  /** Returns a function that removes the listener. */
  on<K extends keyof LongConnectionEvents>(name: K, listener: LongConnectionEvents[K]): () => void;
  /** `aibot_respond_msg` on a message callback's req_id. */
  respond(reqId: string, body: RespondBody): Promise<LongConnectionAck>;
  /** `aibot_respond_welcome_msg` on an `enter_chat` event's req_id. */
  respondWelcome(reqId: string, body: WelcomeBody): Promise<LongConnectionAck>;
  /** `aibot_respond_update_msg` on a `template_card_event`'s req_id. */
  updateCard(reqId: string, body: UpdateCardBody): Promise<LongConnectionAck>;
  /** `aibot_send_msg`: only to a chat where a user has spoken to the bot (group chatid, or the userid of a direct chat). */
  send(chatid: string, body: SendBody): Promise<LongConnectionAck>;
  /** `aibot_upload_media_init` → `_chunk` × N → `_finish`; resolves with the media_id (valid 3 days) to `send`. */
  uploadMedia(media: MediaUpload): Promise<string>;
  status(): LongConnectionStatus;
}

interface InFlight {
  cmd: string;
  ws: WebSocket;
  timer: NodeJS.Timeout;
  resolve: (ack: LongConnectionAck) => void;
  reject: (err: LongConnectionError) => void;
}

type Listeners = { [K in keyof LongConnectionEvents]: Set<LongConnectionEvents[K]> };

/** wecom-protocol.md: 45009 frequency limit; 93006 invalid chatid and 93001 bot not in group (unconfirmed); 45002 content too large. */
function codeFor(errcode: number, cmd: string): LongConnectionErrorCode {
  if (errcode === 45009) return "rate_limited";
  if (cmd === "aibot_subscribe") return "bad_credentials";
  if (errcode === 93006 || errcode === 93001) return "invalid_chat";
  if (errcode === 45002) return "too_large";
  return "rejected";
}

/** A media upload's chunk, before base64 (wecom-protocol.md: at most 512 KB). */
const MEDIA_CHUNK_BYTES = 512 * 1024;

/** A string WeCom's ack must carry (upload_id, media_id); without it the step failed. */
function ackField(ack: LongConnectionAck, name: string): string {
  const value = (ack.body as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== "string" || value === "") {
    throw new LongConnectionError("rejected", `${name} missing from the acknowledgement`, { reqId: ack.reqId });
  }
  return value;
}

/** WeCom's SDK strips raw control characters before parsing; we do so only when a frame fails to parse as sent. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.replace(/[\x00-\x08\x0B-\x0D\x0E-\x1F]/g, ""));
  }
}

/**
 * Connects to WeCom's long connection and keeps one subscription for the bot: reconnects
 * forever with jittered backoff, pings every `heartbeatMs` and reconnects when a ping goes
 * unanswered, and steps down for good when another connection takes the bot over. Nothing
 * is buffered: requests made without a live subscription reject at once with `not_connected`.
 */
export function createLongConnection(options: LongConnectionOptions): LongConnection {
  const { url, botId, secret, log } = options;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
  const minMs = options.backoff?.minMs ?? 1_000;
  const maxMs = Math.max(minMs, options.backoff?.maxMs ?? 30_000);
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const logRefusal = createRefusalLog(log, { one: "long connection: frame dropped", many: "long connection: frames dropped" });
  /** A frame that cannot be read: counted, and logged without its content (what a user typed stays out of the log). */
  const refuseFrame = (reason: FrameRefusal, fields: Record<string, unknown>) => {
    options.onRefused?.(reason);
    logRefusal(reason, { reason, ...fields });
  };

  const listeners: Listeners = {
    message: new Set(),
    event: new Set(),
    state: new Set(),
    "stepped-down": new Set(),
    reconnecting: new Set(),
  };
  let state: LongConnectionState = "idle";
  let since = now();
  let reconnects = 0;
  let attempt = 0;
  let previousDelay = minMs;
  let penalise = false;
  let lastError: LongConnectionStatus["lastError"];
  let nextAttemptAt: number | undefined;
  let socket: WebSocket | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const inFlight = new Map<string, InFlight>();
  // Sockets this client chose to drop: their close is not a lost connection.
  const dropped = new WeakSet<WebSocket>();
  // Acks carry only the req_id, and replies reuse the callback's: one frame per req_id in flight.
  const tails = new Map<string, Promise<unknown>>();

  function emit<K extends keyof LongConnectionEvents>(name: K, ...args: Parameters<LongConnectionEvents[K]>): void {
    for (const listener of listeners[name]) {
      try {
        const result = (listener as (...a: unknown[]) => unknown)(...args);
        if (result instanceof Promise) {
          result.catch((err: unknown) => log.warn({ err, listener: name }, "long connection: listener failed"));
        }
      } catch (err) {
        log.warn({ err, listener: name }, "long connection: listener failed");
      }
    }
  }

  function setState(next: LongConnectionState): void {
    if (next === state) return;
    const previous = state;
    state = next;
    since = now();
    log.info({ state: next, previous }, "long connection: state");
    emit("state", next, previous);
  }

  function noteError(err: LongConnectionError): void {
    lastError = {
      code: err.code,
      message: err.message,
      ...(err.errcode === undefined ? {} : { errcode: err.errcode }),
      at: now(),
    };
  }

  function makeReqId(prefix: string): string {
    return `${prefix}_${now()}_${randomBytes(4).toString("hex")}`;
  }

  /** Sends one frame on `ws` and waits for the ack with its req_id; errcode is left to the caller. */
  function exchange(ws: WebSocket, cmd: string, reqId: string, body?: unknown): Promise<LongConnectionAck> {
    return new Promise((resolve, reject) => {
      if (ws.readyState !== WebSocket.OPEN) {
        reject(new LongConnectionError("not_connected", `${cmd}: not connected`, { reqId }));
        return;
      }
      const timer = setTimeout(() => {
        if (inFlight.get(reqId)?.timer !== timer) return;
        inFlight.delete(reqId);
        reject(new LongConnectionError("timeout", `${cmd}: no ack within ${ackTimeoutMs} ms`, { reqId }));
      }, ackTimeoutMs);
      inFlight.set(reqId, { cmd, ws, timer, resolve, reject });
      ws.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }), (err) => {
        const entry = inFlight.get(reqId);
        if (!err || entry?.timer !== timer) return;
        clearTimeout(timer);
        inFlight.delete(reqId);
        reject(new LongConnectionError("connection_lost", `${cmd}: ${err.message}`, { reqId }));
      });
    });
  }

  function rejectInFlight(ws: WebSocket, why: string): void {
    for (const [reqId, entry] of inFlight) {
      if (entry.ws !== ws) continue;
      clearTimeout(entry.timer);
      inFlight.delete(reqId);
      entry.reject(new LongConnectionError("connection_lost", `${entry.cmd}: ${why} before the ack`, { reqId }));
    }
  }

  /** Detaches `ws` from the client and closes it; its close event is then ignored. */
  function teardown(ws: WebSocket, why: string): void {
    if (socket === ws) socket = undefined;
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = undefined;
    rejectInFlight(ws, why);
    ws.terminate();
  }

  /** Closes `ws` abruptly; its close event then reconnects without overwriting `lastError`. */
  function drop(ws: WebSocket): void {
    dropped.add(ws);
    ws.terminate();
  }

  /** Decorrelated jitter (min(cap, random between base and 3 × previous)): never below minMs, so never a tight loop. */
  function nextDelay(): number {
    if (penalise) {
      // Refused credentials will not fix themselves soon, and subscribe is frequency-protected.
      penalise = false;
      previousDelay = maxMs;
      return maxMs;
    }
    const upper = Math.min(maxMs, previousDelay * 3);
    previousDelay = Math.min(maxMs, minMs + random() * (upper - minMs));
    return Math.round(previousDelay);
  }

  function scheduleReconnect(): void {
    const delayMs = nextDelay();
    attempt += 1;
    reconnects += 1;
    nextAttemptAt = now() + delayMs;
    log.info({ attempt, delayMs, reason: lastError?.code }, "long connection: reconnecting");
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      nextAttemptAt = undefined;
      if (state === "connecting") connect();
    }, delayMs);
    emit("reconnecting", { attempt, delayMs, ...(lastError ? { reason: lastError.code } : {}) });
  }

  function onClose(ws: WebSocket, code: number, reason: Buffer): void {
    if (ws !== socket) return;
    const why = `socket closed (${code}${reason.length > 0 ? ` ${reason.toString()}` : ""})`;
    teardown(ws, why);
    if (state === "subscribed" && !dropped.has(ws)) noteError(new LongConnectionError("connection_lost", why));
    log.warn({ code, state, lastError: lastError?.code }, "long connection: closed");
    if (state === "stopped" || state === "stepped_down") return;
    setState("connecting");
    scheduleReconnect();
  }

  function connect(): void {
    const ws = new WebSocket(url, { handshakeTimeout: ackTimeoutMs });
    socket = ws;
    ws.on("open", () => {
      if (ws === socket) void subscribe(ws);
    });
    ws.on("message", (data) => {
      if (ws === socket) onFrame(ws, data.toString());
    });
    ws.on("error", (err) => {
      if (ws !== socket) return;
      noteError(new LongConnectionError("connection_lost", err.message));
      log.debug({ err }, "long connection: socket error");
    });
    ws.on("close", (code, reason) => onClose(ws, code, reason));
  }

  async function subscribe(ws: WebSocket): Promise<void> {
    if (options.maySubscribe) {
      const may = await options.maySubscribe().catch((err: unknown) => {
        log.warn({ err }, "long connection: could not check whether to subscribe");
        return undefined;
      });
      if (ws !== socket) return;
      if (may !== true) {
        noteError(new LongConnectionError("not_connected", "not subscribing: this process may no longer hold the bot"));
        log.warn({ checked: may !== undefined }, "long connection: not subscribing");
        // The socket reconnects after its back-off and asks again; an owner that lost the bot stops the client instead.
        drop(ws);
        return;
      }
    }
    const reqId = makeReqId("aibot_subscribe");
    let ack: LongConnectionAck;
    try {
      ack = await exchange(ws, "aibot_subscribe", reqId, { bot_id: botId, secret });
    } catch (err) {
      if (ws !== socket) return;
      noteError(err as LongConnectionError);
      log.warn({ code: (err as LongConnectionError).code }, "long connection: subscribe failed");
      drop(ws);
      return;
    }
    if (ws !== socket) return;
    if (ack.errcode !== 0) {
      const err = new LongConnectionError(codeFor(ack.errcode, "aibot_subscribe"), `aibot_subscribe: ${ack.errmsg}`, {
        errcode: ack.errcode,
        reqId,
      });
      noteError(err);
      penalise = true;
      log.warn({ code: err.code, errcode: ack.errcode, errmsg: ack.errmsg }, "long connection: subscribe refused");
      drop(ws);
      return;
    }
    attempt = 0;
    previousDelay = minMs;
    setState("subscribed");
    heartbeat = setInterval(() => ping(ws), heartbeatMs);
  }

  function ping(ws: WebSocket): void {
    exchange(ws, "ping", makeReqId("ping")).then(
      (ack) => {
        if (ack.errcode !== 0) log.warn({ errcode: ack.errcode, errmsg: ack.errmsg }, "long connection: ping refused");
      },
      (err: LongConnectionError) => {
        if (ws !== socket || err.code !== "timeout") return;
        // Half-alive: the TCP connection may stay up for minutes while nothing answers.
        noteError(new LongConnectionError("timeout", `no heartbeat ack within ${ackTimeoutMs} ms`));
        log.warn({ ackTimeoutMs }, "long connection: heartbeat unanswered, dropping the connection");
        drop(ws);
      },
    );
  }

  function stepDown(ws: WebSocket): void {
    const err = new LongConnectionError("stepped_down", "another connection subscribed this bot");
    noteError(err);
    log.warn({}, "long connection: another connection took over the bot; stepping down");
    setState("stepped_down");
    teardown(ws, "stepped down");
    emit("stepped-down");
  }

  function onFrame(ws: WebSocket, text: string): void {
    let frame: z.infer<typeof envelopeSchema>;
    try {
      frame = envelopeSchema.parse(parseJson(text));
    } catch {
      refuseFrame("unreadable", { length: text.length });
      return;
    }
    const reqId = frame.headers.req_id;
    if (frame.cmd === "aibot_msg_callback") {
      const body = messageBodySchema.safeParse(frame.body);
      if (!body.success) {
        refuseFrame("malformed_message", { reqId, fields: body.error.issues.map((issue) => issue.path.join(".")) });
        return;
      }
      emit("message", { cmd: frame.cmd, reqId, body: body.data });
      return;
    }
    if (frame.cmd === "aibot_event_callback") {
      const eventtype = (frame.body as { event?: { eventtype?: unknown } } | undefined)?.event?.eventtype;
      if (eventtype === "disconnected_event") {
        stepDown(ws);
        return;
      }
      const body = eventBodySchema.safeParse(frame.body);
      if (!body.success) {
        refuseFrame("malformed_event", { reqId, fields: body.error.issues.map((issue) => issue.path.join(".")) });
        return;
      }
      emit("event", { cmd: frame.cmd, reqId, body: body.data });
      return;
    }
    const entry = inFlight.get(reqId);
    if (!entry || entry.ws !== ws) {
      log.debug({ reqId, cmd: frame.cmd }, "long connection: ack for nothing in flight (late or unknown)");
      return;
    }
    clearTimeout(entry.timer);
    inFlight.delete(reqId);
    entry.resolve({
      reqId,
      errcode: frame.errcode ?? 0,
      errmsg: frame.errmsg ?? "",
      ...(frame.body === undefined ? {} : { body: frame.body }),
    });
  }

  async function transmit(cmd: string, reqId: string, body: unknown): Promise<LongConnectionAck> {
    const ws = socket;
    if (state !== "subscribed" || !ws) {
      throw new LongConnectionError("not_connected", `${cmd}: no live subscription`, { reqId });
    }
    const ack = await exchange(ws, cmd, reqId, body);
    if (ack.errcode !== 0) {
      throw new LongConnectionError(codeFor(ack.errcode, cmd), `${cmd}: ${ack.errmsg} (${ack.errcode})`, {
        errcode: ack.errcode,
        reqId,
      });
    }
    return ack;
  }

  function request(cmd: string, reqId: string, body: unknown): Promise<LongConnectionAck> {
    if (state !== "subscribed" || !socket) {
      return Promise.reject(new LongConnectionError("not_connected", `${cmd}: no live subscription`, { reqId }));
    }
    const previous = tails.get(reqId);
    const result = previous ? previous.then(() => transmit(cmd, reqId, body)) : transmit(cmd, reqId, body);
    const tail = result.catch(() => undefined);
    tails.set(reqId, tail);
    void tail.then(() => {
      if (tails.get(reqId) === tail) tails.delete(reqId);
    });
    return result;
  }

  return {
    get state() {
      return state;
    },

    start() {
      if (state === "connecting" || state === "subscribed") return;
      attempt = 0;
      previousDelay = minMs;
      penalise = false;
      setState("connecting");
      connect();
    },

    async stop() {
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = undefined;
      nextAttemptAt = undefined;
      setState("stopped");
      const ws = socket;
      if (!ws) return;
      const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
      teardown(ws, "stopped");
      if (ws.readyState !== WebSocket.CLOSED) await closed;
    },

    on(name, listener) {
      const set = listeners[name] as Set<typeof listener>;
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },

    respond(reqId, body) {
      return request("aibot_respond_msg", reqId, body);
    },

    respondWelcome(reqId, body) {
      return request("aibot_respond_welcome_msg", reqId, body);
    },

    updateCard(reqId, body) {
      return request("aibot_respond_update_msg", reqId, { ...body, response_type: "update_template_card" });
    },

    send(chatid, body) {
      return request("aibot_send_msg", makeReqId("aibot_send_msg"), { chatid, ...body });
    },

    async uploadMedia(media) {
      // One chunk after the other: WeCom answers "system error" to many at once, and a chart is one or two chunks.
      const chunks = Math.ceil(media.bytes.length / MEDIA_CHUNK_BYTES);
      const md5 = createHash("md5").update(media.bytes).digest("hex");
      const init = { type: media.type, filename: media.filename, total_size: media.bytes.length, total_chunks: chunks, md5 };
      const uploadId = ackField(await request("aibot_upload_media_init", makeReqId("aibot_upload_media_init"), init), "upload_id");
      for (let index = 0; index < chunks; index += 1) {
        const data = media.bytes.subarray(index * MEDIA_CHUNK_BYTES, (index + 1) * MEDIA_CHUNK_BYTES).toString("base64");
        await request("aibot_upload_media_chunk", makeReqId("aibot_upload_media_chunk"), { upload_id: uploadId, chunk_index: index, base64_data: data });
      }
      return ackField(await request("aibot_upload_media_finish", makeReqId("aibot_upload_media_finish"), { upload_id: uploadId }), "media_id");
    },

    status() {
      return {
        state,
        since,
        reconnects,
        ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
        ...(lastError ? { lastError: { ...lastError } } : {}),
      };
    },
  };
}

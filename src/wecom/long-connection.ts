import { EventEmitter } from "node:events";
import type { Logger } from "pino";
import WebSocket from "ws";
import { decodeFrame } from "./long-connection/decode-frame.js";
import { startHeartbeat } from "./long-connection/heartbeat.js";
import { CodedError, ErrorCode, type LongConnectionError, type LongConnectionErrorCode } from "../errors.js";
import { codeForErrcode } from "./long-connection/errcode.js";
import { createReconnectBackoff } from "./long-connection/reconnect-backoff.js";
import type { LongConnectionAck } from "./long-connection/request-bodies.js";
import { createRequests, makeReqId, type LongConnectionRequests } from "./long-connection/requests.js";
import { createRefusalLog } from "./refusal-log.js";

export type { MediaUpload } from "./long-connection/media-upload.js";
export type { LongConnectionAck, RespondBody, SendBody, StreamPayload, TemplateCard, UpdateCardBody, WelcomeBody } from "./long-connection/request-bodies.js";

/**
 * - `idle`: created, never started.
 * - `connecting`: dialling, subscribing, or waiting out a reconnect delay.
 * - `subscribed`: WeCom accepted the subscribe; requests may be sent.
 * - `stepped_down`: another connection took over the bot; stays down until `start()`.
 * - `stopped`: `stop()` was called; stays down until `start()`.
 */
export type LongConnectionState = "idle" | "connecting" | "subscribed" | "stepped_down" | "stopped";

/**
 * A user's message (`aibot_msg_callback`) or event (`aibot_event_callback`, never
 * `disconnected_event`: that one steps the client down). Its body is left as it came, for the
 * receiver to read once, as a callback's (message-bodies.ts). Reply to it by passing `reqId` to
 * `respond`, `respondWelcome` or `updateCard`.
 */
export interface CallbackFrame {
  readonly cmd: "aibot_msg_callback" | "aibot_event_callback";
  readonly reqId: string;
  readonly body: unknown;
}

/** Notifications a long connection emits; a listener that throws or rejects is logged and ignored. */
export interface LongConnectionEvents {
  callback: (frame: CallbackFrame) => unknown;
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
 * Why an inbound frame was dropped: not a frame at all, a frame over {@link MAX_INBOUND_FRAME_BYTES}
 * (the socket is then closed and dialled again), or a message or event callback whose body cannot
 * be read (message-bodies.ts; its receiver refuses it).
 */
export type FrameRefusal = "unreadable" | "malformed_message" | "malformed_event" | "too_large";

/** The log lines of refused frames (refusal-log.ts), the connection's and its receiver's. */
export const FRAME_REFUSAL_LOG = { one: "long connection: frame dropped", many: "long connection: frames dropped" };

/**
 * The largest frame read from WeCom. What it sends is a message or event callback (a text of a
 * few KB, or media as URLs) or an acknowledgement: 256 KB leaves room fifty times over, and caps
 * what one frame can cost before it is parsed (a 10 MB frame took the process from 142 to 802 MB).
 */
export const MAX_INBOUND_FRAME_BYTES = 256 * 1024;

/** A client of WeCom's smart-bot long connection. See {@link createLongConnection}. */
export interface LongConnection extends LongConnectionRequests {
  readonly state: LongConnectionState;
  /** Dial and subscribe; from `stopped` or `stepped_down` this takes the bot back. No-op while connecting or subscribed. */
  start(): void;
  /** Close and stay closed; in-flight requests reject with `connection_lost`. Resolves when the socket is closed. */
  stop(): Promise<void>;
  /** Returns a function that removes the listener. */
  on<K extends keyof LongConnectionEvents>(name: K, listener: LongConnectionEvents[K]): () => void;
  status(): LongConnectionStatus;
}

/**
 * Connects to WeCom's long connection and keeps one subscription for the bot: reconnects
 * forever with jittered backoff, pings every `heartbeatMs` and reconnects when a ping goes
 * unanswered, and steps down for good when another connection takes the bot over. Nothing
 * is buffered: requests made without a live subscription reject at once with `not_connected`.
 * The state machine is here; reading frames, the requests and their acks, back-off, heartbeat
 * and media upload are the modules of long-connection/. A callback's frame goes one way, to the
 * receiver; the reply comes back through the requests, never through here.
 */
export function createLongConnection(options: LongConnectionOptions): LongConnection {
  const { url, botId, secret, log } = options;
  const heartbeatMs = options.heartbeatMs ?? 30_000;
  const ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
  const now = options.now ?? Date.now;
  const backoff = createReconnectBackoff({
    minMs: options.backoff?.minMs ?? 1_000,
    maxMs: options.backoff?.maxMs ?? 30_000,
    random: options.random ?? Math.random,
  });
  const requests = createRequests({ ackTimeoutMs, now });
  // Untyped inside: `on` and `emit` below are typed by LongConnectionEvents.
  const listeners = new EventEmitter().setMaxListeners(0);
  const logRefusal = createRefusalLog(log, FRAME_REFUSAL_LOG);
  /** A frame that cannot be read: counted, and logged without its content (what a user typed stays out of the log). */
  const refuseFrame = (reason: FrameRefusal, fields: Record<string, unknown>) => {
    options.onRefused?.(reason);
    logRefusal(reason, { reason, ...fields });
  };

  let state: LongConnectionState = "idle";
  let since = now();
  let reconnects = 0;
  let attempt = 0;
  let lastError: LongConnectionStatus["lastError"];
  let nextAttemptAt: number | undefined;
  let socket: WebSocket | undefined;
  let stopHeartbeat: (() => void) | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  // Sockets this client chose to drop: their close is not a lost connection.
  const dropped = new WeakSet<WebSocket>();

  function emit<K extends keyof LongConnectionEvents>(name: K, ...args: Parameters<LongConnectionEvents[K]>): void {
    listeners.emit(name, ...args);
  }

  function setState(next: LongConnectionState): void {
    if (next === state) return;
    const previous = state;
    state = next;
    requests.serve(next === "subscribed" ? socket : undefined);
    since = now();
    log.info({ state: next, previous }, "long connection: state");
    emit("state", next, previous);
  }

  function noteError(err: LongConnectionError): void {
    lastError = {
      code: err.code,
      message: err.message,
      ...(err.details.errcode === undefined ? {} : { errcode: err.details.errcode }),
      at: now(),
    };
  }

  /** Detaches `ws` from the client and closes it; its close event is then ignored. */
  function teardown(ws: WebSocket, why: string): void {
    if (socket === ws) socket = undefined;
    stopHeartbeat?.();
    stopHeartbeat = undefined;
    requests.rejectAll(ws, why);
    ws.terminate();
  }

  /** Closes `ws` abruptly; its close event then reconnects without overwriting `lastError`. */
  function drop(ws: WebSocket): void {
    dropped.add(ws);
    ws.terminate();
  }

  function scheduleReconnect(): void {
    const delayMs = backoff.next();
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
    if (state === "subscribed" && !dropped.has(ws)) noteError(new CodedError(ErrorCode.ConnectionLost, why));
    log.warn({ code, state, lastError: lastError?.code }, "long connection: closed");
    if (state === "stopped" || state === "stepped_down") return;
    setState("connecting");
    scheduleReconnect();
  }

  function connect(): void {
    // ws refuses a frame over maxPayload from its header, before buffering it, and closes with 1009.
    const ws = new WebSocket(url, { handshakeTimeout: ackTimeoutMs, maxPayload: MAX_INBOUND_FRAME_BYTES });
    socket = ws;
    ws.on("open", () => {
      if (ws === socket) void subscribe(ws);
    });
    ws.on("message", (data) => {
      if (ws === socket) onFrame(ws, data.toString());
    });
    ws.on("error", (err) => {
      if (ws !== socket) return;
      if ((err as NodeJS.ErrnoException).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") refuseFrame("too_large", { limit: MAX_INBOUND_FRAME_BYTES });
      noteError(new CodedError(ErrorCode.ConnectionLost, err.message));
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
        noteError(new CodedError(ErrorCode.NotConnected, "not subscribing: this process may no longer hold the bot"));
        log.warn({ checked: may !== undefined }, "long connection: not subscribing");
        // The socket reconnects after its back-off and asks again; an owner that lost the bot stops the client instead.
        drop(ws);
        return;
      }
    }
    const reqId = makeReqId("aibot_subscribe", now());
    let ack: LongConnectionAck;
    try {
      ack = await requests.exchange(ws, "aibot_subscribe", reqId, { bot_id: botId, secret });
    } catch (err) {
      if (ws !== socket) return;
      noteError(err as LongConnectionError);
      log.warn({ code: (err as LongConnectionError).code }, "long connection: subscribe failed");
      drop(ws);
      return;
    }
    if (ws !== socket) return;
    if (ack.errcode !== 0) {
      const err = new CodedError<LongConnectionErrorCode>(codeForErrcode(ack.errcode, "aibot_subscribe"), `aibot_subscribe: ${ack.errmsg}`, {
        errcode: ack.errcode,
        reqId,
      });
      noteError(err);
      backoff.penalise();
      log.warn({ code: err.code, errcode: ack.errcode, errmsg: ack.errmsg }, "long connection: subscribe refused");
      drop(ws);
      return;
    }
    attempt = 0;
    backoff.reset();
    setState("subscribed");
    stopHeartbeat = startHeartbeat({
      intervalMs: heartbeatMs,
      ping: () => requests.exchange(ws, "ping", makeReqId("ping", now())),
      onRefused: (refused) => log.warn({ errcode: refused.errcode, errmsg: refused.errmsg }, "long connection: ping refused"),
      onSilence: () => {
        noteError(new CodedError(ErrorCode.AckTimeout, `no heartbeat ack within ${ackTimeoutMs} ms`));
        log.warn({ ackTimeoutMs }, "long connection: heartbeat unanswered, dropping the connection");
        drop(ws);
      },
    });
  }

  function stepDown(ws: WebSocket): void {
    const err = new CodedError(ErrorCode.SteppedDown, "another connection subscribed this bot");
    noteError(err);
    log.warn({}, "long connection: another connection took over the bot; stepping down");
    setState("stepped_down");
    teardown(ws, "stepped down");
    emit("stepped-down");
  }

  function onFrame(ws: WebSocket, text: string): void {
    const frame = decodeFrame(text);
    if (!frame) {
      refuseFrame("unreadable", { length: text.length });
      return;
    }
    const reqId = frame.headers.req_id;
    if (frame.cmd === "aibot_msg_callback" || frame.cmd === "aibot_event_callback") {
      // Looked at before the body is read: a takeover is never missed for a body the bot cannot read.
      const eventtype = (frame.body as { event?: { eventtype?: unknown } } | undefined)?.event?.eventtype;
      if (frame.cmd === "aibot_event_callback" && eventtype === "disconnected_event") {
        stepDown(ws);
        return;
      }
      emit("callback", { cmd: frame.cmd, reqId, body: frame.body });
      return;
    }
    if (!requests.acknowledge(ws, frame)) log.debug({ reqId, cmd: frame.cmd }, "long connection: ack for nothing in flight (late or unknown)");
  }

  return {
    get state() {
      return state;
    },

    start() {
      if (state === "connecting" || state === "subscribed") return;
      attempt = 0;
      backoff.reset();
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
      // A listener that throws or rejects is logged; the others and the connection go on.
      const failed = (err: unknown) => log.warn({ err, listener: name }, "long connection: listener failed");
      const safe = (...args: unknown[]) => {
        try {
          const result = (listener as (...a: unknown[]) => unknown)(...args);
          if (result instanceof Promise) result.catch(failed);
        } catch (err) {
          failed(err);
        }
      };
      listeners.on(name, safe);
      return () => void listeners.off(name, safe);
    },

    respond: requests.respond,
    respondWelcome: requests.respondWelcome,
    updateCard: requests.updateCard,
    send: requests.send,
    uploadMedia: requests.uploadMedia,

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

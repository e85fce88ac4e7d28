import { randomBytes } from "node:crypto";
import type { Frame } from "./decode-frame.js";
import { codeForErrcode } from "./errcode.js";
import { uploadMedia, type MediaUpload } from "./media-upload.js";
import type { LongConnectionAck, OutboundFrame, PictureBody, RespondBody, SendBody, UpdateCardBody, WelcomeBody } from "./request-bodies.js";
import { asCodedError, CodedError, ErrorCode, type LongConnectionDetails, type LongConnectionError, type LongConnectionErrorCode } from "../../errors.js";

/** What requests need of a socket: whether it is open, and a send that reports a failed write. */
export interface FrameSocket {
  readonly readyState: number;
  send(text: string, done: (error?: Error) => void): void;
}

/** `WebSocket.OPEN`. */
const OPEN = 1;

/** The requests a long connection makes for the bot, on its live subscription. */
export interface LongConnectionRequests {
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
}

/**
 * Requests on WeCom's long connection and their acks, matched by req_id (the only thing an ack
 * carries); an outbound frame becomes one of them in {@link sendFrame}. Each waits
 * `ackTimeoutMs`; a socket's requests fail together when it goes. The bot's own requests go on
 * the socket `serve` names, one frame per req_id in flight at a time: the frames of a reply (a
 * stream's updates) all reuse the callback's req_id, so the next waits for the previous ack;
 * different req_ids go out side by side.
 */
export interface Requests extends LongConnectionRequests {
  /** Sends one frame on `socket` and resolves with the ack of its req_id, whatever its errcode (subscribe, ping). */
  exchange(socket: FrameSocket, cmd: string, reqId: string, body?: unknown): Promise<LongConnectionAck>;
  /** Hands an ack to the request waiting for it on `socket`; false when none waits (late or unknown). */
  acknowledge(socket: FrameSocket, frame: Frame): boolean;
  /** The subscribed socket the bot's requests go on from now, or none: they then reject with `not_connected`. */
  serve(socket: FrameSocket | undefined): void;
  /** Rejects every request in flight on `socket` with `connection_lost`. */
  rejectAll(socket: FrameSocket, why: string): void;
}

interface InFlight {
  cmd: string;
  socket: FrameSocket;
  timer: NodeJS.Timeout;
  resolve: (ack: LongConnectionAck) => void;
  reject: (err: LongConnectionError) => void;
}

/** A fresh req_id for a request of our own (replies reuse the callback's). */
export function makeReqId(cmd: string, nowMs: number): string {
  return `${cmd}_${nowMs}_${randomBytes(4).toString("hex")}`;
}

/** `now` (epoch ms) stamps the req_ids of the bot's own requests. */
export function createRequests({ ackTimeoutMs, now }: { ackTimeoutMs: number; now: () => number }): Requests {
  const inFlight = new Map<string, InFlight>();
  /** The last request on each req_id, settled or not: the next one goes after it. */
  const tails = new Map<string, Promise<unknown>>();
  let live: FrameSocket | undefined;

  /** Ends the wait of `reqId` when `timer` is still its own (not a newer request on the same req_id). */
  const take = (reqId: string, timer: NodeJS.Timeout): InFlight | undefined => {
    const entry = inFlight.get(reqId);
    if (entry?.timer !== timer) return undefined;
    clearTimeout(timer);
    inFlight.delete(reqId);
    return entry;
  };

  const exchange: Requests["exchange"] = (socket, cmd, reqId, body) =>
    new Promise((resolve, reject) => {
      if (socket.readyState !== OPEN) {
        reject(new CodedError(ErrorCode.NotConnected, `${cmd}: not connected`, { reqId }));
        return;
      }
      const timer = setTimeout(() => {
        if (take(reqId, timer)) reject(new CodedError(ErrorCode.AckTimeout, `${cmd}: no ack within ${ackTimeoutMs} ms`, { reqId }));
      }, ackTimeoutMs);
      inFlight.set(reqId, { cmd, socket, timer, resolve, reject });
      // The frame as WeCom reads a request: the command, its req_id, the body.
      socket.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }), (error) => {
        if (error && take(reqId, timer)) reject(new CodedError(ErrorCode.ConnectionLost, `${cmd}: ${error.message}`, { reqId }));
      });
    });

  /** Sends on the live subscription, as it is once the earlier requests on `reqId` settled; a non-zero errcode rejects. */
  const transmit = async (cmd: string, reqId: string, body: unknown): Promise<LongConnectionAck> => {
    if (!live) throw new CodedError(ErrorCode.NotConnected, `${cmd}: no live subscription`, { reqId });
    const ack = await exchange(live, cmd, reqId, body);
    if (ack.errcode !== 0) {
      throw new CodedError<LongConnectionErrorCode>(codeForErrcode(ack.errcode, cmd), `${cmd}: ${ack.errmsg} (${ack.errcode})`, {
        errcode: ack.errcode,
        reqId,
      });
    }
    return ack;
  };

  /** Runs after every earlier request on `reqId` has settled (resolved or rejected). */
  const request = (cmd: string, reqId: string, body: unknown): Promise<LongConnectionAck> => {
    if (!live) return Promise.reject(new CodedError(ErrorCode.NotConnected, `${cmd}: no live subscription`, { reqId }));
    const previous = tails.get(reqId);
    const result = previous ? previous.then(() => transmit(cmd, reqId, body)) : transmit(cmd, reqId, body);
    const tail = result.catch(() => undefined);
    tails.set(reqId, tail);
    void tail.then(() => {
      if (tails.get(reqId) === tail) tails.delete(reqId);
    });
    return result;
  };

  return {
    exchange,

    acknowledge(socket, frame) {
      const reqId = frame.headers.req_id;
      const entry = inFlight.get(reqId);
      if (!entry || entry.socket !== socket) return false;
      take(reqId, entry.timer);
      entry.resolve({
        reqId,
        errcode: frame.errcode ?? 0,
        errmsg: frame.errmsg ?? "",
        ...(frame.body === undefined ? {} : { body: frame.body }),
      });
      return true;
    },

    serve(socket) {
      live = socket;
    },

    rejectAll(socket, why) {
      for (const [reqId, entry] of inFlight) {
        if (entry.socket !== socket) continue;
        take(reqId, entry.timer);
        entry.reject(new CodedError(ErrorCode.ConnectionLost, `${entry.cmd}: ${why} before the ack`, { reqId }));
      }
    },

    respond: (reqId, body) => request("aibot_respond_msg", reqId, body),
    respondWelcome: (reqId, body) => request("aibot_respond_welcome_msg", reqId, body),
    updateCard: (reqId, body) => request("aibot_respond_update_msg", reqId, { ...body, response_type: "update_template_card" }),
    send: (chatid, body) => request("aibot_send_msg", makeReqId("aibot_send_msg", now()), { chatid, ...body }),
    uploadMedia: (media) => uploadMedia((cmd, body) => request(cmd, makeReqId(cmd, now()), body), media),
  };
}

/**
 * What became of a frame. `ok`: WeCom accepted it. `wait`: it was not sent (no live
 * connection): try again later, it cannot be a duplicate. `retry`: not accepted now (45009,
 * or the connection broke after it went out: it may have arrived, and `timedOut` says so, as a
 * webhook request that timed out does). `permanent`: refused.
 */
export type FrameOutcome =
  | { outcome: "ok" }
  | { outcome: "wait"; reason: string }
  | { outcome: "retry" | "permanent"; reason: string; errcode?: number; timedOut?: boolean };

/** Sends one frame on the connection; the one place an outbound frame becomes a request. */
export async function sendFrame(connection: LongConnectionRequests, frame: OutboundFrame): Promise<FrameOutcome> {
  try {
    if (frame.cmd === "aibot_send_msg") await connection.send(frame.chatid, await uploaded(connection, frame.body));
    else if (frame.cmd === "aibot_respond_msg") await connection.respond(frame.reqId, frame.body);
    else if (frame.cmd === "aibot_respond_welcome_msg") await connection.respondWelcome(frame.reqId, frame.body);
    else await connection.updateCard(frame.reqId, frame.body);
    return { outcome: "ok" };
  } catch (error) {
    const failed = asCodedError(error);
    const reason = failed.message;
    switch (failed.code) {
      case ErrorCode.NotConnected:
      case ErrorCode.SteppedDown:
        return { outcome: "wait", reason };
      case ErrorCode.RateLimited:
        return { outcome: "retry", reason, ...errcodeOf(failed.details) };
      case ErrorCode.ConnectionLost:
      case ErrorCode.AckTimeout:
        return { outcome: "retry", reason, timedOut: true, ...errcodeOf(failed.details) };
      case ErrorCode.InvalidChat:
      case ErrorCode.ContentTooLarge:
      case ErrorCode.BadCredentials:
      case ErrorCode.WecomRejected:
        return { outcome: "permanent", reason, ...errcodeOf(failed.details) };
      default:
        throw error;
    }
  }
}

/** A picture goes up as media first: aibot_send_msg names pictures only by media_id. */
async function uploaded(connection: LongConnectionRequests, body: SendBody | PictureBody): Promise<SendBody> {
  if (body.msgtype !== "image" || !("base64" in body.image)) return body as SendBody;
  const bytes = Buffer.from(body.image.base64, "base64");
  const mediaId = await connection.uploadMedia({ type: "image", filename: `chart-${body.image.md5}.png`, bytes });
  return { msgtype: "image", image: { media_id: mediaId } };
}

function errcodeOf({ errcode }: LongConnectionDetails): { errcode?: number } {
  return errcode === undefined ? {} : { errcode };
}

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

/** wecom-protocol.md: 45009 frequency limit; 93006 invalid chatid and 93001 bot not in group (unconfirmed); 45002 content too large. */
export function codeForErrcode(errcode: number, cmd: string): LongConnectionErrorCode {
  if (errcode === 45009) return "rate_limited";
  if (cmd === "aibot_subscribe") return "bad_credentials";
  if (errcode === 93006 || errcode === 93001) return "invalid_chat";
  if (errcode === 45002) return "too_large";
  return "rejected";
}

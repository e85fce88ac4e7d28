import type { IncomingMessage } from "node:http";
import type { Context } from "koa";
import Router from "koa-router";
import type { Logger } from "pino";
import type { Dispatcher } from "../bot/dispatch.js";
import type { BotEvent, CommandOutcome } from "../bot/events.js";
import { createWecomCrypto, WECOM_CRYPTO_CODES } from "./crypto.js";
import { parseMessage, toWecomReply } from "./message-bodies.js";
import { createRefusalLog } from "./refusal-log.js";
import { CodedError, ErrorCode, hasCode } from "../errors.js";

export interface CallbackReceiverOptions {
  dispatcher: Dispatcher;
  token: string;
  encodingAESKey: string;
  /** Callbacks signed further than this from the real clock are refused (replay guard). */
  maxClockSkewSeconds: number;
  log: Logger;
  /** The real wall clock (not the demo clock): replay protection must not move with PINGAN_NOW. */
  realNow?: () => number;
  /** Largest accepted body; WeCom's envelopes are a few KB. */
  bodyLimit?: number;
  /**
   * Asked once per outcome, at start, for the function that counts a callback with it (metrics):
   * a message then calls that function alone, and nothing of the asker's module.
   */
  countOutcome?: (outcome: CallbackOutcome) => () => void;
  /** Told how long each message took from request to sealed reply, in seconds. */
  onReplied?: (seconds: number) => void;
  /** Told each command that ran and how it went (BotReply.command), for metrics, by the labels they are counted under. */
  onCommand?: (labels: { command: string; result: CommandOutcome["result"] }) => void;
  path?: string;
}

/** What came of a callback, as it is counted. */
export const CALLBACK_OUTCOMES = ["verified", "replied", "event", "bad_signature", "stale", "bad_request", "too_large", "failed"] as const;

export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

/**
 * The smart bot's callback URL (wecom-protocol.md): GET verification and POST messages. This
 * receiver only reads, verifies, decrypts and seals; the dispatcher sees a typed event.
 */
export function createCallbackReceiver(options: CallbackReceiverOptions): Router {
  const { dispatcher, log, maxClockSkewSeconds, path = "/wecom/callback" } = options;
  const realNow = options.realNow ?? Date.now;
  const bodyLimit = options.bodyLimit ?? 64 * 1024;
  const crypto = createWecomCrypto({ token: options.token, encodingAESKey: options.encodingAESKey });
  const counters = new Map(CALLBACK_OUTCOMES.map((what) => [what, options.countOutcome?.(what)]));
  const outcome = (what: CallbackOutcome) => counters.get(what)?.();

  // A flood of forged callbacks must not flood the log.
  const logRefusal = createRefusalLog(log, { one: "callback refused", many: "callbacks refused" });

  const refuse = (ctx: Context, status: number, what: CallbackOutcome, message: string) => {
    outcome(what);
    logRefusal(what, { outcome: what, status });
    ctx.status = status;
    ctx.type = "text/plain";
    ctx.body = message;
  };

  /** Signature and freshness of the query; false after answering the refusal. */
  const authentic = (ctx: Context, encrypted: unknown): boolean => {
    const { msg_signature: signature, timestamp, nonce } = ctx.query;
    if (!crypto.verify(signature, timestamp, nonce, encrypted)) {
      refuse(ctx, 401, "bad_signature", "invalid signature");
      return false;
    }
    const seconds = Number(timestamp);
    if (!Number.isFinite(seconds) || Math.abs(realNow() / 1000 - seconds) > maxClockSkewSeconds) {
      refuse(ctx, 401, "stale", "timestamp outside the accepted window");
      return false;
    }
    return true;
  };

  const router = new Router();

  router.get(path, async (ctx) => {
    const echostr = ctx.query.echostr;
    if (typeof echostr !== "string" || !authentic(ctx, echostr)) {
      if (ctx.status !== 401) refuse(ctx, 400, "bad_request", "echostr missing");
      return;
    }
    try {
      ctx.type = "text/plain";
      ctx.body = crypto.open(echostr);
      outcome("verified");
    } catch (error) {
      if (!hasCode(error, ...WECOM_CRYPTO_CODES)) throw error;
      refuse(ctx, 400, "bad_request", "echostr cannot be decrypted");
    }
  });

  router.post(path, async (ctx) => {
    const started = process.hrtime.bigint();
    let encrypted: unknown;
    try {
      const raw = await readRawBody(ctx.req, bodyLimit);
      encrypted = (JSON.parse(raw) as { encrypt?: unknown } | null)?.encrypt;
    } catch (error) {
      if (hasCode(error, ErrorCode.BodyTooLarge)) return refuse(ctx, 413, "too_large", "body too large");
      return refuse(ctx, 400, "bad_request", "body is not a JSON envelope");
    }
    if (typeof encrypted !== "string" || encrypted.length === 0) {
      return refuse(ctx, 400, "bad_request", 'body must be {"encrypt": "..."}');
    }
    if (!authentic(ctx, encrypted)) return;
    let event: BotEvent;
    try {
      ({ event } = parseMessage(crypto.open(encrypted)));
    } catch (error) {
      if (!hasCode(error, ...WECOM_CRYPTO_CODES, ErrorCode.WecomPayload)) throw error;
      return refuse(ctx, 400, "bad_request", "payload cannot be decrypted or read");
    }

    const reply = await dispatcher.processEvent(event);
    if (reply?.command) options.onCommand?.({ command: reply.command.id, result: reply.command.result });
    outcome(event.kind === "text" || event.kind === "other" ? (reply?.failed ? "failed" : "replied") : "event");
    ctx.status = 200;
    ctx.type = "text/plain";
    if (reply === undefined) {
      ctx.body = "";
      return;
    }
    const streamId = `s-${"msgid" in event ? event.msgid : ""}`;
    ctx.body = JSON.stringify(crypto.seal(toWecomReply(reply, streamId), String(ctx.query.nonce), Math.floor(realNow() / 1000)));
    options.onReplied?.(Number(process.hrtime.bigint() - started) / 1e9);
  });

  return router;
}

/** Reads a request body as text, refusing more than `limit` bytes without buffering them. */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw new CodedError(ErrorCode.BodyTooLarge, `body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new CodedError(ErrorCode.BodyTooLarge, `body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

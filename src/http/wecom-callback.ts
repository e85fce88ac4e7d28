import type { Context } from "koa";
import Router from "koa-router";
import type { Logger } from "pino";
import type { Bot } from "../bot/create-bot.js";
import { createWecomCrypto, WecomCryptoError } from "../wecom/crypto.js";
import { parseInbound, streamReply, textReply, WecomPayloadError, type Inbound } from "../wecom/inbound.js";
import { botText } from "../text/bot-text.js";
import { BodyTooLargeError, readRawBody } from "./read-raw-body.js";

export interface WecomCallbackOptions {
  bot: Bot;
  token: string;
  encodingAESKey: string;
  /** Callbacks signed further than this from the real clock are refused (replay guard). */
  maxClockSkewSeconds: number;
  log: Logger;
  /** The real wall clock (not the demo clock): replay protection must not move with PINGAN_NOW. */
  realNow?: () => number;
  /** Largest accepted body; WeCom's envelopes are a few KB. */
  bodyLimit?: number;
  /** Told the outcome of every callback, for metrics. */
  onOutcome?: (outcome: CallbackOutcome) => void;
  /** Told how long each message took from request to sealed reply, in seconds. */
  onReplied?: (seconds: number) => void;
  path?: string;
}

export type CallbackOutcome =
  | "verified"
  | "replied"
  | "event"
  | "bad_signature"
  | "stale"
  | "bad_request"
  | "too_large"
  | "failed";

/**
 * The smart bot's callback URL (wecom-protocol.md): GET verification and POST messages. This
 * layer only reads, verifies, decrypts and seals; the bot sees a typed message.
 */
export function createWecomCallbackRouter(options: WecomCallbackOptions): Router {
  const { bot, log, maxClockSkewSeconds, path = "/wecom/callback" } = options;
  const realNow = options.realNow ?? Date.now;
  const bodyLimit = options.bodyLimit ?? 64 * 1024;
  const crypto = createWecomCrypto({ token: options.token, encodingAESKey: options.encodingAESKey });
  const outcome = options.onOutcome ?? (() => {});

  const refuse = (ctx: Context, status: number, what: CallbackOutcome, message: string) => {
    outcome(what);
    log.warn({ outcome: what, status }, "callback refused");
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
      if (!(error instanceof WecomCryptoError)) throw error;
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
      if (error instanceof BodyTooLargeError) return refuse(ctx, 413, "too_large", "body too large");
      return refuse(ctx, 400, "bad_request", "body is not a JSON envelope");
    }
    if (typeof encrypted !== "string" || encrypted.length === 0) {
      return refuse(ctx, 400, "bad_request", 'body must be {"encrypt": "..."}');
    }
    if (!authentic(ctx, encrypted)) return;
    let inbound: Inbound;
    try {
      inbound = parseInbound(crypto.open(encrypted));
    } catch (error) {
      if (error instanceof WecomCryptoError || error instanceof WecomPayloadError) {
        return refuse(ctx, 400, "bad_request", "payload cannot be decrypted or read");
      }
      throw error;
    }

    const reply = await answer(inbound);
    ctx.status = 200;
    ctx.type = "text/plain";
    if (reply === undefined) {
      ctx.body = "";
      return;
    }
    const nonce = String(ctx.query.nonce);
    ctx.body = JSON.stringify(crypto.seal(reply, nonce, Math.floor(realNow() / 1000)));
    options.onReplied?.(Number(process.hrtime.bigint() - started) / 1e9);
  });

  /** The plaintext reply object, or undefined for an empty 200. */
  const answer = async (inbound: Inbound): Promise<object | undefined> => {
    switch (inbound.kind) {
      case "event":
        outcome("event");
        return inbound.eventtype === "enter_chat" && inbound.userid ? textReply(bot.welcome(inbound.userid)) : undefined;
      case "other":
        outcome("replied");
        // An unfinished stream would make WeCom poll; ours always finish, so polls get nothing.
        return inbound.msgtype === "stream" ? undefined : streamReply(bot.nonText(), `s-${inbound.msgid}`);
      case "text":
        try {
          const markdown = await bot.handle({
            msgid: inbound.msgid,
            userid: inbound.userid,
            text: inbound.text,
            chat: { type: inbound.chattype, ...(inbound.chatid && { id: inbound.chatid }) },
          });
          outcome("replied");
          return streamReply(markdown, `s-${inbound.msgid}`);
        } catch (error) {
          // WeCom wants a 200 and a well-formed reply even when we failed: tell the user honestly.
          outcome("failed");
          log.error({ err: error, msgid: inbound.msgid }, "message failed");
          return streamReply(botText.failure, `s-${inbound.msgid}`);
        }
    }
  };

  return router;
}

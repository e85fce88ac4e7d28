/**
 * Errcodes the fake long-connection server answers with. 45009 and 93006 are the ones WeCom
 * documents or client libraries agree on; 853000 is what WeCom was seen to answer to a wrong
 * bot_id or secret (third-party report); 45002 is WeCom's general "content too large"; 40007
 * its "invalid media_id"; 40058 ("invalid parameter") stands for every other refusal, with the
 * reason in errmsg. The codes of the proactive-push refusals are guesses (see each).
 */
export const FAKE_ERRCODES = {
  /** A proactive push to a conversation with no recent user message (unconfirmed: integrators report the refusal, not its code). */
  conversationQuiet: 40058,
  /** A proactive push past the conversation's daily cap (unconfirmed: an older doc gave 10 a day; WeCom's frequency code). */
  dailyCapReached: 45009,
  badCredentials: 853000,
  rateLimited: 45009,
  invalidChat: 93006,
  contentTooLarge: 45002,
  invalidMedia: 40007,
  invalidRequest: 40058,
} as const;

/** The ack the fake gives a frame; upload steps acknowledge with a body. */
export interface Verdict {
  errcode: number;
  errmsg: string;
  body?: Record<string, unknown>;
}

export const OK: Verdict = { errcode: 0, errmsg: "ok" };

export function refuse(errcode: number, errmsg: string): Verdict {
  return { errcode, errmsg };
}

/** A field of a frame's body, which is untrusted JSON. */
export function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

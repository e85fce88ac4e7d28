import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { LongConnectionError, type LongConnection, type RespondBody, type SendBody, type UpdateCardBody, type WelcomeBody } from "./long-connection.js";

/** A picture as a push carries it (its bytes); the holder uploads it and sends the media_id. */
export interface PictureBody {
  msgtype: "image";
  image: { base64: string; md5: string };
}

/** A frame for whichever process holds the long connection; replies carry the callback's req_id. */
export type OutboundFrame =
  | { cmd: "aibot_send_msg"; chatid: string; body: SendBody | PictureBody }
  | { cmd: "aibot_respond_msg"; reqId: string; body: RespondBody }
  | { cmd: "aibot_respond_welcome_msg"; reqId: string; body: WelcomeBody }
  | { cmd: "aibot_respond_update_msg"; reqId: string; body: UpdateCardBody };

/**
 * What became of a frame. `ok`: WeCom accepted it. `wait`: it was not sent (no live
 * connection): try again later, it cannot be a duplicate. `retry`: not accepted now (45009,
 * or the connection broke after it went out: it may have arrived). `permanent`: refused.
 */
export type FrameOutcome =
  | { outcome: "ok" }
  | { outcome: "wait"; reason: string }
  | { outcome: "retry" | "permanent"; reason: string; errcode?: number };

/** A frame taken from the outbox by the holder. */
export interface OutboxEntry {
  id: string;
  frame: OutboundFrame;
  /** Posted without a requester waiting (a reply owed): the holder keeps it until WeCom takes or refuses it. */
  owed: boolean;
  /** As stored, to put it back unchanged. */
  raw: string;
}

/** Sends one frame on the connection; the one place an outbound frame becomes a request. */
export async function sendFrame(connection: LongConnection, frame: OutboundFrame): Promise<FrameOutcome> {
  try {
    if (frame.cmd === "aibot_send_msg") await connection.send(frame.chatid, await uploaded(connection, frame.body));
    else if (frame.cmd === "aibot_respond_msg") await connection.respond(frame.reqId, frame.body);
    else if (frame.cmd === "aibot_respond_welcome_msg") await connection.respondWelcome(frame.reqId, frame.body);
    else await connection.updateCard(frame.reqId, frame.body);
    return { outcome: "ok" };
  } catch (error) {
    if (!(error instanceof LongConnectionError)) throw error;
    return outcomeOf(error);
  }
}

/** A picture goes up as media first: aibot_send_msg names pictures only by media_id. */
async function uploaded(connection: LongConnection, body: SendBody | PictureBody): Promise<SendBody> {
  if (body.msgtype !== "image" || !("base64" in body.image)) return body as SendBody;
  const bytes = Buffer.from(body.image.base64, "base64");
  const mediaId = await connection.uploadMedia({ type: "image", filename: `chart-${body.image.md5}.png`, bytes });
  return { msgtype: "image", image: { media_id: mediaId } };
}

function outcomeOf(error: LongConnectionError): FrameOutcome {
  const reason = error.message;
  const errcode = error.errcode === undefined ? {} : { errcode: error.errcode };
  switch (error.code) {
    case "not_connected":
    case "stepped_down":
      return { outcome: "wait", reason };
    case "rate_limited":
    case "connection_lost":
    case "timeout":
      return { outcome: "retry", reason, ...errcode };
    default:
      return { outcome: "permanent", reason, ...errcode };
  }
}

/** How long an answer is kept for a requester that may have stopped waiting. */
const ANSWER_TTL_MS = 120_000;

/**
 * Frames other processes hand the connection's holder through Redis (a list, oldest first),
 * and the holder's answers. A frame waits there while no process holds a live connection, and
 * goes out from whichever process holds the next one.
 */
export interface ConnectionOutbox {
  /**
   * Hands a frame over and waits up to `waitMs` for the holder to take it, then as long again
   * for its answer. A frame nobody took is withdrawn (`wait`: never sent, safe to try again).
   */
  request(frame: OutboundFrame, waitMs: number): Promise<FrameOutcome>;
  /** Hands a frame over without waiting for its answer (a reply the holder could not send itself). */
  post(frame: OutboundFrame): Promise<void>;
  /** Holder: the oldest frame, waiting up to `blockSeconds`; `blocking` must be a connection of its own. */
  take(blocking: RedisClient, blockSeconds: number): Promise<OutboxEntry | undefined>;
  /** Holder: a frame it took but could not send goes back to the front. */
  putBack(entry: OutboxEntry): Promise<void>;
  /** Holder: what became of a frame it took. */
  answer(entry: OutboxEntry, outcome: FrameOutcome): Promise<void>;
}

export function createConnectionOutbox({ redis, keys, pollMs = 50 }: { redis: RedisClient; keys: Keys; pollMs?: number }): ConnectionOutbox {
  const list = keys.connectionOutbox();

  const awaitAnswer = async (id: string, ms: number): Promise<FrameOutcome | undefined> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const raw = await redis.get(keys.connectionAnswer(id));
      if (raw !== null) return JSON.parse(raw) as FrameOutcome;
      if (Date.now() >= deadline) return undefined;
      await sleep(pollMs);
    }
  };

  return {
    async request(frame, waitMs) {
      const id = randomUUID();
      const raw = JSON.stringify({ id, frame });
      await redis.lpush(list, raw);
      const answered = await awaitAnswer(id, waitMs);
      if (answered) return answered;
      if ((await redis.lrem(list, 1, raw)) === 1) return { outcome: "wait", reason: "no process holds a live long connection" };
      // Taken: the holder is sending it now, or died while sending (then it may have gone out).
      return (await awaitAnswer(id, waitMs)) ?? { outcome: "retry", reason: "the connection's holder took the frame but never answered" };
    },
    async post(frame) {
      await redis.lpush(list, JSON.stringify({ id: randomUUID(), frame, owed: true }));
    },
    async take(blocking, blockSeconds) {
      const popped = await blocking.brpop(list, blockSeconds);
      if (!popped) return undefined;
      const raw = popped[1];
      const { id, frame, owed = false } = JSON.parse(raw) as { id: string; frame: OutboundFrame; owed?: boolean };
      return { id, frame, owed, raw };
    },
    async putBack(entry) {
      await redis.rpush(list, entry.raw);
    },
    async answer(entry, outcome) {
      await redis.set(keys.connectionAnswer(entry.id), JSON.stringify(outcome), "PX", ANSWER_TTL_MS);
    },
  };
}

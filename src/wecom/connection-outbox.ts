import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { loadScript } from "../store/scripts.js";
import type { OutboundFrame } from "./long-connection/request-bodies.js";
import type { FrameOutcome } from "./long-connection/requests.js";

/** A reply owed to a message: when it was first owed and how many times it has been tried. */
export interface Owed {
  since: number;
  attempts: number;
}

/** A frame taken from the outbox by the holder. */
export interface OutboxEntry {
  id: string;
  frame: OutboundFrame;
  /** Set on a reply posted without a requester waiting: the holder keeps it until WeCom takes it, refuses it, or it is given up. */
  owed?: Owed;
  /** The fence of the holder that took it: the frame sits in that holder's taken list until finished. */
  fence: number;
  /** As stored, to find it in the lists. */
  raw: string;
}

/** How long an owed reply is kept trying, and how often; after either limit it is given up. */
export interface OwedReplyLimits {
  /** Tries in all, the first one by the receiver; 6. */
  attempts: number;
  /** Since it was first owed; 30 minutes (WeCom takes a reply for 24 h, but a reply that late answers nothing). */
  ttlMs: number;
  /** The wait after the first failed try from the outbox, doubling each time (up to a minute); 2 000 ms. */
  firstRetryMs: number;
}

export const DEFAULT_OWED_REPLY_LIMITS: OwedReplyLimits = { attempts: 6, ttlMs: 30 * 60_000, firstRetryMs: 2_000 };

/** Why an owed reply was given up, or undefined while it may be tried again. */
export type GiveUp = "attempts" | "expired";

/** The one rule for an owed reply's end: too many tries, or too old. */
export function owedReplyGiveUp(owed: Owed, now: number, limits: OwedReplyLimits): GiveUp | undefined {
  if (owed.attempts >= limits.attempts) return "attempts";
  if (now - owed.since >= limits.ttlMs) return "expired";
  return undefined;
}

/** How long an answer is kept for a requester that may have stopped waiting. */
const ANSWER_TTL_MS = 120_000;

/**
 * A holder's taken list stays known this long after its last take (a blocking take lasts a
 * second), then is forgotten once empty.
 */
const TAKER_KEPT_MS = 60_000;

/** The longest wait between two tries of an owed reply. */
const MAX_RETRY_WAIT_MS = 60_000;

/** What the requester of a frame taken by a holder that died is told: it may have gone out. */
const TAKER_DIED: FrameOutcome = { outcome: "retry", reason: "the connection's holder took the frame and stopped before answering", timedOut: true };

/** Notes that a holder (fence) is about to take: its taken list is looked at until it has been idle a while. */
const registerScript = loadScript("connection-outbox-register", {
  keys: (k: { takers: string }) => [k.takers],
  args: (a: { fence: number }) => [a.fence],
});

/** Moves a taken frame back to the front of the outbox, if it is still taken. */
const returnScript = loadScript("connection-outbox-return", {
  keys: (k: { taken: string; outbox: string }) => [k.taken, k.outbox],
  args: (a: { raw: string; back: string }) => [a.raw, a.back],
});

/** Moves a taken frame to the retries, due after a delay, if it is still taken. */
const deferScript = loadScript("connection-outbox-defer", {
  keys: (k: { taken: string; retries: string }) => [k.taken, k.retries],
  args: (a: { raw: string; retried: string; delayMs: number }) => [a.raw, a.retried, a.delayMs],
});

/** Finishes a taken frame with its requester's answer (one already given stands unless this holder still had the frame). */
const answerScript = loadScript("connection-outbox-answer", {
  keys: (k: { taken: string; answer: string }) => [k.taken, k.answer],
  args: (a: { raw: string; outcome: FrameOutcome; ttlMs: number }) => [a.raw, JSON.stringify(a.outcome), a.ttlMs],
});

/** Moves the retries that are due to the front of the outbox, the earliest due first. */
const promoteScript = loadScript("connection-outbox-promote", {
  keys: (k: { retries: string; outbox: string }) => [k.retries, k.outbox],
  args: () => [],
});

/** Forgets a holder that has not taken for a while, once its taken list is empty. */
const forgetScript = loadScript("connection-outbox-forget", {
  keys: (k: { takers: string; taken: string }) => [k.takers, k.taken],
  args: (a: { fence: string; idleMs: number }) => [a.fence, a.idleMs],
});

/** An owed reply the holder gave up, for its log line. */
export interface GivenUp {
  entry: OutboxEntry;
  why: GiveUp;
}

/**
 * Frames other processes hand the connection's holder through Redis (a list, oldest first),
 * and the holder's answers. A frame waits there while no process holds a live connection, and
 * goes out from whichever process holds the next one. A frame the holder takes moves to its
 * own taken list until it is finished, so that a holder that dies while sending loses nothing:
 * the next holder puts what it had taken back (`recover`).
 */
export interface ConnectionOutbox {
  /**
   * Hands a frame over and waits up to `waitMs` for the holder to take it, then as long again
   * for its answer. A frame nobody took is withdrawn (`wait`: never sent, safe to try again).
   */
  request(frame: OutboundFrame, waitMs: number): Promise<FrameOutcome>;
  /** Hands a reply over without waiting for its answer: the receiver tried it once and could not send it. */
  post(frame: OutboundFrame): Promise<void>;
  /** Holder (by its fence): the oldest frame, waiting up to `blockSeconds`; `blocking` must be a connection of its own. */
  take(blocking: RedisClient, fence: number, blockSeconds: number): Promise<OutboxEntry | undefined>;
  /** Holder: a frame it took but did not send goes back to the front. */
  putBack(entry: OutboxEntry): Promise<void>;
  /** Holder: what became of a frame with a requester. */
  answer(entry: OutboxEntry, outcome: FrameOutcome): Promise<void>;
  /** Holder: an owed reply sent or refused for good. */
  finish(entry: OutboxEntry): Promise<void>;
  /**
   * Holder: an owed reply WeCom did not take this time is tried again later (the wait doubling
   * with each try), behind the other frames; or, past its limits, given up: returns why.
   */
  retryLater(entry: OutboxEntry): Promise<GiveUp | undefined>;
  /**
   * Holder: sends again the owed replies whose wait is over, and puts back what other holders
   * (or this one, with `includeOwn`, when nothing of its own is in flight) took and never
   * finished: owed replies to the front, each such try counted; a frame with a requester is
   * answered `retry` (it may have gone out). Returns the owed replies it gave up.
   */
  recover(fence: number, options?: { includeOwn?: boolean }): Promise<GivenUp[]>;
}

interface StoredFrame {
  id: string;
  frame: OutboundFrame;
  /** `true` from before the tries were counted. */
  owed?: Owed | true;
}

export function createConnectionOutbox({
  redis,
  keys,
  pollMs = 50,
  limits = DEFAULT_OWED_REPLY_LIMITS,
  now = Date.now,
}: {
  redis: RedisClient;
  keys: Keys;
  pollMs?: number;
  limits?: OwedReplyLimits;
  now?: () => number;
}): ConnectionOutbox {
  const list = keys.connectionOutbox();
  const takers = keys.connectionTakers();
  const retries = keys.connectionRetries();

  const parse = (raw: string, fence: number): OutboxEntry => {
    const stored = JSON.parse(raw) as StoredFrame;
    const owed = stored.owed === true ? { since: now(), attempts: 1 } : stored.owed;
    return { id: stored.id, frame: stored.frame, fence, raw, ...(owed && { owed }) };
  };
  /** The entry once more tried: its stored form counts the try. */
  const triedAgain = (entry: OutboxEntry & { owed: Owed }): OutboxEntry & { owed: Owed } => {
    const owed = { since: entry.owed.since, attempts: entry.owed.attempts + 1 };
    return { ...entry, owed, raw: JSON.stringify({ id: entry.id, frame: entry.frame, owed } satisfies StoredFrame) };
  };

  const awaitAnswer = async (id: string, ms: number): Promise<FrameOutcome | undefined> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const raw = await redis.get(keys.connectionAnswer(id));
      if (raw !== null) return JSON.parse(raw) as FrameOutcome;
      if (Date.now() >= deadline) return undefined;
      await sleep(pollMs);
    }
  };

  /** Puts back what one holder took and never finished; returns the owed replies given up. */
  const recoverTaken = async (fence: string): Promise<GivenUp[]> => {
    const taken = keys.connectionTaken(fence);
    const givenUp: GivenUp[] = [];
    // Newest first: each goes to the front, so the oldest ends up first again.
    for (const raw of await redis.lrange(taken, 0, -1)) {
      const entry = parse(raw, Number(fence));
      if (!entry.owed) {
        await answerScript(redis, { taken, answer: keys.connectionAnswer(entry.id) }, { raw, outcome: TAKER_DIED, ttlMs: ANSWER_TTL_MS });
        continue;
      }
      // It may have gone out before its holder stopped: that was a try (and a frame that kills its holder is not tried forever).
      const tried = triedAgain(entry as OutboxEntry & { owed: Owed });
      const why = owedReplyGiveUp(tried.owed, now(), limits);
      if (why === undefined) await returnScript(redis, { taken, outbox: list }, { raw, back: tried.raw });
      else if ((await redis.lrem(taken, 1, raw)) === 1) givenUp.push({ entry: tried, why });
    }
    return givenUp;
  };

  return {
    async request(frame, waitMs) {
      const id = randomUUID();
      const raw = JSON.stringify({ id, frame } satisfies StoredFrame);
      await redis.lpush(list, raw);
      const answered = await awaitAnswer(id, waitMs);
      if (answered) return answered;
      if ((await redis.lrem(list, 1, raw)) === 1) return { outcome: "wait", reason: "no process holds a live long connection" };
      // Taken: the holder is sending it now, or stopped while sending (then it may have gone out).
      return (await awaitAnswer(id, waitMs)) ?? { outcome: "retry", reason: "the connection's holder took the frame but never answered", timedOut: true };
    },
    async post(frame) {
      await redis.lpush(list, JSON.stringify({ id: randomUUID(), frame, owed: { since: now(), attempts: 1 } } satisfies StoredFrame));
    },
    async take(blocking, fence, blockSeconds) {
      await registerScript(blocking, { takers }, { fence });
      const raw = await blocking.blmove(list, keys.connectionTaken(fence), "RIGHT", "LEFT", blockSeconds);
      return raw === null ? undefined : parse(raw, fence);
    },
    async putBack(entry) {
      await returnScript(redis, { taken: keys.connectionTaken(entry.fence), outbox: list }, { raw: entry.raw, back: entry.raw });
    },
    async answer(entry, outcome) {
      await answerScript(redis, { taken: keys.connectionTaken(entry.fence), answer: keys.connectionAnswer(entry.id) }, { raw: entry.raw, outcome, ttlMs: ANSWER_TTL_MS });
    },
    async finish(entry) {
      await redis.lrem(keys.connectionTaken(entry.fence), 1, entry.raw);
    },
    async retryLater(entry) {
      if (!entry.owed) throw new Error("only an owed reply is retried by the holder");
      const tried = triedAgain(entry as OutboxEntry & { owed: Owed });
      const why = owedReplyGiveUp(tried.owed, now(), limits);
      if (why !== undefined) {
        await redis.lrem(keys.connectionTaken(entry.fence), 1, entry.raw);
        return why;
      }
      const delayMs = Math.min(limits.firstRetryMs * 2 ** (tried.owed.attempts - 2), MAX_RETRY_WAIT_MS);
      await deferScript(redis, { taken: keys.connectionTaken(entry.fence), retries }, { raw: entry.raw, retried: tried.raw, delayMs });
      return undefined;
    },
    async recover(fence, { includeOwn = false } = {}) {
      await promoteScript(redis, { retries, outbox: list }, {});
      const givenUp: GivenUp[] = [];
      for (const other of await redis.zrange(takers, "0", "-1")) {
        if (other === String(fence) && !includeOwn) continue;
        givenUp.push(...(await recoverTaken(other)));
        if (other !== String(fence)) await forgetScript(redis, { takers, taken: keys.connectionTaken(other) }, { fence: other, idleMs: TAKER_KEPT_MS });
      }
      return givenUp;
    },
  };
}

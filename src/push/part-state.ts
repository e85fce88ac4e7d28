import type { RedisClient } from "../store/connect-redis.js";
import { TTL, type Keys } from "../store/keys.js";
import { releaseLease } from "../store/release-lease.js";
import { loadScript, namedInOrder } from "../store/scripts.js";

// The state of each part of a push, which the deliverer keeps (enqueueing only reads the done
// marker it leaves: enqueue.ts isPushDone).

const SENT = "sent";
const SENDING = "sending:";
const FAILED = "failed:";

/** Claims a part for sending unless it was sent or someone else is sending it right now. */
const claimScript = loadScript("push-part-claim", {
  keys: namedInOrder("part"),
  args: namedInOrder("claim", "ms"),
});

/** The outcome of a claim: ours to send, already sent, or leased by another sender for `waitMs`. */
export type Claim = { state: "claimed" } | { state: "sent" } | { state: "leased"; waitMs: number };

/** Which part of which push. */
export interface PartRef {
  idempotencyKey: string;
  part: number;
  parts: number;
}

/**
 * The state machine of one message part: absent → `sending:<claim>` (a lease) → `sent` or
 * `failed:<why>`. A retried or duplicated job that finds `sent` does not call WeCom again, and
 * one that finds a live lease waits for it.
 */
export interface PartState {
  /** Whether the part before this one is out of the way: sent, failed, or never recorded. */
  previous(ref: PartRef): Promise<"sent" | "failed" | "unknown">;
  claim(ref: PartRef, claim: string, leaseMs: number): Promise<Claim>;
  release(ref: PartRef, claim: string): Promise<void>;
  /** Marks the part sent, and the whole push done after its last part. */
  markSent(ref: PartRef): Promise<void>;
  markFailed(ref: PartRef, why: string): Promise<void>;
}

export function createPartState({ redis, keys }: { redis: RedisClient; keys: Keys }): PartState {
  const key = (ref: PartRef) => keys.pushPart(ref.idempotencyKey, ref.part);
  return {
    async previous(ref) {
      const state = await redis.get(keys.pushPart(ref.idempotencyKey, ref.part - 1));
      if (state === SENT) return "sent";
      return state?.startsWith(FAILED) ? "failed" : "unknown";
    },
    async claim(ref, claim, leaseMs) {
      const [state, pttl] = (await claimScript(redis, { part: key(ref) }, { claim, ms: leaseMs })) as [string, number];
      if (state === SENT) return { state: "sent" };
      if (state.startsWith(SENDING)) return { state: "leased", waitMs: Math.max(Number(pttl), 10) };
      return { state: "claimed" };
    },
    async release(ref, claim) {
      await releaseLease(redis, { lease: key(ref) }, { value: SENDING + claim });
    },
    async markSent(ref) {
      const tx = redis.multi().set(key(ref), SENT, "EX", TTL.pushDoneSeconds);
      if (ref.part === ref.parts - 1) tx.set(keys.pushDone(ref.idempotencyKey), "1", "EX", TTL.pushDoneSeconds);
      await tx.exec();
    },
    async markFailed(ref, why) {
      await redis.set(key(ref), FAILED + why, "EX", TTL.pushDoneSeconds);
    },
  };
}

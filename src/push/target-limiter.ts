import type { PushTarget } from "./push-target.js";
import { rateWindowOf } from "./push-target.js";
import type { RateLimiter } from "./rate-limit.js";

/** The rate window of a push target: a group robot's (20 a minute) or a bot conversation's (30 a minute, shared with the bot's replies there). */
export interface TargetLimiter {
  reserve(target: PushTarget, slotId: string): Promise<number>;
  settle(target: PushTarget, slotId: string): Promise<void>;
  release(target: PushTarget, slotId: string): Promise<void>;
  waitFor(target: PushTarget, sends: number): Promise<number>;
}

/** Picks the limiter of the target's kind; each keeps its own windows. */
export function createTargetLimiter({ webhook, bot }: { webhook: RateLimiter; bot: RateLimiter }): TargetLimiter {
  const of = (target: PushTarget) => (target.via === "webhook" ? webhook : bot);
  return {
    reserve: (target, slotId) => of(target).reserve(rateWindowOf(target), slotId),
    settle: (target, slotId) => of(target).settle(rateWindowOf(target), slotId),
    release: (target, slotId) => of(target).release(rateWindowOf(target), slotId),
    waitFor: (target, sends) => of(target).waitFor(rateWindowOf(target), sends),
  };
}

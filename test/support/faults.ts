import type { FakeWebhook, FakeWebhookFailure } from "../../src/wecom/simulator/fake-webhook.js";
import type { Fault } from "./incident-burst.js";
import type { TestRedis } from "./redis.js";
import type { ServiceProcess } from "./service-process.js";

/**
 * The leaders' robot failing: `http-500` until the fault ends; a hang (`{ hangMs }`) for the
 * next `requests` requests, each delivered when it ends, as WeCom did. A hang past the request
 * timeout may leave WeCom with a second copy of a message.
 */
export function webhookFault(webhook: FakeWebhook, key: string, failure: FakeWebhookFailure, { requests = 1_000_000, timeoutMs = 35_000 } = {}): Fault {
  const name = typeof failure === "object" ? `hang-${failure.hangMs / 1000}s` : String(failure);
  return {
    name,
    copies: typeof failure === "object" && failure.hangMs > timeoutMs ? 2 : 1,
    async begin() {
      webhook.failNext(key, failure, requests);
    },
    async end() {
      webhook.recover(key);
    },
  };
}

/** redis-server SIGKILLed, and started again on its data `ms` later (the fault ends once it is back). */
export function redisStop(redis: TestRedis, ms: number): Fault {
  let back: Promise<void> | undefined;
  return {
    name: `redis-stop-${ms / 1000}s`,
    copies: 1,
    async begin() {
      await redis.kill("SIGKILL");
      back = new Promise((done) => setTimeout(done, ms)).then(() => redis.restart());
    },
    async end() {
      await back;
    },
  };
}

/**
 * A service process SIGKILLed mid-burst (`pick` chooses which when the fault begins); the others
 * carry on. What WeCom took from it just before it died, before it logged so, goes again
 * (at-least-once: WeCom's push has no idempotency key), so a message may arrive twice.
 */
export function killProcess(name: string, pick: () => Promise<ServiceProcess>): Fault {
  return {
    name: `kill-${name}`,
    copies: 2,
    kills: true,
    async begin() {
      await (await pick()).kill("SIGKILL");
    },
    async end() {},
  };
}

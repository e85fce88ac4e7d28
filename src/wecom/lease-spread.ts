import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { loadScript } from "../store/scripts.js";

const checkInScript = loadScript("connection-processes", {
  keys: (k: { processes: string }) => [k.processes],
  args: (a: { owner: string; ms: number }) => [a.owner, a.ms],
});

/**
 * How many long-connection bots this process should hold: the bots' leases spread over the
 * processes alive on one Redis, `ceil(bots / processes)` each, so that every bot is held and
 * none waits on one busy process. Each process checks in every `everyMs` and counts as alive for
 * `aliveMs`; a process that dies drops out of the count, and the others take its bots.
 */
export interface LeaseSpread {
  /** Whether this process may take one more lease now (it holds fewer than its share). */
  mayTake(): Promise<boolean>;
  /** Whether one of this process's leases should go to another process: it holds more than its share (the holder that asks lets go at once). */
  shouldYield(): boolean;
  /** Told each lease taken and each let go. */
  took(): void;
  letGo(): void;
  stop(): Promise<void>;
}

export function createLeaseSpread({ redis, keys, owner, bots, everyMs, aliveMs }: { redis: RedisClient; keys: Keys; owner: string; bots: number; everyMs: number; aliveMs: number }): LeaseSpread {
  let held = 0;
  let processes = 1;
  let stopped = false;
  const checkIn = async () => {
    processes = Math.max(1, Number(await checkInScript(redis, { processes: keys.connectionProcesses() }, { owner, ms: aliveMs })));
  };
  let first = checkIn().catch(() => undefined);
  const share = () => Math.ceil(bots / processes);
  const timer = setInterval(() => {
    first = checkIn().catch(() => undefined);
  }, everyMs);
  timer.unref();
  return {
    async mayTake() {
      await first;
      return !stopped && held < share();
    },
    shouldYield: () => held > share(),
    took() {
      held += 1;
    },
    letGo() {
      held = Math.max(0, held - 1);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await redis.zrem(keys.connectionProcesses(), owner).catch(() => undefined);
    },
  };
}

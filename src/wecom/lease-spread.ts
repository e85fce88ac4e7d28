import type { Logger } from "pino";
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
 * none waits on one busy process. Once started, each process checks in every `everyMs` and
 * counts as alive for `aliveMs`; a process that dies drops out of the count, and the others take
 * its bots.
 */
export interface LeaseSpread {
  /** Counts this process in, and keeps it counted until stop. */
  start(): void;
  /** Whether this process may take one more lease now (it holds fewer than its share). */
  mayTake(): Promise<boolean>;
  /** Whether one of this process's leases should go to another process: it holds more than its share (the holder that asks lets go at once). */
  shouldYield(): boolean;
  /** Told each lease taken and each let go. */
  took(): void;
  letGo(): void;
  stop(): Promise<void>;
}

export interface LeaseSpreadOptions {
  redis: RedisClient;
  keys: Keys;
  /** This process (host:pid), as its leases name it. */
  owner: string;
  /** The bots on the long connection. */
  bots: number;
  everyMs: number;
  aliveMs: number;
  log: Pick<Logger, "warn">;
}

export function createLeaseSpread({ redis, keys, owner, bots, everyMs, aliveMs, log }: LeaseSpreadOptions): LeaseSpread {
  let held = 0;
  let processes = 1;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let counted: Promise<void> | undefined;
  const checkIn = () =>
    checkInScript(redis, { processes: keys.connectionProcesses() }, { owner, ms: aliveMs })
      .then((alive) => void (processes = Math.max(1, Number(alive))))
      .catch((error: unknown) => log.warn({ err: error }, "long connection: processes not counted; keeping the last count"));
  const share = () => Math.ceil(bots / processes);
  return {
    start() {
      counted = checkIn();
      timer = setInterval(() => void checkIn(), everyMs);
      timer.unref();
    },
    async mayTake() {
      await counted;
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

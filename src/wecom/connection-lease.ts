import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { releaseLease } from "../store/release-lease.js";
import { loadScript } from "../store/scripts.js";

/** Takes the lease when nobody holds it, with the next fencing token. */
const acquireScript = loadScript("connection-lease-acquire", {
  keys: (k: { lease: string; fence: string }) => [k.lease, k.fence],
  args: (a: { owner: string; ms: number }) => [a.owner, a.ms],
});

/** Extends the lease if it is still this holder's. */
const renewScript = loadScript("connection-lease-renew", {
  keys: (k: { lease: string }) => [k.lease],
  args: (a: { value: string; ms: number }) => [a.value, a.ms],
});

/** Who holds the long connection: the fencing token (it only ever grows) and the process. */
export interface LeaseHolder {
  fence: number;
  owner: string;
}

/**
 * The right to hold the bot's one long connection, among all processes on one Redis. It
 * expires unless renewed, so a holder that dies frees it within `ttlMs`; each taking gets a
 * larger fencing token, so a holder that was paused past its lease can tell it was replaced.
 */
export interface ConnectionLease {
  /** How long the lease lasts unless renewed. */
  readonly ttlMs: number;
  /** The lease with a new fencing token, or undefined while another process holds it. */
  acquire(): Promise<LeaseHolder | undefined>;
  /** False when the lease expired or went to another holder: stop using the connection at once. */
  renew(holder: LeaseHolder): Promise<boolean>;
  release(holder: LeaseHolder): Promise<void>;
  /** The current holder, if any. */
  read(): Promise<LeaseHolder | undefined>;
}

/** The holder a lease value (`<fence>|<owner>`) names. */
export function parseLease(raw: string | null): LeaseHolder | undefined {
  if (raw === null) return undefined;
  const bar = raw.indexOf("|");
  return { fence: Number(raw.slice(0, bar)), owner: raw.slice(bar + 1) };
}

export function createConnectionLease({ redis, keys, owner, ttlMs }: { redis: RedisClient; keys: Keys; owner: string; ttlMs: number }): ConnectionLease {
  const value = (holder: LeaseHolder) => `${holder.fence}|${holder.owner}`;
  return {
    ttlMs,
    async acquire() {
      const fence = Number(await acquireScript(redis, { lease: keys.connectionLease(), fence: keys.connectionFence() }, { owner, ms: ttlMs }));
      return fence > 0 ? { fence, owner } : undefined;
    },
    async renew(holder) {
      return Number(await renewScript(redis, { lease: keys.connectionLease() }, { value: value(holder), ms: ttlMs })) === 1;
    },
    async release(holder) {
      await releaseLease(redis, { lease: keys.connectionLease() }, { value: value(holder) });
    },
    async read() {
      return parseLease(await redis.get(keys.connectionLease()));
    },
  };
}

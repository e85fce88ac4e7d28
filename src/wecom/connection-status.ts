import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { parseLease, type LeaseHolder } from "./connection-lease.js";
import type { LongConnectionStatus } from "./long-connection.js";

/** The long connection as /healthz shows it, whichever process asks. */
export interface ConnectionHealth {
  /** True while a process holds the lease and its connection is subscribed. */
  connected: boolean;
  /** The holding process (host:pid) and its fencing token; absent when nobody holds the lease. */
  holder?: { owner: string; fence: number };
  /** subscribed, connecting, stepped_down… as the holder last wrote it. */
  state?: string;
  /** When the holder's connection entered that state (ISO). */
  since?: string;
  /** Reconnects the holder's connection has scheduled. */
  reconnects?: number;
  lastError?: string;
}

/** How long a holder's status outlives its last write (a dead holder's status then goes away). */
const STATUS_TTL_MS = 60_000;

/** Written by the holder on every state change and lease renewal. */
export async function writeConnectionStatus(redis: RedisClient, keys: Keys, holder: LeaseHolder, status: LongConnectionStatus): Promise<void> {
  const key = keys.connectionStatus();
  const fields = {
    owner: holder.owner,
    fence: String(holder.fence),
    state: status.state,
    since: new Date(status.since).toISOString(),
    reconnects: String(status.reconnects),
    lastError: status.lastError ? `${status.lastError.code}: ${status.lastError.message}` : "",
  };
  await redis.multi().del(key).hset(key, fields).pexpire(key, STATUS_TTL_MS).exec();
}

/** Reads who holds the connection and how it is; a status left by an earlier holder counts for nothing. */
export async function readConnectionStatus(redis: RedisClient, keys: Keys): Promise<ConnectionHealth> {
  const [lease, status] = await Promise.all([redis.get(keys.connectionLease()), redis.hgetall(keys.connectionStatus())]);
  const holder = parseLease(lease);
  if (!holder) return { connected: false };
  if (status.fence !== String(holder.fence)) return { connected: false, holder, state: "connecting" };
  return {
    connected: status.state === "subscribed",
    holder,
    ...(status.state && { state: status.state }),
    ...(status.since && { since: status.since }),
    reconnects: Number(status.reconnects ?? 0),
    ...(status.lastError && { lastError: status.lastError }),
  };
}

import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import type { ConnectionLease, LeaseHolder } from "./connection-lease.js";
import type { ConnectionOutbox, GiveUp, OutboxEntry } from "./connection-outbox.js";
import { sendFrame, type FrameOutcome } from "./long-connection/requests.js";
import { writeConnectionStatus } from "./connection-status.js";
import type { LeaseSpread } from "./lease-spread.js";
import type { LongConnection } from "./long-connection.js";

export interface ConnectionHolderOptions {
  lease: ConnectionLease;
  outbox: ConnectionOutbox;
  /** Status writes. */
  redis: RedisClient;
  /** A connection of the holder's own, for the outbox's blocking take. */
  blocking: RedisClient;
  keys: Keys;
  /** A new client for the bot, asking `maySubscribe` before each subscribe; called each time this process takes the lease. */
  createConnection: (maySubscribe: () => Promise<boolean>) => LongConnection;
  /** Attaches the receiver; returns its detach. */
  attach: (connection: LongConnection) => () => void;
  log: Pick<Logger, "info" | "warn" | "error">;
  /** Told each owed reply given up (too many tries, too old, or refused), for metrics. */
  onReplyDropped?: (why: GiveUp | "refused") => void;
  /**
   * How often the lease is renewed, or tried for by a process without it; well under the lease's
   * TTL. A holder that has not confirmed its lease for the TTL less this closes its connection.
   */
  renewMs: number;
  /**
   * After `disconnected_event` (another connection took the bot) while the lease is still this
   * holder's, it subscribes again at the next renewal: the kicker was a process of this
   * deployment that lost the lease while paused and subscribed late. Kicked again within this
   * long, the kicker is another deployment of the same bot, and this holder waits this long
   * before subscribing once more; the wait doubles each time, up to an hour.
   */
  retakeAfterMs?: number;
  /** With several bots: whether this process may take this bot's lease, or should give it to another process. */
  spread?: LeaseSpread;
}

export interface ConnectionHolder {
  /** Closes the connection and gives the lease up, so another process takes over at once. */
  stop(): Promise<void>;
}

const MAX_RETAKE_MS = 3_600_000;

/**
 * Every process runs one: the process that gets the lease holds the bot's long connection and
 * sends what the others hand it through the outbox; the others keep trying for the lease, and
 * one of them takes over within the lease's TTL when the holder dies. Losing the lease closes
 * the connection at once, and so does not confirming it in time (Redis out of reach): by the
 * time another process may take the lease, this one has let go. It subscribes only after
 * confirming the lease, and being kicked by another connection never makes it re-subscribe in
 * a loop (see `retakeAfterMs`).
 */
export function startConnectionHolder(options: ConnectionHolderOptions): ConnectionHolder {
  const { lease, outbox, redis, blocking, keys, log, renewMs } = options;
  const firstRetakeMs = options.retakeAfterMs ?? 300_000;
  if (renewMs >= lease.ttlMs) throw new Error(`the lease's renewal (${renewMs} ms) must be well under its TTL (${lease.ttlMs} ms)`);
  // Measured from when the command that set or extended the lease was sent: Redis ran it later, so the lease lasts at least this.
  const confirmedForMs = lease.ttlMs - renewMs;
  let held: { holder: LeaseHolder; connection: LongConnection; detach: () => void; deadline?: NodeJS.Timeout } | undefined;
  let retakeMs = firstRetakeMs;
  let retakeAt: number | undefined;
  let lastKickAt: number | undefined;
  let draining = false;
  let stopped = false;

  const report = (current: NonNullable<typeof held>) =>
    writeConnectionStatus(redis, keys, current.holder, current.connection.status()).catch((error: unknown) => log.warn({ err: error }, "long connection: status not written"));

  const dropped = (entry: OutboxEntry, why: GiveUp | "refused", reason?: string) => {
    const cmd = entry.frame.cmd;
    const reqId = "reqId" in entry.frame ? entry.frame.reqId : undefined;
    log.error({ reqId, cmd, attempts: entry.owed?.attempts, owedForMs: entry.owed && Date.now() - entry.owed.since, why, reason }, "long connection: owed reply given up");
    options.onReplyDropped?.(why);
  };

  /** Retries that are due, and what holders that stopped had taken, go back to the outbox. */
  const recover = async (current: NonNullable<typeof held>, includeOwn = false) => {
    for (const { entry, why } of await outbox.recover(current.holder.fence, { includeOwn })) dropped(entry, why);
  };

  /** What became of a frame this holder took and tried. */
  const settle = async (entry: OutboxEntry, outcome: FrameOutcome) => {
    // Not sent (no live connection): first in line again, no try counted.
    if (outcome.outcome === "wait") return outbox.putBack(entry);
    if (!entry.owed) return outbox.answer(entry, outcome);
    if (outcome.outcome === "ok") return outbox.finish(entry);
    if (outcome.outcome === "permanent") {
      await outbox.finish(entry);
      return dropped(entry, "refused", outcome.reason);
    }
    // Still valid on its req_id: tried again later, behind the other frames, until its limits.
    const why = await outbox.retryLater(entry);
    if (why !== undefined) dropped(entry, why, outcome.reason);
  };

  /** Sends what other processes handed over, while this connection is subscribed. */
  const drain = async (current: NonNullable<typeof held>): Promise<void> => {
    if (draining) return;
    draining = true;
    try {
      // Nothing of this holder's is in flight now: what it had taken and not finished (a drain that failed) goes back.
      await recover(current, true);
      while (!stopped && held === current && current.connection.state === "subscribed") {
        const entry = await outbox.take(blocking, current.holder.fence, 1);
        if (!entry) continue;
        if (held !== current || current.connection.state !== "subscribed") {
          await outbox.putBack(entry);
          break;
        }
        await settle(entry, await sendFrame(current.connection, entry.frame));
      }
    } catch (error) {
      if (!stopped) log.warn({ err: error }, "long connection: outbox drain stopped");
    } finally {
      draining = false;
    }
  };

  /** The lease was set or extended by a command sent at `sentAt` (performance.now()): let go unless confirmed again in time. */
  const confirmed = (current: NonNullable<typeof held>, sentAt: number) => {
    clearTimeout(current.deadline);
    current.deadline = setTimeout(() => {
      if (held === current) void letGo("lease not confirmed in time");
    }, sentAt + confirmedForMs - performance.now());
  };

  /** Renews the lease: true while it is this holder's (confirmed anew); lets go when it is not. */
  const renew = async (current: NonNullable<typeof held>, lost = "lease lost"): Promise<boolean> => {
    const sentAt = performance.now();
    if (!(await lease.renew(current.holder))) {
      await letGo(lost);
      return false;
    }
    // Let go meanwhile (the renewal came too late): the lease frees at its TTL.
    if (held !== current) return false;
    confirmed(current, sentAt);
    return true;
  };

  /** Another connection subscribed the bot: one of this deployment's that subscribed late, or another deployment. */
  const kicked = async (current: NonNullable<typeof held>) => {
    const now = Date.now();
    const kickedBefore = lastKickAt !== undefined && now - lastKickAt < retakeMs;
    lastKickAt = now;
    const ours = await renew(current).catch(() => undefined);
    if (held !== current || ours === false) return;
    if (ours && !kickedBefore) {
      retakeAt = now + renewMs;
      log.warn({ retakeInMs: renewMs }, "long connection: another connection took the bot while this process holds the lease (one that lost it subscribed late); subscribing again");
      return;
    }
    retakeAt = now + retakeMs;
    log.warn({ retakeInMs: retakeMs }, "long connection: another connection took the bot; this holder waits before subscribing again");
    retakeMs = Math.min(retakeMs * 2, MAX_RETAKE_MS);
  };

  const take = (holder: LeaseHolder, sentAt: number) => {
    // A subscribe takes the bot from whoever has it: first make sure the lease is still this holder's (this process may have been paused past it).
    const connection = options.createConnection(() => renew(current, "lease lost before subscribing"));
    const current: NonNullable<typeof held> = { holder, connection, detach: options.attach(connection) };
    held = current;
    options.spread?.took();
    confirmed(current, sentAt);
    connection.on("state", (state) => {
      void report(current);
      if (state === "subscribed") void drain(current);
    });
    connection.on("stepped-down", () => kicked(current));
    log.info({ fence: holder.fence }, "long connection: this process holds the lease");
    connection.start();
    void recover(current).catch((error: unknown) => log.warn({ err: error }, "long connection: outbox not recovered"));
  };

  const letGo = async (why: string) => {
    const current = held;
    if (!current) return;
    held = undefined;
    options.spread?.letGo();
    clearTimeout(current.deadline);
    current.detach();
    await current.connection.stop();
    log.warn({ fence: current.holder.fence, why }, "long connection: let go");
  };

  const tick = async () => {
    const sentAt = performance.now();
    if (!held) {
      if (options.spread && !(await options.spread.mayTake())) return;
      const holder = await lease.acquire();
      if (holder && !stopped) take(holder, sentAt);
      return;
    }
    const current = held;
    if (!(await renew(current))) return;
    if (options.spread?.shouldYield()) {
      // Another process is alive with fewer bots than its share: this one lets go, and that one takes it within a renewal.
      await letGo("spreading the bots over the processes");
      await lease.release(current.holder);
      return;
    }
    if (current.connection.state === "stepped_down" && retakeAt !== undefined && Date.now() >= retakeAt) {
      retakeAt = undefined;
      current.connection.start();
    }
    if (current.connection.state === "subscribed") {
      // Kept as long as the wait before it: a bot taken over again soon after waits longer each time.
      if (Date.now() - current.connection.status().since > retakeMs) retakeMs = firstRetakeMs;
      void drain(current);
    }
    await report(current);
    await recover(current).catch((error: unknown) => log.warn({ err: error }, "long connection: outbox not recovered"));
  };

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    timer = setTimeout(() => {
      tick()
        .catch((error: unknown) => log.warn({ err: error }, "long connection: lease tick failed"))
        .finally(() => {
          if (!stopped) loop();
        });
    }, renewMs);
  };
  void tick()
    .catch((error: unknown) => log.warn({ err: error }, "long connection: lease tick failed"))
    .finally(loop);

  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const current = held;
      await letGo("stopping");
      if (current) await lease.release(current.holder).catch(() => undefined);
    },
  };
}

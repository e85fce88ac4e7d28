import type { LongConnectionAck } from "./request-bodies.js";
import { ErrorCode, hasCode } from "../../errors.js";

export interface HeartbeatOptions {
  intervalMs: number;
  /** Sends one ping and resolves with its ack; rejects with `timeout` when no ack came in time. */
  ping: () => Promise<LongConnectionAck>;
  /** A ping went unanswered: the connection is half-alive (TCP may stay up for minutes while nothing answers). */
  onSilence: () => void;
  /** A ping was answered with a non-zero errcode: worth a log line, not a reconnect. */
  onRefused: (ack: LongConnectionAck) => void;
}

/** Pings every `intervalMs` until the returned stop is called. */
export function startHeartbeat({ intervalMs, ping, onSilence, onRefused }: HeartbeatOptions): () => void {
  let stopped = false;
  const timer = setInterval(() => {
    ping().then(
      (ack) => {
        if (!stopped && ack.errcode !== 0) onRefused(ack);
      },
      (error: unknown) => {
        // Any other failure (the socket went) is the connection's own to handle.
        if (!stopped && hasCode(error, ErrorCode.AckTimeout)) onSilence();
      },
    );
  }, intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

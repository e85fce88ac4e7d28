/** How long to wait before each reconnect: decorrelated jitter between `minMs` and `maxMs`. */
export interface ReconnectBackoff {
  /** The next delay: min(maxMs, random between minMs and 3 × the previous), never below minMs, so never a tight loop. */
  next(): number;
  /** The next delay is `maxMs`: refused credentials will not fix themselves soon, and subscribe is frequency-protected. */
  penalise(): void;
  /** Back to the start, after a subscription (or a fresh `start()`). */
  reset(): void;
}

export function createReconnectBackoff({ minMs, maxMs, random }: { minMs: number; maxMs: number; random: () => number }): ReconnectBackoff {
  const cap = Math.max(minMs, maxMs);
  let previous = minMs;
  let penalised = false;
  return {
    next() {
      if (penalised) {
        penalised = false;
        previous = cap;
        return cap;
      }
      const upper = Math.min(cap, previous * 3);
      previous = Math.min(cap, minMs + random() * (upper - minMs));
      return Math.round(previous);
    },
    penalise() {
      penalised = true;
    },
    reset() {
      previous = minMs;
      penalised = false;
    },
  };
}

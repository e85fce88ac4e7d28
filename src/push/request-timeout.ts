/** The longest a request to WeCom may take, however many timed out before it. */
export const MAX_REQUEST_TIMEOUT_MS = 5 * 60_000;

/** How much longer a lease lasts than the request it covers: the bookkeeping around the send. */
const LEASE_MARGIN_MS = 15_000;

/**
 * The timeout of the next request for a message after `timeouts` of them timed out: doubled
 * each time, up to MAX_REQUEST_TIMEOUT_MS. A request that timed out may still be delivered
 * (WeCom hanging 40 s answers, and delivers, after a 35 s timeout): retried with the same
 * timeout while the hang lasts, each try delivered one more copy (3 reminders became 9). Waited
 * out the second time, a hang costs one copy at most.
 */
export function requestTimeoutAfter(firstMs: number, timeouts: number): number {
  return Math.min(firstMs * 2 ** timeouts, Math.max(firstMs, MAX_REQUEST_TIMEOUT_MS));
}

/** How long a sender keeps others off a message while its request of `timeoutMs` runs. */
export function leaseFor(timeoutMs: number): number {
  return timeoutMs + LEASE_MARGIN_MS;
}

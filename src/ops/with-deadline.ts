/** What a bounded read came to: its value, or why there is none. */
export type Bounded<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Waits for `work` at most `ms`: ops pages must answer while Redis hangs (a worker connection
 * waits for Redis forever by design), saying what they could not read instead of blocking.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number): Promise<Bounded<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Bounded<T>>((done) => {
    timer = setTimeout(() => done({ ok: false, error: `no answer within ${ms} ms` }), ms);
  });
  const settled = work.then(
    (value): Bounded<T> => ({ ok: true, value }),
    (error: unknown): Bounded<T> => ({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Shares the builds of one key. Whoever asks for a key being built gets that build; for
 * `reuseForMs` after it is done (real time, not the service's clock: what it measures is how
 * old the read is), whoever asks for it with the same `stamp` gets it again. Builds that fail
 * are not kept; builds past their time are dropped when the next is kept.
 */
export function shareBuilds<T>({ reuseForMs }: { reuseForMs: number }): (key: string, stamp: string, build: () => Promise<T>) => Promise<T> {
  const building = new Map<string, Promise<T>>();
  const built = new Map<string, { value: T; stamp: string; at: number }>();
  const fresh = (entry: { at: number }) => performance.now() - entry.at < reuseForMs;
  return (key, stamp, build) => {
    const done = built.get(key);
    if (done && done.stamp === stamp && fresh(done)) return Promise.resolve(done.value);
    const known = building.get(key);
    if (known) return known;
    const started = build()
      .then((value) => {
        for (const [old, entry] of built) if (!fresh(entry)) built.delete(old);
        built.set(key, { value, stamp, at: performance.now() });
        return value;
      })
      .finally(() => building.delete(key));
    building.set(key, started);
    return started;
  };
}

export interface ShareBuildsOptions<T> {
  /**
   * How long a done build is given again, with no build started, to whoever asks for it with
   * the same `stamp` (real time, not the service's clock: what it measures is how old the read is).
   */
  reuseForMs: number;
  /**
   * Whether a done build may still be given while its key's next build runs (the bound on how
   * stale it gets, however long that build takes or however often it fails); default never.
   */
  showable?: (value: T) => boolean;
  /** Told of each build that failed; whoever waited on it gets the failure too. */
  onFailure: (error: unknown) => void;
}

/**
 * Shares the builds of one key, one build of a key at a time. Whoever asks for a key being built
 * gets that build, unless the key's last build is still `showable`: then he gets that one at
 * once and the build runs on without him (stale while revalidating), so that no request waits
 * for a build a recent one can stand in for. A build that fails is not kept: the last one
 * stays given while it is showable, and past that whoever asks waits for the next build.
 */
export function shareBuilds<T>({ reuseForMs, showable = () => false, onFailure }: ShareBuildsOptions<T>): (key: string, stamp: string, build: () => Promise<T>) => Promise<T> {
  const building = new Map<string, Promise<T>>();
  const built = new Map<string, { value: T; stamp: string; at: number }>();
  const fresh = (entry: { at: number }) => performance.now() - entry.at < reuseForMs;
  const start = (key: string, stamp: string, build: () => Promise<T>) => {
    const started = build()
      .then((value) => {
        for (const [old, entry] of built) if (!fresh(entry) && !showable(entry.value)) built.delete(old);
        built.set(key, { value, stamp, at: performance.now() });
        return value;
      })
      .finally(() => building.delete(key));
    // Caught here, so that a build nobody waits for (the last one was given) fails out loud, not unhandled.
    started.catch(onFailure);
    building.set(key, started);
    return started;
  };
  return (key, stamp, build) => {
    const done = built.get(key);
    if (done && done.stamp === stamp && fresh(done)) return Promise.resolve(done.value);
    const next = building.get(key) ?? start(key, stamp, build);
    return done && showable(done.value) ? Promise.resolve(done.value) : next;
  };
}

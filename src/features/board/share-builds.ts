/**
 * Joins the requests for one thing while it is being built: whoever asks for a key already
 * being built gets that build, not one of his own. Nothing is kept once a build is done, so a
 * request never gets what was read before it was made, only what is being read as it arrives.
 */
export function shareBuilds<T>(): (key: string, build: () => Promise<T>) => Promise<T> {
  const building = new Map<string, Promise<T>>();
  return (key, build) => {
    const known = building.get(key);
    if (known) return known;
    const started = build().finally(() => building.delete(key));
    building.set(key, started);
    return started;
  };
}

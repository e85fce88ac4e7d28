/**
 * The topic of a tapped button's key: the string `t` of the small JSON every card of ours puts
 * in its keys, or undefined for a key that has none (forged, or not ours).
 */
export function readTapTopic(key: string): string | undefined {
  if (Buffer.byteLength(key) > 1024) return undefined;
  try {
    const data: unknown = JSON.parse(key);
    if (typeof data !== "object" || data === null || !("t" in data)) return undefined;
    return typeof data.t === "string" ? data.t : undefined;
  } catch {
    return undefined;
  }
}

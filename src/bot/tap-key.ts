import { z } from "zod";

/**
 * A tapped button's key read with `schema`: the small JSON every card of ours puts in its keys,
 * or undefined for a key that does not fit (forged, or not ours). WeCom keeps at most 1024 bytes.
 */
export function readTapKey<T>(key: string, schema: z.ZodType<T>): T | undefined {
  if (Buffer.byteLength(key) > 1024) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(key);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

const topicSchema = z.object({ t: z.string() });

/** The topic of a tapped button's key (its `t`), by which the tap is routed to the command whose card it is. */
export function readTapTopic(key: string): string | undefined {
  return readTapKey(key, topicSchema)?.t;
}

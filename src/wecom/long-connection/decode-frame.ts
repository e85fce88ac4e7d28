import { z } from "zod";

const frameSchema = z.object({
  cmd: z.string().optional(),
  headers: z.looseObject({ req_id: z.string() }),
  body: z.unknown().optional(),
  errcode: z.number().optional(),
  errmsg: z.string().optional(),
});

/**
 * One frame of WeCom's long connection: a request or callback (`cmd`), or the ack of a request,
 * which carries only its req_id, `errcode` and `errmsg`. The body is left to whoever reads it.
 */
export type Frame = z.infer<typeof frameSchema>;

/** The frame `text` carries, or undefined when it is not one. */
export function decodeFrame(text: string): Frame | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // WeCom's SDK strips raw control characters before parsing; we do so only when a frame fails to parse as sent.
    try {
      data = JSON.parse(text.replace(/[\x00-\x08\x0B-\x0D\x0E-\x1F]/g, ""));
    } catch {
      return undefined;
    }
  }
  const frame = frameSchema.safeParse(data);
  return frame.success ? frame.data : undefined;
}

import type { IncomingMessage } from "node:http";
import { CodedError, ErrorCode } from "../errors.js";

/** Reads a request body as text, refusing more than `limit` bytes without buffering them. */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) throw new CodedError(ErrorCode.BodyTooLarge, `body over ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new CodedError(ErrorCode.BodyTooLarge, `body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

import { createHash } from "node:crypto";
import type { LongConnectionAck } from "./request-bodies.js";
import { CodedError, ErrorCode } from "../../errors.js";

/** A medium to upload: a PNG or JPG picture of at most 2 MB here (WeCom takes up to 100 chunks). */
export interface MediaUpload {
  type: "image";
  filename: string;
  bytes: Buffer;
}

/** A media upload's chunk, before base64 (wecom-protocol.md: at most 512 KB). */
export const MEDIA_CHUNK_BYTES = 512 * 1024;

/** Sends one request of the upload on a req_id of its own and resolves with its ack (errcode 0). */
export type UploadRequest = (cmd: "aibot_upload_media_init" | "aibot_upload_media_chunk" | "aibot_upload_media_finish", body: unknown) => Promise<LongConnectionAck>;

/**
 * `aibot_upload_media_init` → `_chunk` × N → `_finish`; resolves with the media_id (valid 3
 * days). One chunk after the other: WeCom answers "system error" to many at once, and a chart
 * is one or two chunks.
 */
export async function uploadMedia(request: UploadRequest, media: MediaUpload): Promise<string> {
  const chunks = Math.ceil(media.bytes.length / MEDIA_CHUNK_BYTES);
  const md5 = createHash("md5").update(media.bytes).digest("hex");
  const init = { type: media.type, filename: media.filename, total_size: media.bytes.length, total_chunks: chunks, md5 };
  const uploadId = ackField(await request("aibot_upload_media_init", init), "upload_id");
  for (let index = 0; index < chunks; index += 1) {
    const data = media.bytes.subarray(index * MEDIA_CHUNK_BYTES, (index + 1) * MEDIA_CHUNK_BYTES).toString("base64");
    await request("aibot_upload_media_chunk", { upload_id: uploadId, chunk_index: index, base64_data: data });
  }
  return ackField(await request("aibot_upload_media_finish", { upload_id: uploadId }), "media_id");
}

/** A string WeCom's ack must carry (upload_id, media_id); without it the step failed. */
function ackField(ack: LongConnectionAck, name: string): string {
  const value = (ack.body as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== "string" || value === "") {
    throw new CodedError(ErrorCode.WecomRejected, `${name} missing from the acknowledgement`, { reqId: ack.reqId });
  }
  return value;
}

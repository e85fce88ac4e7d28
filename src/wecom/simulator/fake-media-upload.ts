import { createHash, randomBytes } from "node:crypto";
import { FAKE_ERRCODES, field, OK, refuse, type Verdict } from "./fake-frames.js";

/** wecom-protocol.md, long connection: chunks ≤ 512 KB before base64, ≤ 100 chunks, ≤ 30 uploads a minute, media valid 3 days. */
const CHUNK_MAX_BYTES = 512 * 1024;
const MAX_CHUNKS = 100;
const UPLOADS_PER_MINUTE = 30;
const MEDIA_LIFETIME_MS = 3 * 24 * 60 * 60 * 1000;
const TYPES = new Set(["image", "file", "voice", "video"]);

interface Upload {
  type: string;
  totalSize: number;
  md5: string;
  chunks: (Buffer | undefined)[];
}

/**
 * The long connection's media upload as the fake keeps it (`aibot_upload_media_init` → `_chunk`
 * × N → `_finish`, then `aibot_send_msg` names the `media_id`): sizes, md5 and the per-minute
 * limit are checked, and what was uploaded can be read back by tests.
 */
export function createFakeMediaUpload(now: () => number) {
  const uploads = new Map<string, Upload>();
  const media = new Map<string, { type: string; bytes: Buffer; at: number }>();
  let started: number[] = [];

  function init(body: unknown): Verdict {
    const type = field(body, "type");
    const totalSize = field(body, "total_size");
    const totalChunks = field(body, "total_chunks");
    const md5 = field(body, "md5");
    if (typeof type !== "string" || !TYPES.has(type)) return refuse(FAKE_ERRCODES.invalidRequest, "invalid media type");
    if (!Number.isInteger(totalSize) || (totalSize as number) <= 0) return refuse(FAKE_ERRCODES.invalidRequest, "invalid total_size");
    if (!Number.isInteger(totalChunks) || (totalChunks as number) < 1 || (totalChunks as number) > MAX_CHUNKS) {
      return refuse(FAKE_ERRCODES.invalidRequest, `total_chunks must be 1..${MAX_CHUNKS}`);
    }
    if ((totalChunks as number) !== Math.ceil((totalSize as number) / CHUNK_MAX_BYTES)) {
      return refuse(FAKE_ERRCODES.invalidRequest, "total_chunks does not match total_size in 512 KB chunks");
    }
    if (typeof md5 !== "string" || !/^[0-9a-f]{32}$/u.test(md5)) return refuse(FAKE_ERRCODES.invalidRequest, "invalid md5");
    const t = now();
    started = started.filter((at) => t - at < 60_000);
    if (started.length >= UPLOADS_PER_MINUTE) return refuse(FAKE_ERRCODES.rateLimited, "upload freq out of limit");
    started.push(t);
    const uploadId = randomBytes(12).toString("hex");
    uploads.set(uploadId, { type, totalSize: totalSize as number, md5, chunks: new Array<Buffer | undefined>(totalChunks as number).fill(undefined) });
    return { ...OK, body: { upload_id: uploadId } };
  }

  function chunk(body: unknown): Verdict {
    const upload = uploads.get(String(field(body, "upload_id")));
    if (!upload) return refuse(FAKE_ERRCODES.invalidRequest, "unknown upload_id");
    const index = field(body, "chunk_index");
    const data = field(body, "base64_data");
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= upload.chunks.length) {
      return refuse(FAKE_ERRCODES.invalidRequest, "chunk_index out of range");
    }
    if (typeof data !== "string") return refuse(FAKE_ERRCODES.invalidRequest, "base64_data missing");
    const bytes = Buffer.from(data, "base64");
    if (bytes.length === 0 || bytes.length > CHUNK_MAX_BYTES) return refuse(FAKE_ERRCODES.invalidRequest, "chunk over 512 KB or empty");
    upload.chunks[index as number] = bytes;
    return OK;
  }

  function finish(body: unknown): Verdict {
    const uploadId = String(field(body, "upload_id"));
    const upload = uploads.get(uploadId);
    if (!upload) return refuse(FAKE_ERRCODES.invalidRequest, "unknown upload_id");
    if (upload.chunks.some((c) => c === undefined)) return refuse(FAKE_ERRCODES.invalidRequest, "chunks missing");
    const bytes = Buffer.concat(upload.chunks as Buffer[]);
    uploads.delete(uploadId);
    if (bytes.length !== upload.totalSize) return refuse(FAKE_ERRCODES.invalidRequest, "size does not match total_size");
    if (createHash("md5").update(bytes).digest("hex") !== upload.md5) return refuse(FAKE_ERRCODES.invalidRequest, "md5 mismatch");
    const mediaId = randomBytes(16).toString("hex");
    media.set(mediaId, { type: upload.type, bytes, at: now() });
    return { ...OK, body: { type: upload.type, media_id: mediaId, created_at: String(Math.floor(now() / 1000)) } };
  }

  return {
    /** Answers one upload step; undefined when `cmd` is not one. */
    step(cmd: string, body: unknown): Verdict | undefined {
      if (cmd === "aibot_upload_media_init") return init(body);
      if (cmd === "aibot_upload_media_chunk") return chunk(body);
      if (cmd === "aibot_upload_media_finish") return finish(body);
      return undefined;
    },
    /** Checks a pushed media message: its `media_id` must be an unexpired upload of that type. */
    checkSend(body: unknown): Verdict | undefined {
      const msgtype = field(body, "msgtype");
      if (typeof msgtype !== "string" || !TYPES.has(msgtype)) return undefined;
      const found = media.get(String(field(field(body, msgtype), "media_id")));
      if (!found || found.type !== msgtype || now() - found.at > MEDIA_LIFETIME_MS) return refuse(FAKE_ERRCODES.invalidMedia, "invalid media_id");
      return OK;
    },
    /** The bytes uploaded under `mediaId`. */
    bytes(mediaId: string): Buffer | undefined {
      return media.get(mediaId)?.bytes;
    },
  };
}

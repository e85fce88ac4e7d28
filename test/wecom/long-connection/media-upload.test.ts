import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ErrorCode, hasCode } from "../../../src/errors.js";
import { MEDIA_CHUNK_BYTES, uploadMedia, type UploadRequest } from "../../../src/wecom/long-connection/media-upload.js";

describe("media upload", () => {
  it("sends init, the 512 KB chunks in order, then finish, and resolves with the media_id", async () => {
    const bytes = Buffer.alloc(MEDIA_CHUNK_BYTES * 2 + 10, 7);
    const sent: { cmd: string; body: Record<string, unknown> }[] = [];
    const request: UploadRequest = async (cmd, body) => {
      sent.push({ cmd, body: body as Record<string, unknown> });
      const ackBody = cmd === "aibot_upload_media_init" ? { upload_id: "up-1" } : cmd === "aibot_upload_media_finish" ? { media_id: "media-1" } : undefined;
      return { reqId: `${cmd}-${sent.length}`, errcode: 0, errmsg: "", ...(ackBody && { body: ackBody }) };
    };
    await expect(uploadMedia(request, { type: "image", filename: "chart.png", bytes })).resolves.toBe("media-1");
    expect(sent.map((s) => s.cmd)).toStrictEqual(["aibot_upload_media_init", "aibot_upload_media_chunk", "aibot_upload_media_chunk", "aibot_upload_media_chunk", "aibot_upload_media_finish"]);
    expect(sent[0]!.body).toStrictEqual({ type: "image", filename: "chart.png", total_size: bytes.length, total_chunks: 3, md5: createHash("md5").update(bytes).digest("hex") });
    const chunks = sent.slice(1, 4).map((s) => s.body);
    expect(chunks.map((c) => [c.upload_id, c.chunk_index])).toStrictEqual([["up-1", 0], ["up-1", 1], ["up-1", 2]]);
    expect(Buffer.concat(chunks.map((c) => Buffer.from(c.base64_data as string, "base64")))).toStrictEqual(bytes);
    expect(sent[4]!.body).toStrictEqual({ upload_id: "up-1" });
  });

  it("fails as rejected when an ack lacks the upload_id or media_id it must carry", async () => {
    const request: UploadRequest = async (cmd) => ({ reqId: cmd, errcode: 0, errmsg: "", body: { upload_id: "" } });
    const error = await uploadMedia(request, { type: "image", filename: "a.png", bytes: Buffer.from("png") }).catch((e: unknown) => e);
    expect(hasCode(error, ErrorCode.WecomRejected)).toBe(true);
    expect(error).toMatchObject({ code: "rejected", message: "upload_id missing from the acknowledgement" });
  });
});

import { createHash } from "node:crypto";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { formatPush } from "../../../src/dev/render-chat.js";
import { formatImageBody } from "../../../src/push/enqueue.js";
import { startFakeWebhook, type FakeWebhookMessage } from "../../../src/wecom/simulator/fake-webhook.js";

const renderChatLine = (message: FakeWebhookMessage) => formatPush(message, "10:00", (u) => u);

describe("a picture on the wire", () => {
  const tiny = () => {
    const png = new PNG({ width: 3, height: 2 });
    png.data.fill(255);
    return PNG.sync.write(png);
  };

  it("is base64 of the PNG's bytes with their md5", () => {
    const bytes = tiny();
    const body = formatImageBody(bytes);
    expect(body.msgtype).toBe("image");
    expect(Buffer.from(body.image.base64, "base64").equals(bytes)).toBe(true);
    expect(body.image.md5).toBe(createHash("md5").update(bytes).digest("hex"));
  });

  it("is refused by the fake robot, like WeCom, when the md5, the base64, the size or the format is wrong", async () => {
    const fake = await startFakeWebhook({ keys: { k: "群" } });
    try {
      const send = async (body: unknown) => {
        const response = await fetch(`${fake.url}/cgi-bin/webhook/send?key=k`, { method: "POST", body: JSON.stringify(body) });
        return ((await response.json()) as { errcode: number }).errcode;
      };
      const good = formatImageBody(tiny());
      const big = Buffer.alloc(2 * 1024 * 1024 + 1, 1);
      expect(await send({ msgtype: "image", image: { ...good.image, md5: "0".repeat(32) } })).toBe(40035);
      expect(await send({ msgtype: "image", image: { ...good.image, base64: `${good.image.base64.slice(0, -4)}!!!!` } })).toBe(40035);
      expect(await send(formatImageBody(big))).toBe(40009);
      expect(await send(formatImageBody(Buffer.from("not a picture")))).toBe(40005);
      expect(fake.messages).toEqual([]);
      expect(await send(good)).toBe(0);
      expect(fake.messages[0]!.image).toMatchObject({ format: "png", width: 3, height: 2 });
      expect(renderChatLine(fake.messages[0]!)).toBe("10:00 平安助手（推送）：[图片 3×2，1 KB]");
    } finally {
      await fake.stop();
    }
  });
});

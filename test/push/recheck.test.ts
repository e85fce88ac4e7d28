import { describe, expect, it } from "vitest";
import type { PartJobData } from "../../src/push/push.js";
import { reviseBody } from "../../src/push/deliver.js";
import { formatCardBody } from "../../src/push/enqueue.js";

const card = formatCardBody({ id: "remind_safety", title: "平安日报", buttons: [{ text: "今日平安 ✅", key: "k", primary: true }] });
const cardPart: PartJobData = {
  idempotencyKey: "remind:safety:2026-11-24:09:00:principals",
  group: "principals",
  part: 1,
  parts: 2,
  body: card,
  recheck: { kind: "missing", scope: "safety:2026-11-24", lines: [{ text: "", subjects: ["DB001", "XB001"] }] },
};
const settledAre = (codes: string[]) => async () => new Set(codes);

describe("a reminder's card at delivery", () => {
  it("goes whole while any school its reminder names is still missing", async () => {
    expect(await reviseBody(cardPart, settledAre([]))).toEqual(card);
    expect(await reviseBody(cardPart, settledAre(["DB001"]))).toEqual(card);
  });

  it("is not sent once every one of them has reported", async () => {
    expect(await reviseBody(cardPart, settledAre(["DB001", "XB001"]))).toBeUndefined();
  });
});

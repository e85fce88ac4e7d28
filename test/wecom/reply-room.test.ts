import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.js";
import { createReplyRoom, ROOM_KNOWN_MS, ROOMY_PLACES } from "../../src/wecom/long-connection-receiver.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";

describe("what the holder knows of a conversation's window", () => {
  it("lets a reply go first only while the conversation was known lately to have plenty of places, counting each", () => {
    let now = 0;
    const room = createReplyRoom({ now: () => now });
    expect(room.goFirst("wr_a")).toBe(false);
    room.learn("wr_a", ROOMY_PLACES + 2);
    expect(room.goFirst("wr_a")).toBe(true);
    expect(room.goFirst("wr_a")).toBe(true);
    // The two that went first used the margin up: the next takes its place first.
    expect(room.goFirst("wr_a")).toBe(false);
    room.learn("wr_a", 25);
    now += ROOM_KNOWN_MS;
    expect(room.goFirst("wr_a")).toBe(false);
    expect(room.goFirst("wr_b")).toBe(false);
  });
});

describe("replies that go first", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-24T09:00:00+08:00", transport: "websocket", botRate: 30 });
  });
  afterAll(() => h.close());

  /**
   * The first reply in a conversation takes its place before it goes out; the next ones, with
   * plenty left, go out first and take it right after: each still has its place in the window
   * the pushes count, at the time it went out.
   */
  it("still take their places in the conversation's window", async () => {
    const places = () => h.client.zcard(createKeys().pushWindow("bot:wr_room"));
    const users = ["zhang_wei", "wang_fang", "liu_yang", "chen_jing"];
    for (const [i, userid] of users.entries()) {
      await askOverLongConnection(h.longConnection!, { userid, text: "平安", chatid: "wr_room", msgid: `room-${i}` });
      await waitFor(`reply ${i + 1}'s place`, async () => (await places()) === i + 1);
    }
    const [seconds] = await h.client.time();
    const scores = (await h.client.zrange(createKeys().pushWindow("bot:wr_room"), "0", "-1", "WITHSCORES")).filter((_, i) => i % 2 === 1).map(Number);
    for (const score of scores) expect(score).toBeLessThanOrEqual(Number(seconds) * 1000 + 1000);
  });
});

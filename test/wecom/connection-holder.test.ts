import { afterAll, beforeAll, expect, it } from "vitest";
import type { FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { HARNESS_CHATID, startHarness, type Harness } from "../support/harness.js";
import { waitFor } from "../support/wait-for.js";

const LEASE_TTL_MS = 3_000;

let h: Harness;
let fake: FakeLongConnection;
let stoppedPid: number | undefined;
beforeAll(async () => {
  h = await startHarness({
    now: "2026-11-24T09:00:00+08:00",
    transport: "websocket",
    connectionTuning: { leaseTtlMs: LEASE_TTL_MS, renewMs: 300, client: { backoff: { minMs: 20, maxMs: 200 } } },
  });
  fake = h.longConnection!;
});
afterAll(async () => {
  if (stoppedPid !== undefined) process.kill(stoppedPid, "SIGCONT");
  await h?.close();
});

const live = () => fake.subscriptions().find((sub) => sub.closedAt === undefined);

async function redisPid(): Promise<number> {
  return Number(/process_id:(\d+)/.exec(await h.client.info("server"))![1]);
}

/**
 * Redis hangs (SIGSTOP): the holder can no longer renew its lease, and another process could
 * take it once it expires there. The holder closes its connection before that, rather than
 * keep a subscription it no longer knows it may hold; and takes the bot back once Redis answers.
 */
it("closes the connection when its lease cannot be confirmed in time, and takes the bot back after", { timeout: 90_000 }, async () => {
  const before = live();
  expect(before).toBeDefined();
  stoppedPid = await redisPid();
  process.kill(stoppedPid, "SIGSTOP");
  try {
    await waitFor("the holder to close its connection", () => live() === undefined, { timeoutMs: 30_000 });
    expect(fake.subscriptions().find((sub) => sub.openedAt === before!.openedAt)?.endedBy).toBe("closed");
  } finally {
    process.kill(stoppedPid, "SIGCONT");
    stoppedPid = undefined;
  }
  await waitFor("a subscription again", () => live() !== undefined, { timeoutMs: 30_000 });
  const { reply } = await askOverLongConnection(fake, { userid: "zhang_wei", text: "平安", chatid: HARNESS_CHATID, msgid: "after-redis-hung" });
  expect((reply.body as { stream: { content: string } }).stream.content).toContain("平安县城关第一小学");
});

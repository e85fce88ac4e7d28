import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createLongConnection } from "../../src/wecom/long-connection.js";
import type { FakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { askOverLongConnection } from "../support/ask-long-connection.js";
import { HARNESS_CHATID, startHarness, type Harness } from "../support/harness.js";
import { TEST_BOT } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

/** The wait after a kick is the product's 5 minutes. */
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
it("closes the connection when its lease cannot be confirmed in time, and takes the bot back after", async () => {
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

/**
 * Another connection subscribes the bot while this process's lease is valid: a process of the
 * same deployment that lost the lease while paused and subscribed late (the lease says so). The
 * holder takes the bot back at its next renewal, not after the 5 minutes it waits for another
 * deployment of the same bot.
 */
it("takes the bot back within seconds when kicked while its lease is still valid", async () => {
  const before = fake.subscriptions().length;
  const late = createLongConnection({ url: fake.url, ...TEST_BOT, log: pino({ level: "silent" }) });
  late.start();
  try {
    await waitFor("the late subscriber to kick the holder and be kicked back", () => late.state === "stepped_down" && live() !== undefined, { timeoutMs: 30_000 });
  } finally {
    await late.stop();
  }
  expect(fake.subscriptions().slice(before - 1).map((sub) => sub.endedBy ?? "live")).toEqual(["kicked", "kicked", "live"]);
  const { reply } = await askOverLongConnection(fake, { userid: "wang_fang", text: "平安", chatid: HARNESS_CHATID, msgid: "after-a-late-kick" });
  expect((reply.body as { stream: { content: string } }).stream.content).toContain("平安县城关第二小学");
});

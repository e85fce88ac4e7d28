import type { FakeLongConnection, FakeReceivedFrame, FakeTextInput } from "../../src/wecom/simulator/fake-long-connection.js";

/** What one message came to over the long connection. */
export interface Asked {
  /** The first reply WeCom accepted for the message. */
  reply: FakeReceivedFrame;
  /** Every req_id the message was delivered on (more than one when a connection ended unanswered). */
  reqIds: string[];
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * A user's message over the fake long connection, delivered until it is answered. A message
 * delivered to a connection that then ends (its holder killed, its lease lost) may never be
 * answered there; after `graceMs` without an answer on any earlier req_id it is delivered
 * again, same msgid, on the next live subscription, as WeCom's retry or the user's own would.
 */
export async function askOverLongConnection(
  fake: FakeLongConnection,
  input: FakeTextInput & { msgid: string },
  { timeoutMs = 30_000, graceMs = 3_000 }: { timeoutMs?: number; graceMs?: number } = {},
): Promise<Asked> {
  const deadline = Date.now() + timeoutMs;
  const reqIds: string[] = [];
  const answered = () => reqIds.flatMap((reqId) => fake.responses(reqId)).find((frame) => frame.ack?.errcode === 0);
  const live = () => fake.subscriptions().find((sub) => sub.closedAt === undefined);
  while (Date.now() < deadline) {
    const sub = live();
    if (!sub) {
      await sleep(20);
      continue;
    }
    try {
      reqIds.push(fake.sendText(input));
    } catch {
      continue; // The subscription ended between the look and the send.
    }
    let endedAt: number | undefined;
    while (Date.now() < deadline) {
      const reply = answered();
      if (reply) return { reply, reqIds };
      const now = Date.now();
      const ended = fake.subscriptions().find((s) => s.connection === sub.connection && s.openedAt === sub.openedAt)?.closedAt !== undefined;
      if (ended) endedAt ??= now;
      if (endedAt !== undefined && now - endedAt >= graceMs) break;
      await sleep(20);
    }
  }
  throw new Error(`no answer to ${input.msgid} within ${timeoutMs} ms (delivered on ${reqIds.length} req_ids)`);
}

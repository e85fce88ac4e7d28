import type { Queue } from "bullmq";
import type { Config } from "../config/schema.js";
import type { PartState } from "./part-state.js";
import { formatPushJobId, type Push, type PushJobData } from "./push.js";
import { splitMessage } from "./split-message.js";

/**
 * Queues a push (from the web process or a job): splits the message by WeCom's byte limits and
 * adds one job per part under a stable id, so a push enqueued twice is queued once, and one
 * already delivered is not queued again.
 */
export function createEnqueue({ queue, groups, parts }: { queue: Queue<PushJobData>; groups: Config["groups"]; parts: PartState }) {
  return async function enqueue(push: Push): Promise<void> {
    if (!groups[push.group]) throw new Error(`push to unknown group "${push.group}"`);
    if (push.idempotencyKey === "") throw new Error("a push needs an idempotency key");
    if (await parts.isDone(push.idempotencyKey)) return;
    const bodies = splitMessage(push.message);
    if (bodies.length === 0) return;
    await queue.addBulk(
      bodies.map((body, part) => ({
        name: "push",
        data: { idempotencyKey: push.idempotencyKey, group: push.group, part, parts: bodies.length, body },
        opts: { jobId: formatPushJobId(push.idempotencyKey, part) },
      })),
    );
  };
}

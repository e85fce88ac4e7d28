import type { Queue } from "bullmq";
import type { Config } from "../config/schema.js";
import type { PartState } from "./part-state.js";
import type { DeliveryLog } from "./delivery-log.js";
import { formatPushJobId, type PartJobData, type PushJobData } from "./push.js";
import type { EnqueueOptions, Push } from "../message/push.js";
import { formatCardBody, formatImageBody, formatPart, splitMessageParts, type PartBody } from "./split-message.js";
import { alertBodies } from "./mailbox.js";

/**
 * Queues a push (from the web process or a job): splits the message by WeCom's byte limits and
 * adds one job per part under a stable id, so a push enqueued twice is queued once, and one
 * already delivered is not queued again. A push's card and image are its last parts, so they follow the text.
 */
export function createEnqueue({
  queue,
  groups,
  parts,
  mailbox,
  deliveries,
}: {
  queue: Queue<PushJobData>;
  groups: Config["groups"];
  parts: PartState;
  /** Where alerts go instead (pushes with `about`): see mailbox.ts. */
  mailbox: { add(push: Push): Promise<void> };
  deliveries: DeliveryLog;
}) {
  return async function enqueue(push: Push, { delayMs = 0 }: EnqueueOptions = {}): Promise<void> {
    if (!groups[push.group]) throw new Error(`push to unknown group "${push.group}"`);
    if (push.idempotencyKey === "") throw new Error("a push needs an idempotency key");
    if (push.card && groups[push.group]?.via !== "bot") throw new Error(`group "${push.group}" cannot show a card: its robot sends no cards`);
    if (push.about) {
      if (push.image) throw new Error("an alert cannot carry an image");
      if (push.card && (push.whole !== true || push.message.lines.length > 0)) throw new Error("an alert's card goes alone, as a whole alert of no lines");
      if (delayMs > 0) throw new Error("an alert cannot be held");
      await mailbox.add(push);
      // An alert goes out as one message (alone, or merged with others): one entry.
      return deliveries.queued(push, alertBodies(push).slice(0, 1));
    }
    if (await parts.isDone(push.idempotencyKey)) return;
    const split = splitMessageParts(push.message);
    const bodies: { body: PartBody; recheck?: PartJobData["recheck"] }[] = split.map(({ header, lines }) => ({
      body: formatPart(push.message.msgtype, { ...(header !== undefined && { header }), lines }),
      // What the worker needs to leave out the lines that went stale while the part waited.
      ...(push.recheck && { recheck: { ...push.recheck, ...(header !== undefined && { header }), lines } }),
    }));
    if (push.card) {
      // One line naming every school of the message: the card goes while any of them is still missing.
      const subjects = [...new Set(push.message.lines.flatMap((line) => line.subjects ?? []))];
      bodies.push({ body: formatCardBody(push.card), ...(push.recheck && { recheck: { ...push.recheck, lines: [{ text: "", subjects }] } }) });
    }
    if (push.image) bodies.push({ body: formatImageBody(push.image.png) });
    if (bodies.length === 0) return;
    await deliveries.queued(push, bodies.map(({ body }) => body));
    await queue.addBulk(
      bodies.map(({ body, recheck }, part) => ({
        name: "push",
        data: { idempotencyKey: push.idempotencyKey, group: push.group, part, parts: bodies.length, body, ...(recheck && { recheck }) },
        opts: { jobId: formatPushJobId(push.idempotencyKey, part), ...(delayMs > 0 && { delay: delayMs }) },
      })),
    );
  };
}

import type { PushLine, PushRecheck } from "../message/push.js";
import type { PartBody } from "./split-message.js";

/** A job of the push queue: one part of a push, or a turn at a group's alert mailbox. */
export type PushJobData = PartJobData | DrainJobData;

/** Drain the alert mailbox of a group. */
export interface DrainJobData {
  kind: "drain";
  group: string;
}

/** One part of a push, already rendered. Jobs queued before `kind` existed are parts too. */
export interface PartJobData {
  kind?: "part";
  idempotencyKey: string;
  group: string;
  /** 0-based. */
  part: number;
  parts: number;
  body: PartBody;
  /** For a push with `recheck`: the check and this part's header and lines, to re-render at delivery. */
  recheck?: PushRecheck & { header?: string; lines: PushLine[] };
}

/** A job id per part; BullMQ ids may not contain ':' (idempotency keys often do). */
export function formatPushJobId(idempotencyKey: string, part: number): string {
  return `${idempotencyKey.replaceAll("%", "%25").replaceAll(":", "%3A")}#${part}`;
}

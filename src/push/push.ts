import type { PushLine, PushRecheck } from "../message/push.js";
import type { PushResult } from "./push-status.js";
import type { PartBody } from "./split-message.js";

/** Which of `subjects` are settled for `recheck` (given to the worker by the composition root). */
export type SettledCheck = (recheck: PushRecheck, subjects: readonly string[]) => Promise<ReadonlySet<string>>;

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

/** Counters for /metrics, if the caller keeps them. */
export interface PushMetrics {
  observePush(event: { group: string; outcome: PushResult["outcome"]; errcode?: number }): void;
  /** An alert delivered, `seconds` after the report that caused it. */
  observeAlertDelivered?(seconds: number): void;
}

/** A job id per part; BullMQ ids may not contain ':' (idempotency keys often do). */
export function formatPushJobId(idempotencyKey: string, part: number): string {
  return `${idempotencyKey.replaceAll("%", "%25").replaceAll(":", "%3A")}#${part}`;
}

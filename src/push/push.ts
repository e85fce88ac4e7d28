import type { PushResult } from "./push-status.js";
import type { PushMessage, WebhookBody } from "./split-message.js";

/** One logical push: a message for one group, sent once however often it is enqueued. */
export interface Push {
  /** Names the push for deduplication, e.g. `remind:safety:2026-11-20:09:30`. Same key, same message. */
  idempotencyKey: string;
  /** Group id, a key of `config.groups`. */
  group: string;
  message: PushMessage;
}

/** The data of one job: one part of a push, already rendered. */
export interface PushJobData {
  idempotencyKey: string;
  group: string;
  /** 0-based. */
  part: number;
  parts: number;
  body: WebhookBody;
}

/** Counters for /metrics, if the caller keeps them. */
export interface PushMetrics {
  observePush(event: { group: string; outcome: PushResult["outcome"]; errcode?: number }): void;
}

/** A job id per part; BullMQ ids may not contain ':' (idempotency keys often do). */
export function formatPushJobId(idempotencyKey: string, part: number): string {
  return `${idempotencyKey.replaceAll("%", "%25").replaceAll(":", "%3A")}#${part}`;
}

import type { BotCard } from "../bot/events.js";
import type { TaskId } from "../config/schema.js";
import type { PushResult } from "./push-status.js";
import type { PartBody, PushLine, PushMessage } from "./split-message.js";

/** One logical push: a message for one group, sent once however often it is enqueued. */
export interface Push {
  /** Names the push for deduplication, e.g. `remind:safety:2026-11-20:09:30`. Same key, same message. */
  idempotencyKey: string;
  /** Group id, a key of `config.groups`. */
  group: string;
  message: PushMessage;
  /**
   * Set on alerts: the school and period whose status the push reports. Such pushes go to the
   * group's mailbox, out in the order of their events, and merged into one message that gives
   * each school's current status when they queue up behind the rate limit.
   */
  about?: PushAbout;
  /**
   * Set on alerts that go out as written, one message each, never merged (an incident's
   * follow-ups and escalations): in their place among the group's alerts, tried until they go out.
   */
  whole?: boolean;
  /** ISO time of the event that caused the push (an alert's report): the delivery log measures its latency from here. */
  causedAt?: string;
  /**
   * Set on pushes whose lines may go stale while they wait (reminders): at delivery, lines whose
   * `subjects` are all settled by then are left out, and a part with no line left is not sent.
   */
  recheck?: PushRecheck;
  /**
   * A picture sent right after the message, as the push's last part: in order, once, within
   * the group's rate window like any part. Not for alerts (`about`).
   */
  image?: PushImage;
  /**
   * A card with buttons sent right after the message (before any image), for a group reached
   * through the smart bot (`via: bot`); group robots cannot send one. With `recheck`, it is
   * not sent once every school its message names is settled. On an alert (`whole`, no lines),
   * the card is the message: in its place in the group's mailbox.
   */
  card?: BotCard;
}

/** How a push is queued. */
export interface EnqueueOptions {
  /** Hold it this long before it may go out (a 提醒 outside the working hours); not for alerts. */
  delayMs?: number;
}

/** A picture of a push; its webhook body (base64 and md5) is made when it is queued. */
export interface PushImage {
  png: Buffer;
  /** What it shows, for logs and dry runs, e.g. "本周上报情况图". */
  title: string;
}

/** What the worker asks, at delivery, to learn which subjects of a push's lines are settled. */
export interface PushRecheck {
  /** Names the check, e.g. `missing` (schools that have reported or are exempt since). */
  kind: string;
  /** What the check needs besides the subjects, e.g. `safety:2026-11-24`. */
  scope: string;
}

/** Which of `subjects` are settled for `recheck` (given to the worker by the composition root). */
export type SettledCheck = (recheck: PushRecheck, subjects: readonly string[]) => Promise<ReadonlySet<string>>;

/** Whose status an alert reports, and the message that caused it. */
export interface PushAbout {
  school: string;
  task: TaskId;
  period: string;
  msgid: string;
}

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

import type { TaskId } from "../config/schema.js";
import type { BotCard } from "./card.js";

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
  /** Answer roughly the ms until it has gone out, given its group's rate window (a 提醒's reply says when); not for alerts. */
  estimate?: boolean;
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

/** Which of `subjects` are settled for `recheck` (given to the push worker by the composition root: store/reminder-recheck.ts createReminderRecheck). */
export type SettledCheck = (recheck: PushRecheck, subjects: readonly string[]) => Promise<ReadonlySet<string>>;

/** Whose status an alert reports, and the message that caused it. */
export interface PushAbout {
  school: string;
  task: TaskId;
  period: string;
  msgid: string;
}

/** One line of a push. */
export interface PushLine {
  /** The line's text, without a trailing newline. */
  text: string;
  /**
   * WeCom userids this line @-mentions. For `text` they go to the part's `mentioned_list`;
   * for `markdown` they are appended inline as `<@userid>` unless the text already has them.
   * `@all` is always dropped.
   */
  mentions?: readonly string[];
  /**
   * What the line is about (e.g. the school codes it names), for a push re-checked at delivery
   * (Push.recheck): the line is left out once every one of them is settled.
   */
  subjects?: readonly string[];
}

/** A logical message for a group robot, before splitting. */
export interface PushMessage {
  msgtype: "text" | "markdown";
  /** Repeated at the top of every part; with several parts it gets a `（1/3）`/`（续 2/3）` marker. */
  header?: string;
  lines: readonly PushLine[];
}

import { randomUUID } from "node:crypto";
import { UnrecoverableError, type Job, type Queue } from "bullmq";
import type { Logger } from "pino";
import type { Config } from "../config/schema.js";
import { formatPushJobId, formatPart } from "./enqueue.js";
import type { RedisClient } from "../store/connect-redis.js";
import { TTL, type Keys } from "../store/keys.js";
import { releaseLease } from "../store/release-lease.js";
import { loadScript, namedInOrder } from "../store/scripts.js";
import { delayJob } from "./delay-job.js";
import type { SettledCheck } from "../message/push.js";
import type { PartJobData, PushJobData, PartBody, ImageBody, WebhookBody } from "./push.js";
import { pushTargetOf, type TargetLimiter, type PushTarget } from "./rate-window.js";
import { type DeliveryWay, deliveryId, type DeliveryLog, digestOf, type PushResult, type RecordPushResult } from "./delivery-log.js";

// How one part job is delivered: its body re-checked, its request timed out and leased, sent
// through the group's robot or the smart bot, and what it came to recorded (delivery-log.ts).

export interface DeliverOptions {
  queue: Queue<PushJobData>;
  groups: Config["groups"];
  parts: PartState;
  limiter: TargetLimiter;
  /** Stores a result of a push to a group, stamped with the time it happened; `lost` names a push that will not go out. */
  record: RecordPushResult;
  send: GroupSend;
  log: Pick<Logger, "debug" | "info" | "warn" | "error">;
  deliveries: DeliveryLog;
  /** The first request's timeout; see requestTimeoutAfter for the next ones. */
  requestTimeoutMs: number;
  /** Told each part delivered to a group while alerts are owed: the group can be reached again (its owed alerts go). */
  onDelivered?: (group: string) => Promise<unknown>;
  /** How often a part re-checks whether the part before it has gone out. */
  orderPollMs: number;
  /** For parts of pushes with `recheck`: which of their subjects are settled (see reviseBody). */
  settled?: SettledCheck;
}

/**
 * The worker's side: delivers one part to the group (its robot webhook, or the smart bot), after the part before it,
 * within WeCom's rate limit, once (see PartState). The one gap is a crash (or lost answer)
 * between WeCom accepting the message and the `sent` mark: the webhook has no idempotency of
 * its own, so the part is sent again after the lease runs out. That is at-least-once, chosen
 * over losing a message.
 */
const EARLIER_PART = "earlier part";

export function createDeliver(options: DeliverOptions) {
  const { queue, groups, parts, limiter, record, log, deliveries } = options;

  /** A part that will not go out; the push counts as lost once, at the part that failed first. */
  const fail = async (data: PartJobData, why: string, result: Omit<PushResult, "at" | "outcome"> & { way?: DeliveryWay }): Promise<never> => {
    await parts.markFailed(data, why);
    await deliveries.attempted(deliveryId(data.idempotencyKey, data.part), { outcome: "failed", ...result });
    const lost = why === EARLIER_PART ? undefined : data.idempotencyKey;
    await record(data.group, { outcome: "failed", ...result }, { lost });
    throw new UnrecoverableError(result.reason ?? why);
  };

  /**
   * A part found sent whose entry still waits: its sender died between the mark and the log.
   * Logged now, or an alert would stay owed and be reported as not delivered. What it said is
   * what it says now (`undefined`: everything was settled, so it went out as nothing).
   */
  const logSentUnlogged = async (id: string, body: PartBody | undefined): Promise<void> => {
    const entry = await deliveries.read(id);
    if (entry === undefined || (entry.outcome !== "queued" && entry.outcome !== "retrying")) return;
    await deliveries.attempted(id, body ? { outcome: "sent", digest: digestOf(body) } : { outcome: "settled" }, { entry });
  };

  /** Whether the part before this one is out of the way: sent, failed, or gone. */
  const checkPrevious = async (data: PartJobData): Promise<"go" | "wait" | "failed"> => {
    if (data.part === 0) return "go";
    const state = await parts.previous(data);
    if (state !== "unknown") return state === "sent" ? "go" : "failed";
    const previous = await queue.getJob(formatPushJobId(data.idempotencyKey, data.part - 1));
    if (!previous) return "go";
    const jobState = await previous.getState();
    if (jobState === "failed") return "failed";
    if (jobState === "completed" || jobState === "unknown") return "go";
    return "wait";
  };

  return async function deliver(job: Job<PartJobData>, token?: string): Promise<string> {
    const data = job.data;
    const group = groups[data.group];
    const where = { group: group?.name ?? data.group, groupId: data.group, idempotencyKey: data.idempotencyKey, part: `${data.part + 1}/${data.parts}` };
    if (!group) {
      log.error(where, "push failed: the group is not in the config");
      return fail(data, "unknown group", { reason: "unknown group" });
    }
    const id = deliveryId(data.idempotencyKey, data.part);
    // Whether it went out already, the claim below answers: a part is sent only after the one
    // before it, which is asked beside the part's timeouts so far (a read wasted when it must wait).
    const [timeouts, previous] = await Promise.all([deliveries.timeouts(id), checkPrevious(data)]);
    if (previous === "wait") return delayJob(job, token, options.orderPollMs);
    if (previous === "failed") {
      const reason = "an earlier part of this push was not delivered";
      log.error(where, `push failed: ${reason}`);
      return fail(data, EARLIER_PART, { reason });
    }

    // A request that timed out may have been delivered late: the next one waits longer, so a hang costs one copy at most.
    const timeoutMs = requestTimeoutAfter(options.requestTimeoutMs, timeouts);
    const claim = randomUUID();
    // Read beside the claim, right before the send: a part that waited for the window says only
    // what is still true (a read, wasted only when the part is not ours to send).
    const [claimed, body] = await Promise.all([parts.claim(data, claim, leaseFor(timeoutMs)), reviseBody(data, options.settled)]);
    if (claimed.state === "sent") {
      await Promise.all([parts.markSent(data), logSentUnlogged(id, body)]);
      return "already sent";
    }
    if (claimed.state === "leased") {
      log.debug({ ...where, waitMs: claimed.waitMs }, "push waits for another sender's lease");
      return delayJob(job, token, claimed.waitMs);
    }

    if (!body) {
      await parts.markSent(data);
      await deliveries.attempted(id, { outcome: "settled" });
      log.info(where, "push part not sent: everything it said was settled meanwhile");
      return "settled";
    }

    const target = pushTargetOf(group);
    const slot = randomUUID();
    // The part's entry, read under the lease beside the slot, is not read again to log the attempt.
    const [wait, entry] = await Promise.all([limiter.reserve(target, slot), deliveries.read(id)]);
    if (wait > 0) {
      await parts.release(data, claim);
      log.debug({ ...where, waitMs: wait }, "push waits for the rate limit");
      return delayJob(job, token, wait);
    }

    const result = await options.send(target, body, timeoutMs);
    if (result.outcome === "wait") {
      // Nothing went out: the part waits in Redis, however long the bot stays disconnected.
      await limiter.release(target, slot);
      await parts.release(data, claim);
      log.info({ ...where, reason: result.reason }, "push waits for the long connection");
      return delayJob(job, token, result.waitMs ?? BOT_WAIT_MS);
    }
    // Unsettled, the slot just counts a little longer than needed.
    const settled = limiter.settle(target, slot).catch((error: unknown) => log.warn({ ...where, err: error }, "rate slot not settled"));
    await Promise.all([result.outcome === "ok" && parts.markSent(data), settled]);
    const { way } = result;
    if (result.outcome === "ok") {
      const [logged] = await Promise.all([deliveries.attempted(id, { outcome: "sent", way, digest: result.digest }, { entry }), record(data.group, { outcome: "sent" })]);
      // The write that logged the part read whether any alert is owed at all: mostly none is.
      if (logged.owed !== 0) await options.onDelivered?.(data.group);
      log.info({ ...where, way }, "push delivered");
      return "sent";
    }
    const { reason, errcode } = result;
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (result.outcome === "retry" && !lastAttempt) {
      await parts.release(data, claim);
      await deliveries.attempted(id, { outcome: "retrying", way, errcode, reason, digest: result.digest, ...(result.timedOut && { timedOut: true }) }, { entry });
      await record(data.group, { outcome: "retry", errcode, reason });
      log.warn({ ...where, errcode, reason, way, attempt: job.attemptsMade + 1 }, "push will be retried");
      throw new Error(reason);
    }
    log.error({ ...where, errcode, reason, way }, "push failed");
    return fail(data, errcode === undefined ? "error" : String(errcode), { errcode, reason, way });
  };
}

/** The longest a request to WeCom may take, however many timed out before it. */
export const MAX_REQUEST_TIMEOUT_MS = 5 * 60_000;

/** How much longer a lease lasts than the request it covers: the bookkeeping around the send. */
const LEASE_MARGIN_MS = 15_000;

/**
 * The timeout of the next request for a message after `timeouts` of them timed out: doubled
 * each time, up to MAX_REQUEST_TIMEOUT_MS. A request that timed out may still be delivered
 * (WeCom hanging 40 s answers, and delivers, after a 35 s timeout): retried with the same
 * timeout while the hang lasts, each try delivered one more copy (3 reminders became 9). Waited
 * out the second time, a hang costs one copy at most.
 */
export function requestTimeoutAfter(firstMs: number, timeouts: number): number {
  return Math.min(firstMs * 2 ** timeouts, Math.max(firstMs, MAX_REQUEST_TIMEOUT_MS));
}

/** How long a sender keeps others off a message while its request of `timeoutMs` runs. */
export function leaseFor(timeoutMs: number): number {
  return timeoutMs + LEASE_MARGIN_MS;
}

// The state of each part of a push, which the deliverer keeps (enqueueing only reads the done
// marker it leaves: enqueue.ts isPushDone).

const SENT = "sent";
const SENDING = "sending:";
const FAILED = "failed:";

/** Claims a part for sending unless it was sent or someone else is sending it right now. */
const claimScript = loadScript("push-part-claim", {
  keys: namedInOrder("part"),
  args: namedInOrder("claim", "ms"),
});

/** The outcome of a claim: ours to send, already sent, or leased by another sender for `waitMs`. */
export type Claim = { state: "claimed" } | { state: "sent" } | { state: "leased"; waitMs: number };

/** Which part of which push. */
export interface PartRef {
  idempotencyKey: string;
  part: number;
  parts: number;
}

/**
 * The state machine of one message part: absent → `sending:<claim>` (a lease) → `sent` or
 * `failed:<why>`. A retried or duplicated job that finds `sent` does not call WeCom again, and
 * one that finds a live lease waits for it.
 */
export interface PartState {
  /** Whether the part before this one is out of the way: sent, failed, or never recorded. */
  previous(ref: PartRef): Promise<"sent" | "failed" | "unknown">;
  claim(ref: PartRef, claim: string, leaseMs: number): Promise<Claim>;
  release(ref: PartRef, claim: string): Promise<void>;
  /** Marks the part sent, and the whole push done after its last part. */
  markSent(ref: PartRef): Promise<void>;
  markFailed(ref: PartRef, why: string): Promise<void>;
}

export function createPartState({ redis, keys }: { redis: RedisClient; keys: Keys }): PartState {
  const key = (ref: PartRef) => keys.pushPart(ref.idempotencyKey, ref.part);
  return {
    async previous(ref) {
      const state = await redis.get(keys.pushPart(ref.idempotencyKey, ref.part - 1));
      if (state === SENT) return "sent";
      return state?.startsWith(FAILED) ? "failed" : "unknown";
    },
    async claim(ref, claim, leaseMs) {
      const [state, pttl] = (await claimScript(redis, { part: key(ref) }, { claim, ms: leaseMs })) as [string, number];
      if (state === SENT) return { state: "sent" };
      if (state.startsWith(SENDING)) return { state: "leased", waitMs: Math.max(Number(pttl), 10) };
      return { state: "claimed" };
    },
    async release(ref, claim) {
      await releaseLease(redis, { lease: key(ref) }, { value: SENDING + claim });
    },
    async markSent(ref) {
      const tx = redis.multi().set(key(ref), SENT, "EX", TTL.pushDoneSeconds);
      if (ref.part === ref.parts - 1) tx.set(keys.pushDone(ref.idempotencyKey), "1", "EX", TTL.pushDoneSeconds);
      await tx.exec();
    },
    async markFailed(ref, why) {
      await redis.set(key(ref), FAILED + why, "EX", TTL.pushDoneSeconds);
    },
  };
}

/**
 * The body a part says at delivery. A part of a push with `recheck` leaves out the lines whose
 * subjects are all settled by now (a school that reported while its reminder waited for the
 * rate window) and is not sent at all (undefined) when no line is left; a card is sent whole
 * unless nothing it was sent for holds; any other part says what it was given.
 */
export async function reviseBody(data: PartJobData, settled: SettledCheck | undefined): Promise<PartBody | undefined> {
  const { recheck } = data;
  if (!recheck || !settled || data.body.msgtype === "image") return data.body;
  const subjects = [...new Set(recheck.lines.flatMap((line) => line.subjects ?? []))];
  if (subjects.length === 0) return data.body;
  const done = await settled(recheck, subjects);
  const kept = recheck.lines.filter((line) => !line.subjects?.length || line.subjects.some((subject) => !done.has(subject)));
  if (kept.length === recheck.lines.length) return data.body;
  if (kept.length === 0) return undefined;
  // A card has no lines to leave out: it goes whole while anything it was sent for holds.
  if (data.body.msgtype === "template_card") return data.body;
  return formatPart(data.body.msgtype, { ...(recheck.header !== undefined && { header: recheck.header }), lines: kept });
}

/** A body the smart bot can push to a chat itself (`aibot_send_msg`): markdown, a template card, or a picture (uploaded first). */
export type BotPushBody =
  | { msgtype: "markdown"; markdown: { content: string } }
  | { msgtype: "template_card"; template_card: { card_type: string; task_id?: string } }
  | ImageBody;

/**
 * Pushes one body to a chat through the process holding the long connection. `wait`: no live
 * connection, nothing was sent; the caller tries again later without counting an attempt.
 */
export type SendViaBot = (chatid: string, body: BotPushBody) => Promise<WebhookResult | SendWait>;

/** Nothing went out; try again after `waitMs` (BOT_WAIT_MS when not given), without counting an attempt. */
export type SendWait = { outcome: "wait"; reason: string; waitMs?: number };

/** What sending one part came to; `wait` only for the bot (see SendViaBot). */
export type GroupSendResult = WebhookResult | SendWait;

export interface GroupSendOptions {
  apiBase: string;
  fetch: typeof globalThis.fetch;
  requestTimeoutMs: number;
  /** Set when the bot is on the long connection (groups `via: bot`). */
  viaBot?: SendViaBot;
  /** The rate windows: a send by a group's second way out takes a slot in its robot's window like any webhook send. */
  limiter?: Pick<TargetLimiter, "reserve" | "settle">;
}

/** How long the bot's holder has to wait before a push is tried again while it is disconnected. */
export const BOT_WAIT_MS = 5_000;

/** A text part for the bot: markdown has no mentioned_list, so its mentions go inline as `<@userid>`. */
export function toBotPushBody(body: WebhookBody): BotPushBody {
  if (body.msgtype === "markdown") return body;
  const mentions = (body.text.mentioned_list ?? []).filter((userid) => userid !== "@all");
  const content = mentions.length > 0 ? `${body.text.content}\n${mentions.map((userid) => `<@${userid}>`).join(" ")}` : body.text.content;
  return { msgtype: "markdown", markdown: { content } };
}

/**
 * What sending one part came to, which way it went (or was last tried), and the digest of the
 * body as it went on the wire (the bot's carries its mentions inline): what the delivery log keeps.
 */
export type GroupSendOutcome = GroupSendResult & { way: DeliveryWay; digest: string };

/** Whether a text part @-mentions someone: a push over the long connection may not be able to (wecom-protocol.md). */
function mentions(body: PartBody | BotPushBody): boolean {
  return body.msgtype === "text" && (body.text.mentioned_list ?? []).length > 0;
}

/**
 * Whether the long connection refused a push for sure, so that the webhook may take it without
 * a copy: not connected (nothing went out), or WeCom answered an errcode (a quiet conversation,
 * the daily cap, the rate limit, an invalid chat). A lost connection or a missing ack may have
 * delivered it: those are tried again the same way.
 */
function refusedForSure(result: GroupSendResult): boolean {
  return result.outcome === "wait" || (result.outcome !== "ok" && result.errcode !== undefined);
}

/**
 * The one place a part leaves for its group: the group robot's webhook, or the smart bot. A
 * group reached through the bot that also names a webhook key (`fallbackKey`) sends by that
 * webhook what the bot refused, and what @-mentions someone: one way per attempt, never both.
 */
export function createGroupSend(options: GroupSendOptions) {
  const webhook = (key: string, body: PartBody | BotPushBody, timeoutMs: number): Promise<GroupSendResult> => {
    if (body.msgtype === "template_card") return Promise.resolve({ outcome: "permanent", reason: "group robots send no interactive cards" });
    return sendWebhook({ apiBase: options.apiBase, key, body, fetch: options.fetch, timeoutMs });
  };
  /** The second way out, within the robot's own window (the caller reserved the bot's); a full window sends nothing yet. */
  const fallback = async (key: string, body: PartBody | BotPushBody, timeoutMs: number): Promise<GroupSendOutcome> => {
    const robot = { via: "webhook", key } as const;
    const slot = randomUUID();
    const waitMs = (await options.limiter?.reserve(robot, slot)) ?? 0;
    if (waitMs > 0) return { outcome: "wait", reason: "the robot's rate window is full", waitMs, way: "bot→webhook", digest: digestOf(body) };
    const result = await webhook(key, body, timeoutMs);
    // Unsettled, the slot just counts a little longer than needed.
    await options.limiter?.settle(robot, slot).catch(() => {});
    return { ...result, way: "bot→webhook", digest: digestOf(body) };
  };
  return async function send(target: PushTarget, body: PartBody | BotPushBody, timeoutMs = options.requestTimeoutMs): Promise<GroupSendOutcome> {
    if (target.via === "webhook") return { ...(await webhook(target.key, body, timeoutMs)), way: "webhook", digest: digestOf(body) };
    if (target.fallbackKey !== undefined && mentions(body)) return fallback(target.fallbackKey, body, timeoutMs);
    const botBody = body.msgtype === "template_card" || body.msgtype === "image" ? body : toBotPushBody(body);
    if (!options.viaBot) return { outcome: "permanent", reason: "via: bot needs bot.transport: websocket", way: "bot", digest: digestOf(botBody) };
    const viaBot = await options.viaBot(target.chatid, botBody);
    if (target.fallbackKey === undefined || body.msgtype === "template_card" || !refusedForSure(viaBot)) return { ...viaBot, way: "bot", digest: digestOf(botBody) };
    return fallback(target.fallbackKey, body, timeoutMs);
  };
}

export type GroupSend = ReturnType<typeof createGroupSend>;

/**
 * What a webhook call came to. `retry`: nothing permanent went wrong, try again later (network
 * error, HTTP 5xx, errcode 45009 or -1). `permanent`: trying again cannot help (93000 invalid
 * key, 40058 content too long, any other errcode). `reason` never contains the key.
 */
export type WebhookResult =
  | { outcome: "ok" }
  | { outcome: "retry" | "permanent"; reason: string; errcode?: number; status?: number; timedOut?: boolean };

export interface SendWebhookOptions {
  /** WeCom API base, e.g. `https://qyapi.weixin.qq.com` (a local fake in tests and the demo). */
  apiBase: string;
  /** The group robot's webhook key: a secret. */
  key: string;
  body: PartBody;
  fetch: typeof globalThis.fetch;
  /** Abort the request after this long (a timeout counts as `retry`). */
  timeoutMs?: number;
}

/** errcodes that mean "not now": -1 system busy, 45009 over 20 a minute, 45033 too many concurrent calls. */
const RETRY_ERRCODES = new Set([-1, 45009, 45033]);

/** POSTs one message to a group robot and classifies WeCom's answer by its errcode. */
export async function sendWebhook({
  apiBase,
  key,
  body,
  fetch,
  timeoutMs = 10_000,
}: SendWebhookOptions): Promise<WebhookResult> {
  const url = `${apiBase.replace(/\/+$/, "")}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
  const redact = (text: string) =>
    key === "" ? text : text.split(key).join("[key]").split(encodeURIComponent(key)).join("[key]");
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // A request that timed out may still be delivered (WeCom answers late): the caller waits longer next time.
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return { outcome: "retry", reason: redact(`network error: ${describe(error)}`), ...(timedOut && { timedOut }) };
  }
  const status = response.status;
  const answer = parseAnswer(text);
  if (answer) {
    if (answer.errcode === 0) return { outcome: "ok" };
    const outcome = RETRY_ERRCODES.has(answer.errcode) ? "retry" : "permanent";
    return { outcome, errcode: answer.errcode, status, reason: redact(`errcode ${answer.errcode}: ${answer.errmsg}`) };
  }
  if (status >= 500 || status === 429) return { outcome: "retry", status, reason: `HTTP ${status}` };
  if (status >= 400) return { outcome: "permanent", status, reason: `HTTP ${status}` };
  // A 2xx without WeCom's answer (a proxy page?): the message may or may not have gone out.
  return { outcome: "retry", status, reason: `HTTP ${status} without an errcode` };
}

function parseAnswer(text: string): { errcode: number; errmsg: string } | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== "object" || json === null) return undefined;
    const { errcode, errmsg } = json as { errcode?: unknown; errmsg?: unknown };
    if (typeof errcode !== "number") return undefined;
    return { errcode, errmsg: typeof errmsg === "string" ? errmsg : "" };
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  if (error.name === "TimeoutError") return "timed out";
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}

import { randomUUID } from "node:crypto";
import { digestOf, type DeliveryWay } from "./delivery-log.js";
import type { PushTarget, TargetLimiter } from "./rate-window.js";
import type { ImageBody, PartBody, WebhookBody } from "./split-message.js";
import { sendWebhook, type WebhookResult } from "./webhook-client.js";

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

import type { PushTarget } from "./push-target.js";
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
export type SendViaBot = (chatid: string, body: BotPushBody) => Promise<WebhookResult | { outcome: "wait"; reason: string }>;

/** What sending one part came to; `wait` only for the bot (see SendViaBot). */
export type GroupSendResult = Awaited<ReturnType<SendViaBot>>;

export interface GroupSendOptions {
  apiBase: string;
  fetch: typeof globalThis.fetch;
  requestTimeoutMs: number;
  /** Set when the bot is on the long connection (groups `via: bot`). */
  viaBot?: SendViaBot;
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

/** The one place a part leaves for its group: the group robot's webhook, or the smart bot. */
export function createGroupSend(options: GroupSendOptions) {
  return async function send(target: PushTarget, body: PartBody | BotPushBody): Promise<GroupSendResult> {
    if (target.via === "webhook") {
      if (body.msgtype === "template_card") return { outcome: "permanent", reason: "group robots send no interactive cards" };
      return sendWebhook({ apiBase: options.apiBase, key: target.key, body, fetch: options.fetch, timeoutMs: options.requestTimeoutMs });
    }
    if (!options.viaBot) return { outcome: "permanent", reason: "via: bot needs bot.transport: websocket" };
    return options.viaBot(target.chatid, body.msgtype === "template_card" || body.msgtype === "image" ? body : toBotPushBody(body));
  };
}

export type GroupSend = ReturnType<typeof createGroupSend>;

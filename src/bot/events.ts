/** Where a message was sent: a direct chat with the bot, or a group (with WeCom's chatid). */
export interface Chat {
  type: "single" | "group";
  id?: string;
}

/**
 * What reaches the bot, free of any transport: the callback receiver and the long connection
 * both turn WeCom's payloads into these.
 */
export type BotEvent =
  /** A user's text addressed to the bot; in a group it may still start with the @mention. */
  | { kind: "text"; msgid: string; userid: string; text: string; chat: Chat }
  /** A user opened the direct chat (a welcome is allowed). */
  | { kind: "enter_chat"; userid: string }
  /** Voice, image, file, video or a mixed message without text. */
  | { kind: "other"; msgid: string; userid: string; msgtype: string }
  /** Nothing to answer: stream polls, feedback, card clicks and events we do not handle. */
  | { kind: "ignored"; what: string };

/** What the bot answers: markdown to a message, plain text to enter_chat. */
export interface BotReply {
  kind: "markdown" | "text";
  content: string;
  /** Set when we failed and the content says so (for metrics). */
  failed?: boolean;
}

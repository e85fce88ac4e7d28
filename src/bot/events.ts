import type { BotCard } from "../message/card.js";

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
  /**
   * A tap on a button of one of our cards: `key` is the button's key as WeCom sent it back
   * (unchecked: anyone can forge it), `cardId` the card's task_id, which an update reuses.
   */
  | { kind: "card_tap"; msgid: string; userid: string; chat: Chat; key: string; cardId: string; selected?: CardSelection }
  /** Voice, image, file, video or a mixed message without text. */
  | { kind: "other"; msgid: string; userid: string; msgtype: string }
  /** Nothing to answer: stream polls, feedback, card clicks and events we do not handle. */
  | { kind: "ignored"; what: string };

/** What a tap carries of the card's dropdown: the chosen option ids by the dropdown's key (unchecked: anyone can forge them). */
export type CardSelection = Readonly<Record<string, readonly string[]>>;

/**
 * What the bot answers: markdown to a message (with a card below it where the transport can
 * show one), plain text to enter_chat, or a card that replaces the tapped one for the people
 * in `userids` only. Every reply has `content`, the words a transport without cards shows.
 */
export type BotReply = (
  | { kind: "markdown"; content: string; card?: BotCard }
  | { kind: "text"; content: string }
  | { kind: "card_update"; content: string; card: BotCard; userids: readonly string[] }
) & {
  /** Set when we failed and the content says so (for metrics). */
  failed?: boolean;
  /**
   * The command that ran for it and how it went, for metrics: counted by the receiver, with the
   * callback's own figures, so that one place records them. Absent when none ran (a repeat).
   */
  command?: CommandOutcome;
};

/** A command that ran, by id, and how: answered, refused as the user's mistake, or failed. */
export interface CommandOutcome {
  id: string;
  result: "ok" | "user_error" | "failed";
}

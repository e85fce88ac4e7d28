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

/** A card's one dropdown (WeCom's `button_selection`, at most 10 options); the choice comes back with any button's tap. */
export interface CardSelect {
  /** Its question_key, by which the tap names the choice. */
  key: string;
  title: string;
  options: readonly { id: string; text: string }[];
}

/** One button of a card; `key` comes back in the tap (at most 1024 bytes). */
export interface CardButton {
  text: string;
  key: string;
  /** The button to tap in the usual case, drawn in the stronger colour. */
  primary?: boolean;
}

/**
 * A card with buttons, free of WeCom's wire format (wecom/replies.ts draws it as a
 * `button_interaction` template card). WeCom's limits: title about 26 characters, button text
 * about 10, at most 6 buttons.
 */
export interface BotCard {
  /** Unique per bot, `[0-9A-Za-z_\-@]`, at most 128 bytes; an update of the card reuses it. */
  id: string;
  title: string;
  /** A line under the title. */
  desc?: string;
  /** Plain text (not markdown) below it. */
  text?: string;
  /** A dropdown above the buttons. */
  select?: CardSelect;
  buttons: readonly CardButton[];
}

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
};

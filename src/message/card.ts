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
 * A card with buttons, free of WeCom's wire format (wecom/message-bodies.ts draws it as a
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

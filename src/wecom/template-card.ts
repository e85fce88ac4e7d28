import type { BotCard } from "../message/card.js";

/** A `button_interaction` template card as WeCom reads it (wecom-protocol.md, "Interactive template cards"). */
export type ButtonInteractionCard = {
  card_type: "button_interaction";
  task_id: string;
  main_title: { title: string; desc?: string };
  sub_title_text?: string;
  /** The one dropdown a button card may have; its choice comes back with a button's tap. */
  button_selection?: { question_key: string; title: string; option_list: { id: string; text: string }[] };
  button_list: { text: string; style: number; key: string }[];
};

/** The body that replaces a tapped card for `userids` only (passive reply, or `aibot_respond_update_msg`). */
export interface CardUpdate {
  response_type: "update_template_card";
  userids: string[];
  template_card: ButtonInteractionCard;
}

/** Button styles: 1 is WeCom's filled blue, 2 its outlined one. */
const PRIMARY = 1;
const SECONDARY = 2;

/** The bot's card as WeCom's `button_interaction` template card (at most 6 buttons). */
export function toTemplateCard(card: BotCard): ButtonInteractionCard {
  return {
    card_type: "button_interaction",
    task_id: card.id,
    main_title: { title: card.title, ...(card.desc && { desc: card.desc }) },
    ...(card.text && { sub_title_text: card.text }),
    ...(card.select && {
      button_selection: { question_key: card.select.key, title: card.select.title, option_list: card.select.options.slice(0, 10).map((o) => ({ id: o.id, text: o.text })) },
    }),
    button_list: card.buttons.slice(0, 6).map((b) => ({ text: b.text, style: b.primary ? PRIMARY : SECONDARY, key: b.key })),
  };
}

/** The update of a tapped card for the people who should see it changed. */
export function toCardUpdate(card: BotCard, userids: readonly string[]): CardUpdate {
  return { response_type: "update_template_card", userids: [...userids], template_card: toTemplateCard(card) };
}

import { DEFAULT_BOT } from "../config/list-bots.js";
import type { ConversationWindow } from "./conversation-window.js";

/**
 * One bot's places in the conversation windows. WeCom counts each bot's messages in a
 * conversation apart, so two bots' replies to one user, or in one chat, never share a window:
 * the bot's conversations are its own (`<bot>:<chatid or userid>`). The chats of the groups it
 * pushes to keep the name its pushes give theirs (rateWindowOf, `bot:<chatid>`), so its
 * replies and pushes there count in one window, as WeCom counts them.
 */
export function windowOfBot(window: ConversationWindow, bot: string, pushesTo: ReadonlySet<string>): ConversationWindow {
  // The single `bot:` keeps the names it always had, as its keys do (keysForBot).
  if (bot === DEFAULT_BOT) return window;
  const own = (conversation: string) => (pushesTo.has(conversation) ? conversation : `${bot}:${conversation}`);
  return {
    reserve: (conversation, slot) => window.reserve(own(conversation), slot),
    note: (conversation, slot) => window.note(own(conversation), slot),
    release: (conversation, slot) => window.release(own(conversation), slot),
  };
}

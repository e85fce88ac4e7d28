/**
 * The messages the bot may send into one conversation (a group's chatid, or the userid of a
 * direct chat) within WeCom's limits (30 a minute, 1000 an hour), replies and pushes together.
 * What decides the pushes keeps it (push/); the long connection's replies take places in it.
 */
export interface ConversationWindow {
  /** Takes place `slot` for one message (`wait` 0, with the places `left` after it), or takes nothing and answers the ms until a place frees. */
  reserve(conversation: string, slot: string): Promise<{ wait: number; left: number }>;
  /**
   * The message reached WeCom: its place (reserved, or none yet when it went out first) counts
   * from now. Answers the fewest places left (of 30 a minute, 1000 an hour).
   */
  note(conversation: string, slot: string): Promise<number>;
  /** The place was not used. */
  release(conversation: string, slot: string): Promise<void>;
}

/** Places a conversation must have had left, when last told, for a reply to go out before taking its place. */
export const ROOMY_PLACES = 10;
/** How long what a conversation had left is trusted: pushes from other processes take places meanwhile. */
export const ROOM_KNOWN_MS = 30_000;
/** Conversations remembered at most; past it the oldest knowledge is dropped and those reserve first again. */
const MAX_CONVERSATIONS = 10_000;

/**
 * What the holder of a long connection knows of each conversation's window (30 a minute, 1000
 * an hour, replies and pushes together) from the replies it sent there lately. With plenty of
 * places left, a reply goes out first and takes its place right after, off the reply path; near
 * the limit, or not known lately, it takes its place first and waits for one if need be.
 */
export function createReplyRoom({ now = Date.now }: { now?: () => number } = {}) {
  const known = new Map<string, { left: number; at: number }>();
  return {
    /** Whether a reply in this conversation may go out before taking its place; counts it if so. */
    goFirst(conversation: string): boolean {
      const room = known.get(conversation);
      if (room === undefined || now() - room.at >= ROOM_KNOWN_MS || room.left <= ROOMY_PLACES) return false;
      room.left -= 1;
      return true;
    },
    /** The places a conversation had left once a reply there took its own. */
    learn(conversation: string, left: number): void {
      known.delete(conversation);
      if (known.size >= MAX_CONVERSATIONS) known.delete(known.keys().next().value!);
      known.set(conversation, { left, at: now() });
    },
  };
}

export type ReplyRoom = ReturnType<typeof createReplyRoom>;

import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { Dispatcher } from "../bot/dispatch.js";
import type { BotEvent, BotReply, CommandOutcome } from "../bot/events.js";
import { ErrorCode, hasCode } from "../errors.js";
import { NOTE_EVERY_MS } from "./chat-directory.js";
import type { ConnectionOutbox } from "./connection-outbox.js";
import type { OutboundFrame } from "./long-connection/request-bodies.js";
import { sendFrame } from "./long-connection/requests.js";
import type { ConversationWindow } from "./conversation-window.js";
import { FRAME_REFUSAL_LOG, type CallbackFrame, type FrameRefusal, type LongConnection } from "./long-connection.js";
import { readMessage, toWecomReply, type InboundMessage } from "./message-bodies.js";
import { createRefusalLog } from "./refusal-log.js";

export interface LongConnectionReceiverOptions {
  connection: LongConnection;
  dispatcher: Dispatcher;
  /** Where a reply goes when this connection broke before WeCom took it: the next holder sends it. */
  outbox: ConnectionOutbox;
  /** Told a group chat a user spoke in, and who (for `pingan chats`): when first seen, then when due again (createChatNoting). */
  onGroupSpeaker?: (chatid: string, userid: string) => Promise<void>;
  /** Each conversation's window, shared with pushes: a reply takes a place in it (30 a minute). */
  window?: ConversationWindow;
  /** Told each command that ran and how it went (BotReply.command), for metrics, by the labels they are counted under. */
  onCommand?: (labels: { command: string; result: CommandOutcome["result"] }) => void;
  /** Told each callback dropped because its body cannot be read, for metrics (the log has one line a second). */
  onRefused?: (reason: FrameRefusal) => void;
  log: Logger;
}

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

/**
 * When a group chat is written down again (chat-directory.ts): the first time the receiver sees
 * it, then at most once every `noteEveryMs`, so that a message costs neither Redis nor a call
 * into the directory between. That interval is this process's own write rate, timed by
 * `elapsed` (monotonic ms); decided here, where the message is read.
 */
export function createChatNoting({ noteEveryMs = NOTE_EVERY_MS, elapsed = () => performance.now() }: { noteEveryMs?: number; elapsed?: () => number } = {}) {
  /** When (elapsed) each chat was last written down. */
  const noted = new Map<string, number>();
  return {
    /** Whether the chat is due to be written down; if so, it counts as written from now. */
    due(chatid: string): boolean {
      const since = elapsed();
      const last = noted.get(chatid);
      if (last !== undefined && since - last < noteEveryMs) return false;
      noted.set(chatid, since);
      return true;
    },
    /** The write failed: the chat is due again at its next message. */
    failed(chatid: string): void {
      noted.delete(chatid);
    },
  };
}

/** Whether the answer to an event is a new message in its conversation: a card's update changes one already there, and ignored events get nothing. */
function answeredWithMessage(event: BotEvent): boolean {
  return event.kind === "text" || event.kind === "other" || event.kind === "enter_chat";
}

/** A reply's place in its conversation's window, asked for as soon as the message comes, while the answer is being worked out. */
interface ReplyPlace {
  /** Resolves once the place is held: over the limit it waits for one rather than being refused with 45009 (a reply stays valid 24 h). */
  taken(): Promise<void>;
  /** The reply reached WeCom. */
  settle(): Promise<void>;
  /** No reply took the place. */
  release(): Promise<void>;
}

/** Asks for a reply's place; `learn` is told the places its conversation has left whenever one is taken. */
function askForPlace(window: ConversationWindow, conversation: string, learn: (left: number) => void): ReplyPlace {
  const slot = randomUUID();
  const reserve = () =>
    window.reserve(conversation, slot).then((room) => {
      if (room.wait === 0) learn(room.left);
      return room.wait;
    });
  const first = reserve();
  // Looked at by taken() or release(); a failure is theirs to report.
  first.catch(() => undefined);
  return {
    async taken() {
      for (let wait = await first; wait > 0; wait = await reserve()) await sleep(wait);
    },
    settle: () => window.note(conversation, slot).then(learn),
    async release() {
      if ((await first) === 0) await window.release(conversation, slot);
    },
  };
}

/**
 * The same answer over the long connection, as a frame on the callback's req_id: the body
 * toWecomReply gives, under the command that carries it (the welcome to enter_chat, a card's
 * update to a tap, aibot_respond_msg to a message).
 */
function toLongConnectionReply(reply: BotReply, reqId: string, streamId: string): OutboundFrame {
  const body = toWecomReply(reply, streamId);
  if ("response_type" in body) return { cmd: "aibot_respond_update_msg", reqId, body };
  if (body.msgtype === "text") return { cmd: "aibot_respond_welcome_msg", reqId, body };
  return { cmd: "aibot_respond_msg", reqId, body };
}

/**
 * The smart bot's long connection as a receiver: what the callback receiver is to the HTTP
 * callback. Each callback's body is read here once, as the callback's is, into a BotEvent; the
 * dispatcher answers it, and the answer goes back on the callback's req_id. Returns a function
 * that detaches the receiver.
 */
export function attachLongConnectionReceiver(options: LongConnectionReceiverOptions): () => void {
  const { connection, dispatcher, outbox, window, log } = options;
  const room = createReplyRoom();
  const chatNoting = createChatNoting();
  /** Who spoke in a group chat, when it is due: asked while the dispatcher works, so that neither adds a wait for Redis before the reply. */
  const noteSpeaker = (chatid: string, userid: string) =>
    options.onGroupSpeaker?.(chatid, userid).catch((error: unknown) => {
      chatNoting.failed(chatid);
      log.warn({ err: error }, "chat not noted");
    });
  const logRefusal = createRefusalLog(log, FRAME_REFUSAL_LOG);
  /** A body that cannot be read: counted, and logged without its content (what a user typed stays out of the log). */
  const read = ({ cmd, reqId, body }: CallbackFrame): InboundMessage | undefined => {
    try {
      return readMessage(body);
    } catch (error) {
      if (!hasCode(error, ErrorCode.WecomPayload)) throw error;
      const reason = cmd === "aibot_msg_callback" ? "malformed_message" : "malformed_event";
      options.onRefused?.(reason);
      logRefusal(reason, { reason, reqId, fields: error.details.fields });
      return undefined;
    }
  };
  /** A reply that went out before taking its place takes it now, off the reply path. */
  const takeAfter = (conversation: string) =>
    void window
      ?.note(conversation, randomUUID())
      .then((left) => room.learn(conversation, left))
      .catch((error: unknown) => log.warn({ err: error }, "long connection: reply's place not taken"));

  const receive = async (frame: CallbackFrame): Promise<void> => {
    const { reqId } = frame;
    const message = read(frame);
    if (message === undefined) return;
    const { inbound, event } = message;
    // Who spoke where, as parsed (well-formed), not as the frame carried it.
    const { chatid, chattype, userid } = inbound;
    const conversation = chattype === "group" && chatid ? chatid : userid;
    const noted = chattype === "group" && chatid && userid && chatNoting.due(chatid) ? noteSpeaker(chatid, userid) : undefined;
    // A reply's place in its conversation's window: taken after the reply where the conversation has plenty left (one round trip to Redis on the reply path, the dispatcher's), else before it.
    const messageAnswer = window !== undefined && conversation !== undefined && answeredWithMessage(event);
    const first = messageAnswer && room.goFirst(conversation);
    const learn = (left: number) => room.learn(conversation!, left);
    const asked = messageAnswer && !first ? askForPlace(window, conversation, learn) : undefined;
    const unused = (place: ReplyPlace | undefined) => void place?.release().catch((error: unknown) => log.warn({ err: error }, "long connection: reply's place not released"));
    let reply: BotReply | undefined;
    try {
      reply = await dispatcher.processEvent(event);
      if (reply?.command) options.onCommand?.({ command: reply.command.id, result: reply.command.result });
    } catch (error) {
      unused(asked);
      throw error;
    } finally {
      await noted;
    }
    const answer = reply && toLongConnectionReply(reply, reqId, `s-${"msgid" in event ? event.msgid : reqId}`);
    const inWindow = answer !== undefined && answer.cmd !== "aibot_respond_update_msg" && window !== undefined && conversation !== undefined;
    if (!inWindow) unused(asked);
    if (answer === undefined) return;
    const place = inWindow && !first ? (asked ?? askForPlace(window, conversation, learn)) : undefined;
    await place?.taken();
    const sent = await sendFrame(connection, answer);
    // Sent, refused or owed, it counts in the window from now.
    if (inWindow && first) takeAfter(conversation);
    // It reached WeCom (taken or refused): its place counts from now. Otherwise it is owed, and counts as reserved.
    if (place && (sent.outcome === "ok" || sent.outcome === "permanent")) {
      await place.settle().catch((error: unknown) => log.warn({ err: error }, "long connection: reply's place not settled"));
    }
    if (sent.outcome === "ok") return;
    if (sent.outcome === "permanent") {
      log.error({ reqId, reason: sent.reason, errcode: sent.errcode }, "long connection: reply refused");
      return;
    }
    // The reply is owed: it stays valid on its req_id, and whoever holds the connection next sends it.
    log.warn({ reqId, reason: sent.reason }, "long connection: reply handed to the outbox");
    await outbox.post(answer);
  };

  return connection.on("callback", (frame) =>
    receive(frame).catch((error: unknown) => log.error({ err: error, reqId: frame.reqId }, "long connection: callback failed")),
  );
}

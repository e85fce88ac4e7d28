import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { Dispatcher } from "../bot/dispatch.js";
import type { BotEvent } from "../bot/events.js";
import type { ConnectionOutbox } from "./connection-outbox.js";
import { sendFrame } from "./connection-outbox.js";
import { parseInbound, toBotEvent, WecomPayloadError, type Inbound } from "./inbound.js";
import type { EventFrame, FrameRefusal, LongConnection, MessageFrame } from "./long-connection.js";
import { createRefusalLog } from "./refusal-log.js";
import { toLongConnectionReply } from "./replies.js";

export interface LongConnectionReceiverOptions {
  connection: LongConnection;
  dispatcher: Dispatcher;
  /** Where a reply goes when this connection broke before WeCom took it: the next holder sends it. */
  outbox: ConnectionOutbox;
  /** Told every group chat a user spoke in, and who (for `pingan chats`). */
  onGroupSpeaker?: (chatid: string, userid: string) => Promise<void>;
  /**
   * Reserves a reply's place in its conversation's window (a group's chatid, or the userid of a
   * direct chat: 30 a minute, shared with pushes); returns 0, or the ms until a place frees.
   */
  reserveReply?: (conversation: string) => Promise<number>;
  /** Told each callback whose body cannot be read, for metrics (the log has one line a second). */
  onRefused?: (reason: FrameRefusal) => void;
  log: Logger;
}

/**
 * The smart bot's long connection as a receiver: what the callback receiver is to the HTTP
 * callback. Each callback body (the callback's JSON, unencrypted) becomes a BotEvent, the
 * dispatcher answers it, and the answer goes back on the callback's req_id. Returns a function
 * that detaches the receiver.
 */
export function attachLongConnectionReceiver(options: LongConnectionReceiverOptions): () => void {
  const { connection, dispatcher, outbox, log } = options;
  const logRefusal = createRefusalLog(log, { one: "long connection: callback body cannot be read; nothing done", many: "long connection: callback bodies cannot be read; nothing done" });

  const receive = async (frame: MessageFrame | EventFrame): Promise<void> => {
    let inbound: Inbound;
    try {
      inbound = parseInbound(JSON.stringify(frame.body));
    } catch (error) {
      if (!(error instanceof WecomPayloadError)) throw error;
      options.onRefused?.("unreadable_callback");
      logRefusal("unreadable_callback", { reason: "unreadable_callback", reqId: frame.reqId });
      return;
    }
    const event: BotEvent = toBotEvent(inbound);
    // Who spoke where, as parsed (well-formed), not as the frame carried it.
    const { chatid, chattype, userid } = inbound;
    if (chattype === "group" && chatid && userid) {
      await options.onGroupSpeaker?.(chatid, userid).catch((error: unknown) => log.warn({ err: error }, "chat not noted"));
    }
    const reply = await dispatcher.processEvent(event);
    if (reply === undefined) return;
    const answer = toLongConnectionReply(reply, frame.reqId, `s-${"msgid" in event ? event.msgid : frame.reqId}`);
    const conversation = chattype === "group" && chatid ? chatid : userid;
    // A card's update changes a message already there; anything else is a message in the conversation.
    if (conversation && options.reserveReply && answer.cmd !== "aibot_respond_update_msg") {
      // A reply stays valid for 24 h: over the limit it waits for its place rather than being refused with 45009.
      for (let wait = await options.reserveReply(conversation); wait > 0; wait = await options.reserveReply(conversation)) {
        await sleep(wait);
      }
    }
    const sent = await sendFrame(connection, answer);
    if (sent.outcome === "ok") return;
    if (sent.outcome === "permanent") {
      log.error({ reqId: frame.reqId, reason: sent.reason, errcode: sent.errcode }, "long connection: reply refused");
      return;
    }
    // The reply is owed: it stays valid on its req_id, and whoever holds the connection next sends it.
    log.warn({ reqId: frame.reqId, reason: sent.reason }, "long connection: reply handed to the outbox");
    await outbox.post(answer);
  };

  const handle = (frame: MessageFrame | EventFrame) =>
    receive(frame).catch((error: unknown) => log.error({ err: error, reqId: frame.reqId }, "long connection: callback failed"));
  const offMessage = connection.on("message", handle);
  const offEvent = connection.on("event", handle);
  return () => {
    offMessage();
    offEvent();
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import type { Dispatcher } from "../bot/dispatch.js";
import type { BotEvent } from "../bot/events.js";
import type { ConnectionOutbox } from "./connection-outbox.js";
import { sendFrame } from "./connection-outbox.js";
import { toBotEvent } from "./inbound.js";
import type { CallbackFrame, LongConnection } from "./long-connection.js";
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
  log: Logger;
}

/**
 * The smart bot's long connection as a receiver: what the callback receiver is to the HTTP
 * callback. Each callback (its body read by the client as the callback's is) becomes a BotEvent,
 * the dispatcher answers it, and the answer goes back on the callback's req_id. Returns a
 * function that detaches the receiver.
 */
export function attachLongConnectionReceiver(options: LongConnectionReceiverOptions): () => void {
  const { connection, dispatcher, outbox, log } = options;

  const receive = async ({ inbound, reqId }: CallbackFrame): Promise<void> => {
    const event: BotEvent = toBotEvent(inbound);
    // Who spoke where, as parsed (well-formed), not as the frame carried it.
    const { chatid, chattype, userid } = inbound;
    if (chattype === "group" && chatid && userid) {
      await options.onGroupSpeaker?.(chatid, userid).catch((error: unknown) => log.warn({ err: error }, "chat not noted"));
    }
    const reply = await dispatcher.processEvent(event);
    if (reply === undefined) return;
    const answer = toLongConnectionReply(reply, reqId, `s-${"msgid" in event ? event.msgid : reqId}`);
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

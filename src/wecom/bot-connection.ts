import { hostname } from "node:os";
import type { Logger } from "pino";
import type { Dispatcher } from "../bot/dispatch.js";
import type { CommandOutcome } from "../bot/events.js";
import { DEFAULT_BOT, type HostedBot } from "../config/list-bots.js";
import { connectRedis, type RedisClient } from "../store/connect-redis.js";
import { keysForBot, type Keys } from "../store/keys.js";
import type { ChatDirectory } from "./chat-directory.js";
import { startConnectionHolder, type ConnectionHolder } from "./connection-holder.js";
import { createConnectionLease } from "./connection-lease.js";
import type { LeaseSpread } from "./lease-spread.js";
import { createConnectionOutbox, DEFAULT_OWED_REPLY_LIMITS, type GiveUp, type OwedReplyLimits } from "./connection-outbox.js";
import type { OutboundFrame } from "./long-connection/request-bodies.js";
import type { ConversationWindow } from "./conversation-window.js";
import { createLongConnection, type FrameRefusal, type LongConnectionOptions } from "./long-connection.js";
import { attachLongConnectionReceiver } from "./long-connection-receiver.js";

/** Timings of the lease and the client; tests shorten them. */
export interface BotConnectionTuning {
  /** A dead holder's lease frees after this long; 10 000 ms. */
  leaseTtlMs?: number;
  /** Lease renewal, and how often the others try for it; 2 000 ms. */
  renewMs?: number;
  /** How long a push waits for the holder to take it before it is put back to wait; 5 000 ms. */
  handoffWaitMs?: number;
  /** After another connection took the bot over, how long before this deployment subscribes again; 5 minutes, doubling. */
  retakeAfterMs?: number;
  /** How long, and how many times, a reply WeCom did not take is tried again (see DEFAULT_OWED_REPLY_LIMITS). */
  owedReplies?: Partial<OwedReplyLimits>;
  client?: Pick<LongConnectionOptions, "heartbeatMs" | "ackTimeoutMs" | "backoff">;
}

export interface BotConnectionOptions extends BotConnectionTuning {
  bot: HostedBot;
  /** WECOM_WS_URL, unless the bot names its own. */
  url: string;
  redisUrl: string;
  /** Fail-fast: the lease, the status, the chats. */
  redis: RedisClient;
  /** Patient: the frames handed to the holder. */
  workerRedis: RedisClient;
  /** The deployment's keys: the bot's lease, outbox and status are under its own. */
  keys: Keys;
  log: Logger;
  /** With several bots on the long connection: how many of their leases this process takes. */
  spread?: LeaseSpread;
  /** Where each group's last speaker is noted (`pingan chats`). */
  chats: ChatDirectory;
  /** Each conversation's window, kept with the pushes': the replies take places in it. */
  window: ConversationWindow;
  /** Told each owed reply given up, for metrics. */
  onReplyDropped?: (why: GiveUp | "refused") => void;
  /** Told each inbound frame dropped because it cannot be read, for metrics. */
  onFrameRefused?: (reason: FrameRefusal) => void;
  /** Told each command that ran for a message on the connection and how it went, for metrics. */
  onCommand?: (labels: { command: string; result: CommandOutcome["result"] }) => void;
}

/**
 * A bot on the long connection, in one process: every process may hold the bot's long
 * connection (one at a time, under the bot's lease) and hands the holder its pushes to the
 * bot's groups `via: bot`.
 */
export function createBotConnection(options: BotConnectionOptions) {
  const { bot, redis, workerRedis, chats } = options;
  if (bot.botId === undefined || bot.secret === undefined) throw new Error(`bot ${bot.id} on the long connection needs bot_id and secret`);
  const { botId, secret } = bot;
  const keys = keysForBot(options.keys, bot.id);
  const log = options.log.child({ bot: bot.id });
  const url = bot.wsUrl ?? options.url;
  const outbox = createConnectionOutbox({ redis: workerRedis, keys, limits: { ...DEFAULT_OWED_REPLY_LIMITS, ...options.owedReplies } });
  const handoffWaitMs = options.handoffWaitMs ?? 5_000;
  /** A push to a chat (`aibot_send_msg`), handed to whichever process holds the connection. */
  const viaBot = (chatid: string, body: Extract<OutboundFrame, { cmd: "aibot_send_msg" }>["body"]) => outbox.request({ cmd: "aibot_send_msg", chatid, body }, handoffWaitMs);
  let holder: ConnectionHolder | undefined;
  let blocking: RedisClient | undefined;
  return {
    viaBot,
    /** Starts trying for the lease; the process that gets it connects and answers with `dispatcher`. */
    start(dispatcher: Dispatcher): void {
      blocking = connectRedis(options.redisUrl, { role: "worker", log });
      holder = startConnectionHolder({
        lease: createConnectionLease({ redis, keys, owner: `${hostname()}:${process.pid}`, ttlMs: options.leaseTtlMs ?? 10_000 }),
        outbox,
        redis,
        blocking,
        keys,
        log,
        ...(options.onReplyDropped && { onReplyDropped: options.onReplyDropped }),
        renewMs: options.renewMs ?? 2_000,
        ...(options.retakeAfterMs !== undefined && { retakeAfterMs: options.retakeAfterMs }),
        ...(options.spread && { spread: options.spread }),
        createConnection: (maySubscribe) => createLongConnection({ url, botId, secret, log, maySubscribe, ...(options.onFrameRefused && { onRefused: options.onFrameRefused }), ...options.client }),
        attach: (connection) =>
          attachLongConnectionReceiver({
            connection,
            dispatcher,
            outbox,
            log,
            onGroupSpeaker: bot.id === DEFAULT_BOT ? chats.note : (chatid, userid) => chats.note(chatid, userid, bot.id),
            window: options.window,
            ...(options.onCommand && { onCommand: options.onCommand }),
            ...(options.onFrameRefused && { onRefused: options.onFrameRefused }),
          }),
      });
    },
    async stop(): Promise<void> {
      await holder?.stop();
      blocking?.disconnect();
    },
  };
}

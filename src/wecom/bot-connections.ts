import { hostname } from "node:os";
import type { Dispatcher } from "../bot/dispatch.js";
import type { HostedBot } from "../config/list-bots.js";
import type { Config } from "../config/schema.js";
import { createBotConnection, type BotConnectionOptions } from "./bot-connection.js";
import { createLeaseSpread, type LeaseSpread } from "./lease-spread.js";
import { windowOfBot } from "./bot-window.js";

export interface BotConnectionsOptions extends Omit<BotConnectionOptions, "bot" | "spread"> {
  /** The deployment's bots; those on the long connection get one here. */
  bots: readonly HostedBot[];
  groups: Config["groups"];
}

/**
 * The deployment's long-connection bots in one process: one lease each, spread over the
 * processes when there are several, and the pushes to a group `via: bot` handed to the bot that
 * serves the group. Undefined when no bot is on the long connection.
 */
export function createBotConnections(options: BotConnectionsOptions) {
  const { bots, groups, ...shared } = options;
  const onLongConnection = bots.filter((bot) => bot.transport === "websocket");
  if (onLongConnection.length === 0) return undefined;
  const renewMs = shared.renewMs ?? 2_000;
  const spread: LeaseSpread | undefined =
    onLongConnection.length > 1
      ? createLeaseSpread({ redis: shared.redis, keys: shared.keys, owner: `${hostname()}:${process.pid}`, bots: onLongConnection.length, everyMs: renewMs, aliveMs: shared.leaseTtlMs ?? 10_000, log: shared.log })
      : undefined;
  // The chats each bot pushes to: a push goes out through the bot that serves the group.
  const chatsOf = new Map(
    onLongConnection.map((bot) => [bot.id, new Set(bot.groups.flatMap((group) => (groups[group]?.via === "bot" && groups[group]?.chatid !== undefined ? [groups[group]!.chatid!] : [])))]),
  );
  const connections = new Map(
    onLongConnection.map((bot) => [bot.id, createBotConnection({ ...shared, window: windowOfBot(shared.window, bot.id, chatsOf.get(bot.id)!), bot, ...(spread && { spread }) })]),
  );
  type Connection = NonNullable<ReturnType<typeof connections.get>>;
  // Each group's chatid → the bot that serves it.
  const byChat = new Map<string, Connection>([...chatsOf].flatMap(([id, chats]) => [...chats].map((chatid) => [chatid, connections.get(id)!] as const)));
  const viaBot = async (chatid: string, body: Parameters<Connection["viaBot"]>[1]): ReturnType<Connection["viaBot"]> => {
    const connection = byChat.get(chatid);
    if (!connection) return { outcome: "permanent", reason: "no bot on the long connection serves this chat" };
    return connection.viaBot(chatid, body);
  };
  return {
    viaBot,
    /** The ids of the bots on the long connection (for /healthz). */
    ids: [...connections.keys()],
    /** Starts trying for each bot's lease; the process that gets one answers with `dispatcherOf(bot)`. */
    start(dispatcherOf: (bot: string) => Dispatcher): void {
      spread?.start();
      for (const [id, connection] of connections) connection.start(dispatcherOf(id));
    },
    async stop(): Promise<void> {
      await Promise.all([...connections.values()].map((connection) => connection.stop()));
      await spread?.stop();
    },
  };
}

import type { Config } from "./schema.js";

/** The id of a config's single `bot:` section: its callback URL and Redis keys stay those it always had. */
export const DEFAULT_BOT = "default";

/** One bot the deployment runs, whichever way the config wrote it. */
export interface HostedBot {
  id: string;
  name: string;
  transport: "callback" | "websocket";
  token?: string;
  encodingAESKey?: string;
  botId?: string;
  secret?: string;
  /** Its own long-connection URL, where it is not the deployment's. */
  wsUrl?: string;
  maxClockSkewSeconds: number;
  /** The groups it serves (keys of `groups`). */
  groups: readonly string[];
  /** The part of the roster it serves; the whole roster when unset. */
  node?: string;
}

/**
 * The bots of a config: those of `bots:`, or the single `bot:` as bot `default`, serving every
 * group. The one place that reads either section's credentials.
 */
export function listBots(config: Pick<Config, "bot" | "bots" | "groups">): HostedBot[] {
  const entries = config.bots ?? [{ ...config.bot, id: DEFAULT_BOT, groups: Object.keys(config.groups), node: undefined, ws_url: undefined }];
  return entries.map((entry) => ({
    id: entry.id,
    name: entry.name,
    transport: entry.transport ?? "callback",
    ...(entry.token !== undefined && { token: entry.token }),
    ...(entry.encoding_aes_key !== undefined && { encodingAESKey: entry.encoding_aes_key }),
    ...(entry.bot_id !== undefined && { botId: entry.bot_id }),
    ...(entry.secret !== undefined && { secret: entry.secret }),
    ...(entry.ws_url !== undefined && { wsUrl: entry.ws_url }),
    maxClockSkewSeconds: entry.max_clock_skew_seconds,
    groups: entry.groups,
    ...(entry.node !== undefined && { node: entry.node }),
  }));
}

/**
 * The bot people in a group talk to (and a push there tells them to @-mention): the one whose
 * `groups` lists it, else the deployment's own `bot:`.
 */
export function botServing(config: Pick<Config, "bot" | "bots">, group: string): { id: string; name: string } {
  const entry = config.bots?.find((bot) => bot.groups.includes(group));
  return entry ? { id: entry.id, name: entry.name } : { id: DEFAULT_BOT, name: config.bot.name };
}

/**
 * The config with each group that names no `node` bound to the node of the bot serving it: a
 * county's bot and its groups are scoped to the county by writing its node once.
 */
export function withBotNodes(config: Config): Config {
  if (!config.bots) return config;
  const nodes = new Map(config.bots.flatMap((bot) => (bot.node === undefined ? [] : bot.groups.map((group) => [group, bot.node!] as const))));
  const groups = Object.fromEntries(
    Object.entries(config.groups).map(([id, group]) => [id, group.node === undefined && nodes.has(id) ? { ...group, node: nodes.get(id)! } : group]),
  );
  return { ...config, groups };
}

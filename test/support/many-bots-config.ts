import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { projectPath } from "../../src/config/project-path.js";

/** An EncodingAESKey of 43 characters, as WeCom generates them. */
const aesKey = () => randomBytes(32).toString("base64").slice(0, 43).replace(/\+/g, "A").replace(/\//g, "B");

/** The secrets of the four bots, as the environment gives them. */
export function manyBotsEnv(): Record<string, string> {
  return {
    NORTH_TOKEN: "north-token",
    NORTH_AES_KEY: aesKey(),
    SOUTH_TOKEN: "south-token",
    SOUTH_AES_KEY: aesKey(),
    EAST_BOT_ID: "aibot-east",
    EAST_BOT_SECRET: "east-secret-0123456789",
    WEST_BOT_ID: "aibot-west",
    WEST_BOT_SECRET: "west-secret-0123456789",
  };
}

/** Each long-connection bot's leaders group, pushed to through the bot (its chatid). */
export const BOT_CHATS = { east: "wr_east_leaders", west: "wr_west_leaders" } as const;

/**
 * The example config as a city's deployment of four bots: north and south on the callback URL
 * (north serving the principals' group, south the leaders' group), east and west
 * on the long connection, each with a leaders group of its own `via: bot`; west dials its own
 * long-connection URL (`westWsUrl`), east the deployment's. Written into `dir`; returns the path.
 */
export function writeManyBotsConfig(dir: string, westWsUrl: string): string {
  const base = projectPath("config/pingan.example.yaml");
  const config = parse(readFileSync(base, "utf8")) as Record<string, unknown>;
  config.roster = resolve(dirname(base), String(config.roster));
  config.bot = { name: "平安助手" };
  config.groups = {
    ...(config.groups as object),
    east_leaders: { name: "东县领导群", via: "bot", chatid: BOT_CHATS.east, role: "leaders" },
    west_leaders: { name: "西县领导群", via: "bot", chatid: BOT_CHATS.west, role: "leaders" },
  };
  config.bots = [
    { id: "north", name: "北县平安助手", token: "${NORTH_TOKEN}", encoding_aes_key: "${NORTH_AES_KEY}", groups: ["principals"] },
    { id: "south", name: "南县平安助手", token: "${SOUTH_TOKEN}", encoding_aes_key: "${SOUTH_AES_KEY}", groups: ["leaders"] },
    { id: "east", name: "东县平安助手", transport: "websocket", bot_id: "${EAST_BOT_ID}", secret: "${EAST_BOT_SECRET}", groups: ["east_leaders"] },
    { id: "west", name: "西县平安助手", transport: "websocket", bot_id: "${WEST_BOT_ID}", secret: "${WEST_BOT_SECRET}", groups: ["west_leaders"], ws_url: westWsUrl },
  ];
  const path = join(dir, "pingan.yaml");
  writeFileSync(path, stringify(config));
  return path;
}

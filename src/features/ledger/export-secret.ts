import { createHmac } from "node:crypto";
import type { Config } from "../../config/schema.js";

const PURPOSE = "pingan/export-link/v1";

/**
 * The key that signs ledger download links, never the configured secret itself: HMAC-SHA256
 * of a purpose label under `server.admin_token`, or, when no admin token is set, under the
 * bot's EncodingAESKey and Token (the AES key carries 256 random bits), or on the long
 * connection its Secret. Rotating any of them invalidates the links already handed out, which
 * is what rotation should do.
 */
export function deriveExportSecret(config: Pick<Config, "server" | "bot">): Buffer {
  const { bot } = config;
  const root = config.server.admin_token ?? (bot.transport === "websocket" ? `${bot.secret}` : `${bot.encoding_aes_key}\n${bot.token}`);
  return createHmac("sha256", root).update(PURPOSE).digest();
}

import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { projectPath } from "../config/project-path.js";

/**
 * A config (the example one by default) switched to the long connection, written into `dir`
 * with its roster's path made absolute: `transport: websocket` with `${WECOM_BOT_ID}` and
 * `${WECOM_BOT_SECRET}` instead of the callback's Token and EncodingAESKey, and the groups named
 * in `viaBot` pushed to through the bot (their chatid) instead of a group robot. For the demo and
 * the tests; returns the path.
 */
export function writeWebsocketConfig(
  dir: string,
  viaBot: Readonly<Record<string, string>> = {},
  base = projectPath("config/pingan.example.yaml"),
  /** Keep those groups' webhook_key too: their second way out (see push/deliver.ts createGroupSend). */
  { keepWebhookKeys = false } = {},
): string {
  let yaml = readFileSync(base, "utf8");
  yaml = yaml.replace(/^roster: *(.+?) *$/m, (_, roster: string) => `roster: ${JSON.stringify(resolve(dirname(base), roster))}`);
  // The two callback lines, and the comments under them (which say how to switch).
  const callback = /^  token: .*\n  encoding_aes_key: .*\n(?:  #.*\n)*/m;
  if (!callback.test(yaml)) throw new Error(`${base} has no bot.token and bot.encoding_aes_key lines to replace`);
  yaml = yaml.replace(callback, "  transport: websocket\n  bot_id: ${WECOM_BOT_ID}\n  secret: ${WECOM_BOT_SECRET}\n");
  for (const [group, chatid] of Object.entries(viaBot)) {
    const block = new RegExp(`(^  ${group}:\\n(?:    .*\\n)*?)    webhook_key: .*\\n`, "m");
    if (!block.test(yaml)) throw new Error(`${base} has no group "${group}" with a webhook_key`);
    yaml = yaml.replace(block, (line: string, before: string) => `${keepWebhookKeys ? line : before}    via: bot\n    chatid: ${chatid}\n`);
  }
  const path = join(dir, "pingan.yaml");
  writeFileSync(path, yaml);
  return path;
}

import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectPath } from "../config/project-path.js";

/**
 * The example config switched to the long connection, written into `dir` beside a copy of its
 * roster: `transport: websocket` with `${WECOM_BOT_ID}` and `${WECOM_BOT_SECRET}` instead of the
 * callback's Token and EncodingAESKey, and the groups named in `viaBot` pushed to through the
 * bot (their chatid) instead of a group robot. For the demo and the tests; returns the path.
 */
export function writeWebsocketConfig(dir: string, viaBot: Readonly<Record<string, string>> = {}): string {
  let yaml = readFileSync(projectPath("config/pingan.example.yaml"), "utf8");
  yaml = yaml.replace(
    /^  token: .*\n  encoding_aes_key: .*\n/m,
    "  transport: websocket\n  bot_id: ${WECOM_BOT_ID}\n  secret: ${WECOM_BOT_SECRET}\n",
  );
  for (const [group, chatid] of Object.entries(viaBot)) {
    const block = new RegExp(`(^  ${group}:\\n(?:    .*\\n)*?)    webhook_key: .*\\n`, "m");
    if (!block.test(yaml)) throw new Error(`the example config has no group "${group}" with a webhook_key`);
    yaml = yaml.replace(block, `$1    via: bot\n    chatid: ${chatid}\n`);
  }
  copyFileSync(projectPath("config/schools.example.csv"), join(dir, "schools.example.csv"));
  const path = join(dir, "pingan.yaml");
  writeFileSync(path, yaml);
  return path;
}

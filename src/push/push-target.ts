import type { GroupConfig } from "../config/schema.js";

/**
 * Where a group's pushes go: its group robot (webhook key), or the smart bot itself over the
 * long connection (the group's chatid), with the group robot as the second way out when the
 * group names a key too (`fallbackKey`). The config check makes sure each group has one.
 */
export type PushTarget = { via: "webhook"; key: string } | { via: "bot"; chatid: string; fallbackKey?: string };

/** The group's target; throws for a group the config check would have refused. */
export function pushTargetOf(group: GroupConfig): PushTarget {
  if (group.via === "bot") {
    if (group.chatid === undefined) throw new Error(`group "${group.name}" is via: bot without a chatid`);
    return { via: "bot", chatid: group.chatid, ...(group.webhook_key !== undefined && { fallbackKey: group.webhook_key }) };
  }
  if (group.webhook_key === undefined) throw new Error(`group "${group.name}" has no webhook_key`);
  return { via: "webhook", key: group.webhook_key };
}

/**
 * Names the rate window a target's sends share: a group robot's 20 a minute per key, or the
 * conversation's 30 a minute, which the bot's replies in that chat count against too.
 */
export function rateWindowOf(target: PushTarget): string {
  return target.via === "webhook" ? target.key : `bot:${target.chatid}`;
}

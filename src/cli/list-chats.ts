import { listBots } from "../config/list-bots.js";
import { personName } from "../config/roster.js";
import type { System } from "../main/system.js";
import { NOTE_EVERY_MS } from "../wecom/chat-directory.js";
import { toLocalDate, toLocalTime } from "../time/local-time.js";

/** What `pingan chats` prints, in its one place. */
export const chatsText = {
  none: "机器人还没有在任何群里收到消息。先在要推送的群里 @机器人 说一句话（例如“帮助”），再运行 pingan chats。",
  notWebsocket: "（只有长连接模式 bot.transport: websocket 会记下群的 chatid；回调模式的群用群机器人 webhook_key 推送。）",
  header: (minutes: number) =>
    `机器人见过的群（最近有人发言的在前）。每个群每 ${minutes} 分钟最多记一次发言，列出的是记下的最近一次，之后可能还有人说过话。` +
    "把要推送的群的 chatid 写进配置：via: bot 和 chatid: 这一串。",
  line: (chatid: string, speaker: string, at: string, bot?: string) => `${chatid}  ${at} ${speaker} 发过言${bot === undefined ? "" : `（机器人 ${bot}）`}`,
};

/**
 * `pingan chats`, on a system built for it: the group chatids the bots have seen on the long
 * connection, each with a speaker by name, the time they spoke and (with several bots) the bot, so the admin can tell the
 * groups apart and copy one into the config. The chat directory notes a chat at most every
 * NOTE_EVERY_MS, so the speaker is the last one noted, not always the latest: the header says so.
 */
export async function listChats(rt: System, out: (line: string) => void): Promise<void> {
  const chats = await rt.chats.list();
  if (chats.length === 0) {
    out(chatsText.none);
    if (!listBots(rt.config).some((bot) => bot.transport === "websocket")) out(chatsText.notWebsocket);
    return;
  }
  out(chatsText.header(NOTE_EVERY_MS / 60_000));
  const zone = rt.config.timezone;
  for (const chat of chats) {
    const school = rt.roster.schoolsOf(chat.lastSpeaker)[0];
    const name = personName(chat.lastSpeaker, rt.config, school);
    const speaker = name ? `${name}（${chat.lastSpeaker}）` : chat.lastSpeaker;
    const at = new Date(chat.at);
    out(chatsText.line(chat.chatid, speaker, `${toLocalDate(at, zone)} ${toLocalTime(at, zone)}`, chat.bot));
  }
}

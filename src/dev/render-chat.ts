import { pngSize } from "../wecom/simulator/png-size.js";

/**
 * WeCom markdown as a person reads it in a terminal: no asterisks, quotes indented, `<@userid>`
 * mentions shown by name as WeCom shows them.
 */
export function renderMarkdown(markdown: string, nameOf: (userid: string) => string = (u) => u): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, "$1")
    .replace(/<font color="\w+">(.*?)<\/font>/g, "$1")
    .replace(/<@([^>]+)>/g, (_, userid: string) => `@${nameOf(userid)}`)
    .split("\n")
    .map((line) => line.replace(/^> ?/, "  │ "))
    .join("\n");
}

/** One chat bubble: `08:41 张伟：text`, continuation lines indented under the name. */
export function formatBubble(time: string, who: string, text: string, nameOf?: (userid: string) => string): string {
  const [first = "", ...rest] = renderMarkdown(text, nameOf).split("\n");
  const pad = " ".repeat(6);
  return [`${time} ${who}：${first}`, ...rest.map((line) => `${pad}${line}`)].join("\n");
}

/**
 * A push as its group reads it: the robot's bubble, its mentions by name at the end, as WeCom
 * shows them; a picture as one line with its size, e.g. `[图片 1200×800，86 KB]`, and where it
 * was saved when it was.
 */
export function formatPush(
  message: { content: string; mentioned_list: readonly string[]; image?: { bytes: Buffer; width?: number; height?: number } },
  time: string,
  nameOf: (userid: string) => string,
  savedAt?: string,
): string {
  if (message.image) {
    const { bytes, width, height } = message.image;
    const size = width !== undefined && height !== undefined ? ` ${width}×${height}` : "";
    const saved = savedAt === undefined ? "" : ` 已保存到 ${savedAt}`;
    return formatBubble(time, "平安助手（推送）", `[图片${size}，${Math.max(1, Math.round(bytes.length / 1024))} KB]${saved}`);
  }
  const mentions = message.mentioned_list.map((userid) => `@${nameOf(userid)}`).join(" ");
  return formatBubble(time, "平安助手（推送）", message.content + (mentions ? `\n${mentions}` : ""), nameOf);
}

/**
 * A push the bot sent itself (`aibot_send_msg`, groups `via: bot`) as its group reads it:
 * markdown with its `<@userid>` mentions by name, a picture by the bytes uploaded under its
 * media_id, a card with its buttons.
 */
export function formatBotPush(
  body: { markdown?: { content: string }; image?: { media_id: string }; template_card?: Parameters<typeof formatCard>[0] },
  time: string,
  nameOf: (userid: string) => string,
  media: (mediaId: string) => Buffer | undefined,
  save?: (picture: Buffer) => string,
): string {
  const picture = body.image && media(body.image.media_id);
  if (picture) return formatPush({ content: "", mentioned_list: [], image: { bytes: picture, ...pngSize(picture) } }, time, nameOf, save?.(picture));
  if (body.template_card) return formatCard(body.template_card);
  return formatBubble(time, "平安助手（推送）", body.markdown?.content ?? JSON.stringify(body), nameOf);
}

/**
 * A card as its group reads it, under the bubble it came with: title, the line under it, the
 * text, and the buttons in brackets; numbered (［1 查看未报］) where `pingan say --tap N` can tap them.
 */
export function formatCard(
  card: { main_title?: { title?: string; desc?: string }; sub_title_text?: string; button_list?: readonly { text: string }[] },
  { numbered = false }: { numbered?: boolean } = {},
): string {
  const pad = " ".repeat(6);
  const lines = [card.main_title?.title, card.main_title?.desc, ...(card.sub_title_text ?? "").split("\n")].filter((line) => line);
  const buttons = (card.button_list ?? []).map((b, i) => `［${numbered ? `${i + 1} ` : ""}${b.text}］`).join(" ");
  return [`${pad}┌ ${lines[0] ?? ""}`, ...lines.slice(1).map((line) => `${pad}│ ${line}`), `${pad}└ ${buttons}`].join("\n");
}

/** A heading that separates the chats of two groups. */
export function formatChatTitle(title: string): string {
  return `\n── ${title} ${"─".repeat(Math.max(4, 40 - title.length * 2))}`;
}

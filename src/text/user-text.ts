/**
 * Text that a person typed (descriptions, topics, reasons, names) shown inside our markdown:
 * as typed, never as markup. WeCom's markdown has links, images, emphasis, headings, quotes,
 * code, `<@userid>` mentions, `<font>` and HTML entities; each of their marker characters is
 * replaced by its full-width twin (which reads the same), a bare URL's `://` is broken by a
 * zero-width space so the client does not make it a link, and line breaks become spaces so a
 * new line cannot start a heading or a quote. This is the one place that decides it.
 */
const MARKUP: Record<string, string> = {
  "[": "［",
  "]": "］",
  "(": "（",
  ")": "）",
  "*": "＊",
  _: "＿",
  "`": "｀",
  "~": "～",
  "#": "＃",
  ">": "＞",
  "<": "＜",
  "&": "＆",
  "!": "！",
  "|": "｜",
  "\\": "＼",
};
const LINE_BREAKS = /\s*[\r\n\u2028\u2029]+\s*/gu;
const MARKUP_CHARS = /[[\]()*_`~#><&!|\\]/g;
const URL_SCHEME = /:\/\//g;

// Any of what escapeUserText replaces, made of its own patterns so the two cannot differ: most
// names and texts hold none, and are returned as they are (汇总 escapes thousands).
const ESCAPED = new RegExp([LINE_BREAKS, MARKUP_CHARS, URL_SCHEME].map((pattern) => pattern.source).join("|"), "u");

export function escapeUserText(text: string): string {
  if (!ESCAPED.test(text)) return text;
  return text
    .replace(LINE_BREAKS, " ")
    .replace(MARKUP_CHARS, (ch) => MARKUP[ch] ?? ch)
    .replace(URL_SCHEME, ":\u200b//");
}

/**
 * A long text cut to `limit` characters (code points, so no emoji is split) with an ellipsis;
 * escaped like escapeUserText. `more` is added after the ellipsis, e.g. "详见：历史 东湖小学".
 */
export function shortenUserText(text: string, limit: number, more?: string): string {
  const chars = [...text];
  if (chars.length <= limit) return escapeUserText(text);
  return `${escapeUserText(chars.slice(0, limit).join(""))}…${more ? `（${more}）` : ""}`;
}

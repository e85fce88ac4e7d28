import { createHash } from "node:crypto";
import type { BotCard } from "../message/card.js";
import type { PushLine, PushMessage } from "../message/push.js";
import { toTemplateCard, type ButtonInteractionCard } from "../wecom/template-card.js";

/** One part of a split message before it becomes a webhook body: its header (with the part marker) and lines. */
export interface MessagePart {
  header?: string;
  /** Mentions of a markdown line are already in its text. */
  lines: PushLine[];
}

/** The JSON body of one webhook call (wecom-protocol.md, group robot webhook). */
export type WebhookBody =
  | { msgtype: "text"; text: { content: string; mentioned_list?: string[] } }
  | { msgtype: "markdown"; markdown: { content: string } };

/** The body of one part of a push: a text or markdown message, a picture, or a card (groups `via: bot` only). */
export type PartBody = WebhookBody | ImageBody | CardBody;

/** An interactive template card, which only the smart bot can push (`aibot_send_msg`); group robots cannot. */
export type CardBody = { msgtype: "template_card"; template_card: ButtonInteractionCard };

/** The body of a card part. */
export function formatCardBody(card: BotCard): CardBody {
  return { msgtype: "template_card", template_card: toTemplateCard(card) };
}

/** A picture for a group robot: base64 of a PNG or JPG and the md5 (hex) of its raw bytes, ≤ 2 MB before base64. */
export type ImageBody = { msgtype: "image"; image: { base64: string; md5: string } };

/** The webhook body of a picture (wecom-protocol.md: base64 plus the md5 of the raw bytes). */
export function formatImageBody(png: Buffer): ImageBody {
  return { msgtype: "image", image: { base64: png.toString("base64"), md5: createHash("md5").update(png).digest("hex") } };
}

/** WeCom's content limits in UTF-8 bytes. */
export const BYTE_LIMITS = { text: 2048, markdown: 4096 } as const;

export interface SplitOptions {
  /** Overrides the byte limit of the msgtype (tests). */
  limit?: number;
}

/** UTF-8 length of a string, as WeCom counts it. */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

interface Piece {
  text: string;
  bytes: number;
  mentions: readonly string[];
  subjects?: readonly string[];
}

/**
 * Splits a message into webhook bodies within the byte limit of its msgtype, on line
 * boundaries, in as few parts as possible: lines are packed greedily in order (optimal for an
 * in-order split); only a line that cannot fit in a part of its own is cut, at a grapheme
 * boundary, and its pieces fill the parts from where the previous line ended. The header and
 * its marker are counted in each part. Returns [] for a message with no lines and no header.
 */
export function splitMessage(message: PushMessage, options: SplitOptions = {}): WebhookBody[] {
  return splitMessageParts(message, options).map((part) => formatPart(message.msgtype, part));
}

/** splitMessage before the bodies are made: each part's header and lines (see formatPart). */
export function splitMessageParts(message: PushMessage, options: SplitOptions = {}): MessagePart[] {
  const limit = options.limit ?? BYTE_LIMITS[message.msgtype];
  const lines = message.lines.map((line) => toPiece(line, message.msgtype));
  const { header } = message;
  if (header === undefined) {
    if (lines.length === 0) return [];
    return pack(lines, () => limit).map((part) => toPart(undefined, part));
  }
  const single = [header, ...lines.map((l) => l.text)].join("\n");
  if (utf8Bytes(single) <= limit) {
    return [toPart(header, lines)];
  }
  // A marker's width depends on the number of parts; assume a digit count, pack, and widen
  // the assumption until it holds (more digits never yield fewer parts).
  for (let digits = 1; ; digits++) {
    const widest = "9".repeat(digits);
    const capacity = (index: number) =>
      limit - utf8Bytes(formatHeader(header, index, widest)) - 1;
    const parts = pack(lines, capacity);
    if (String(parts.length).length <= digits) {
      const total = String(parts.length);
      return parts.map((part, i) => toPart(formatHeader(header, i + 1, total), part));
    }
  }
}

function formatHeader(header: string, index: number, total: string): string {
  return index === 1 ? `${header}（1/${total}）` : `${header}（续 ${index}/${total}）`;
}

function toPiece(line: PushLine, msgtype: PushMessage["msgtype"]): Piece {
  const mentions = [...new Set(line.mentions ?? [])].filter((m) => m !== "" && m !== "@all");
  let text = line.text;
  if (msgtype === "markdown") {
    const missing = mentions.filter((m) => !text.includes(`<@${m}>`));
    if (missing.length > 0) text = `${text} ${missing.map((m) => `<@${m}>`).join(" ")}`;
  }
  return { text, bytes: utf8Bytes(text), mentions: msgtype === "text" ? mentions : [], ...(line.subjects && { subjects: line.subjects }) };
}

/** Greedy in-order packing; `capacity(i)` is the content budget of the i-th part (1-based). */
function pack(lines: readonly Piece[], capacity: (index: number) => number): Piece[][] {
  const parts: Piece[][] = [];
  let current: Piece[] = [];
  let used = 0;
  const startPart = () => {
    current = [];
    used = 0;
    parts.push(current);
    const budget = capacity(parts.length);
    // Room for at least one 4-byte character, so that cutting always makes progress.
    if (budget < 4) throw new RangeError(`the header leaves ${budget} bytes for the lines`);
  };
  const room = () => capacity(parts.length) - used - (current.length > 0 ? 1 : 0);
  const add = (piece: Piece) => {
    used += piece.bytes + (current.length > 0 ? 1 : 0);
    current.push(piece);
  };
  startPart();
  for (const line of lines) {
    if (line.bytes <= room()) {
      add(line);
    } else if (current.length > 0 && line.bytes <= capacity(parts.length + 1)) {
      startPart();
      add(line);
    } else {
      let rest = line.text;
      while (rest !== "") {
        const cut = cutPrefix(rest, room());
        if (cut !== "") {
          add({ ...line, text: cut, bytes: utf8Bytes(cut) });
          rest = rest.slice(cut.length);
        }
        if (rest !== "") startPart();
      }
    }
  }
  return parts;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** The longest prefix of `text` within `budget` bytes that ends on a character boundary. */
function cutPrefix(text: string, budget: number): string {
  let bytes = 0;
  let end = 0;
  for (const { segment } of graphemes.segment(text)) {
    const size = utf8Bytes(segment);
    if (bytes + size > budget) {
      if (end > 0) return text.slice(0, end);
      // A single grapheme over the budget (a long emoji sequence): fall back to code points.
      for (const codePoint of segment) {
        const cpSize = utf8Bytes(codePoint);
        if (bytes + cpSize > budget) break;
        bytes += cpSize;
        end += codePoint.length;
      }
      return text.slice(0, end);
    }
    bytes += size;
    end += segment.length;
  }
  return text;
}

function toPart(header: string | undefined, pieces: readonly Piece[]): MessagePart {
  const lines = pieces.map(({ text, mentions, subjects }): PushLine => ({
    text,
    ...(mentions.length > 0 && { mentions }),
    ...(subjects && { subjects }),
  }));
  return header === undefined ? { lines } : { header, lines };
}

/** The webhook body of one part; a text part @-mentions exactly the mentions of its lines. */
export function formatPart(msgtype: PushMessage["msgtype"], part: MessagePart): WebhookBody {
  const texts = part.lines.map((p) => p.text);
  const content = (part.header === undefined ? texts : [part.header, ...texts]).join("\n");
  if (msgtype === "markdown") return { msgtype, markdown: { content } };
  const mentions = [...new Set(part.lines.flatMap((p) => p.mentions ?? []))];
  return {
    msgtype,
    text: mentions.length > 0 ? { content, mentioned_list: mentions } : { content },
  };
}

import type { Queue } from "bullmq";
import type { Config } from "../config/schema.js";
import type { DeliveryLog } from "./delivery-log.js";
import type { GroupWindow, RateWindow } from "./rate-window.js";
import type { PartJobData, PushJobData, PartBody, CardBody, ImageBody, WebhookBody } from "./push.js";
import type { EnqueueOptions, Push, PushLine, PushMessage } from "../message/push.js";
import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { loadScript, namedInOrder } from "../store/scripts.js";
import { createHash } from "node:crypto";
import type { BotCard } from "../message/card.js";
import { toTemplateCard } from "../wecom/template-card.js";

// How a push is put on the queue: split into parts that fit WeCom's limits, each part a job
// whose state (claimed, sent: deliver.ts PartState) outlives the job, so a retried or repeated push sends nothing
// twice; and, asked, when the parts should have gone out, from their group's rate window read, not reserved.

/**
 * Queues a push (from the web process or a job): splits the message by WeCom's byte limits and
 * adds one job per part under a stable id, so a push enqueued twice is queued once, and one
 * already delivered is not queued again. A push's card and image are its last parts, so they
 * follow the text. Asked to `estimate`, it reads the group's rate window beside its own writes
 * and answers when the parts should have gone out: at once for a push already delivered, when
 * its hold ends for a held one.
 */
export function createEnqueue({
  redis,
  keys,
  queue,
  groups,
  mailbox,
  deliveries,
  windows,
}: {
  redis: RedisClient;
  keys: Keys;
  queue: Queue<PushJobData>;
  groups: Config["groups"];
  /** Where alerts go instead (pushes with `about`): see mailbox.ts. */
  mailbox: { add(push: Push): Promise<void> };
  deliveries: DeliveryLog;
  /** Each group's rate window (rate-window.ts TargetLimiter.groupWindows), read for an estimate. */
  windows: ReadonlyMap<string, GroupWindow>;
}) {
  return async function enqueue(push: Push, { delayMs = 0, estimate = false }: EnqueueOptions = {}): Promise<number | undefined> {
    if (!groups[push.group]) throw new Error(`push to unknown group "${push.group}"`);
    if (push.idempotencyKey === "") throw new Error("a push needs an idempotency key");
    if (push.card && groups[push.group]?.via !== "bot") throw new Error(`group "${push.group}" cannot show a card: its robot sends no cards`);
    if (push.about) {
      if (push.image) throw new Error("an alert cannot carry an image");
      if (push.card && (push.whole !== true || push.message.lines.length > 0)) throw new Error("an alert's card goes alone, as a whole alert of no lines");
      if (delayMs > 0) throw new Error("an alert cannot be held");
      if (estimate) throw new Error("an alert's mailbox answers no estimate");
      await mailbox.add(push);
      // An alert goes out as one message (alone, or merged with others): one entry.
      await deliveries.queued(push, alertBodies(push).slice(0, 1));
      return undefined;
    }
    if (await isPushDone(redis, keys, push.idempotencyKey)) return estimate ? 0 : undefined;
    const split = splitMessageParts(push.message);
    const bodies: { body: PartBody; recheck?: PartJobData["recheck"] }[] = split.map(({ header, lines }) => ({
      body: formatPart(push.message.msgtype, { ...(header !== undefined && { header }), lines }),
      // What the worker needs to leave out the lines that went stale while the part waited.
      ...(push.recheck && { recheck: { ...push.recheck, ...(header !== undefined && { header }), lines } }),
    }));
    if (push.card) {
      // One line naming every school of the message: the card goes while any of them is still missing.
      const subjects = [...new Set(push.message.lines.flatMap((line) => line.subjects ?? []))];
      bodies.push({ body: formatCardBody(push.card), ...(push.recheck && { recheck: { ...push.recheck, lines: [{ text: "", subjects }] } }) });
    }
    if (push.image) bodies.push({ body: formatImageBody(push.image.png) });
    if (bodies.length === 0) return estimate ? 0 : undefined;
    const queued = async () => {
      await deliveries.queued(push, bodies.map(({ body }) => body));
      await queue.addBulk(
        bodies.map(({ body, recheck }, part) => ({
          name: "push",
          data: { idempotencyKey: push.idempotencyKey, group: push.group, part, parts: bodies.length, body, ...(recheck && { recheck }) },
          opts: { jobId: formatPushJobId(push.idempotencyKey, part), ...(delayMs > 0 && { delay: delayMs }) },
        })),
      );
    };
    if (!estimate || delayMs > 0) {
      await queued();
      // A held push goes out when its hold ends: the window it will find then is not known now.
      return estimate ? delayMs : undefined;
    }
    const [waitMs] = await Promise.all([estimateWait({ redis, queue, windows }, push, bodies.length), queued()]);
    return waitMs;
  };
}

/** Jobs looked at to count what is queued for a group; a county queues far fewer. */
const LOOK_AT = 2000;

/**
 * The ms until `push`'s parts have gone out, as far as its group's rate window lets them: after
 * the parts queued before them (waiting, delayed or being sent), one after the other within
 * the window. Read beside the enqueueing, so it counts the push's own parts itself, whether or
 * not they are queued yet. An estimate for people ("goes out at about 09:06"), read-only.
 */
async function estimateWait(
  { redis, queue, windows }: { redis: RedisClient; queue: Queue<PushJobData>; windows: ReadonlyMap<string, GroupWindow> },
  push: Pick<Push, "group" | "idempotencyKey">,
  parts: number,
): Promise<number> {
  const window = windows.get(push.group);
  if (window === undefined) throw new Error(`estimate for unknown group "${push.group}"`);
  const [jobs, now] = await Promise.all([queue.getJobs(["waiting", "delayed", "prioritized", "active"], 0, LOOK_AT - 1), readWindow(redis, window)]);
  const sharing = (group: string | undefined) => group !== undefined && windows.get(group)?.name === window.name;
  // A push held for later (a 提醒 outside the working hours) does not go out before this one;
  // BullMQ stamps a job with real time, so it is held by Redis's clock, not the injected one.
  const held = (job: (typeof jobs)[number]) => (job.opts.delay ?? 0) > 0 && job.timestamp + job.opts.delay! > now.now;
  const own = (data: PushJobData | undefined) => data !== undefined && data.kind !== "drain" && data.idempotencyKey === push.idempotencyKey;
  const before = jobs.filter((job) => sharing(job?.data.group) && !held(job) && !own(job?.data)).length;
  return now.waitFor(before + parts);
}

/** What a rate window holds now: Redis's time, and when more sends would fit. */
export interface WindowNow {
  /** Redis TIME in ms: the clock every process shares, and BullMQ's timestamps keep. */
  now: number;
  /** The ms until `sends` more sends would all have fit (0 when they fit now). */
  waitFor(sends: number): number;
}

// Times are Redis TIME in ms, as the limiter's (rate-window.ts; lib/now-ms.lua).
const windowScript = loadScript("rate-limit-window", {
  keys: namedInOrder("window"),
  args: namedInOrder("ms"),
});

/** Read-only: a rate window as it stands, for telling people when a message queued now goes out; it reserves nothing. */
export async function readWindow(redis: RedisClient, window: Pick<GroupWindow, "key" | "windows">): Promise<WindowNow> {
  const longest = Math.max(...window.windows.map((w) => w.windowMs));
  const [now, ...slots] = ((await windowScript(redis, { window: window.key }, { ms: longest })) as string[]).map(Number);
  return { now: now!, waitFor: (sends) => simulateWait(slots, now!, sends, window.windows) };
}

/**
 * When the last of `sends` more sends fits, as the limiter's reserve would admit them one after
 * the other: in each window, each needs the slot `limit` places before it to be a window old.
 * `slots` are the slot times of the longest window; returns ms after `now`.
 */
function simulateWait(slots: number[], now: number, sends: number, windows: readonly RateWindow[]): number {
  const times = [...slots].sort((a, b) => a - b);
  let at = now;
  for (let i = 0; i < sends; i += 1) {
    for (const { limit, windowMs } of windows) {
      const blocking = times[times.length - limit];
      if (blocking !== undefined) at = Math.max(at, blocking + windowMs);
    }
    times.push(at);
    times.sort((a, b) => a - b);
  }
  return at - now;
}

/**
 * Whether every part of the push went out: delivery (deliver.ts PartState) leaves the marker with the
 * last part's `sent`, and it is all that enqueueing asks of a part's state.
 */
export async function isPushDone(redis: RedisClient, keys: Keys, idempotencyKey: string): Promise<boolean> {
  return (await redis.exists(keys.pushDone(idempotencyKey))) === 1;
}

/** One part of a split message before it becomes a webhook body: its header (with the part marker) and lines. */
export interface MessagePart {
  header?: string;
  /** Mentions of a markdown line are already in its text. */
  lines: PushLine[];
}

/** The body of a card part. */
export function formatCardBody(card: BotCard): CardBody {
  return { msgtype: "template_card", template_card: toTemplateCard(card) };
}

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

/** A job id per part; BullMQ ids may not contain ':' (idempotency keys often do). */
export function formatPushJobId(idempotencyKey: string, part: number): string {
  return `${idempotencyKey.replaceAll("%", "%25").replaceAll(":", "%3A")}#${part}`;
}

/** What an alert sends: its message (one body, or more if split), or its card alone (a `whole` alert of no lines). */
export function alertBodies(push: Pick<Push, "message" | "card">): PartBody[] {
  return push.card ? [formatCardBody(push.card)] : splitMessage(push.message);
}

import { createHash, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hasCode, ErrorCode } from "../../errors.js";
import { readRawBody } from "../callback-receiver.js";
import { pngSize } from "./png-size.js";

/** A message the fake accepted, as the group sees it. */
export interface FakeWebhookMessage {
  key: string;
  /** The group's name (from `keys`; the key itself when no keys were given). */
  group: string;
  /** The fake's clock, ms since the epoch. */
  at: number;
  msgtype: string;
  /** The text or markdown; "" for an image. */
  content: string;
  /** For an image: its decoded bytes, and the pixel size a PNG's header gives. */
  image?: FakeWebhookImage;
  /** As sent, `@all` included, so tests can assert it never is. */
  mentioned_list: string[];
  mentioned_mobile_list: string[];
}

/** A picture the fake accepted. */
export interface FakeWebhookImage {
  bytes: Buffer;
  format: "png" | "jpg";
  /** Pixels, from a PNG's IHDR (undefined for a JPG). */
  width?: number;
  height?: number;
}

/** A request the fake refused. `status` 0 means the connection was reset. */
export interface FakeWebhookRejection {
  key: string;
  group?: string;
  at: number;
  status: number;
  errcode?: number;
  errmsg?: string;
  msgtype?: string;
  content?: string;
}

/**
 * What `failNext` makes the fake do instead: answer an errcode, answer HTTP 500, reset the
 * connection, or hang for a while and then take the message as usual (WeCom slow to answer:
 * a caller that gave up before then still got its message delivered).
 */
export type FakeWebhookFailure = number | "http-500" | "reset" | { hangMs: number };

export interface FakeWebhookOptions {
  /** Webhook key → group name. Other keys get errcode 93000. Without it, every key is accepted. */
  keys?: Record<string, string>;
  /** Accepted messages per key in any window (WeCom: 20 a minute). */
  limit?: number;
  windowMs?: number;
  /** The fake's clock, ms since the epoch (the demo's fast clock). */
  now?: () => number;
  /** Port on 127.0.0.1; a free one when not given. */
  port?: number;
  /** Told each message it accepts, as it arrives (`pingan fake-webhook` prints them). */
  onMessage?: (message: FakeWebhookMessage) => void;
}

export interface FakeWebhook {
  /** The API base to configure (WECOM_API_BASE). */
  readonly url: string;
  readonly messages: FakeWebhookMessage[];
  readonly rejected: FakeWebhookRejection[];
  /** The next `count` requests for `key` fail this way. */
  failNext(key: string, failure: FakeWebhookFailure, count?: number): void;
  /** Drops the failures still queued for `key`: its requests succeed again. */
  recover(key: string): void;
  setLimit(perWindow: number, windowMs?: number): void;
  stop(): Promise<void>;
}

const MAX_BYTES: Record<string, number> = { text: 2048, markdown: 4096 };
/** WeCom: an image is at most 2 MB before base64. */
const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
/** The largest body taken: an image message (2 MB, 2.7 MB in base64) and its JSON. WeCom publishes no limit; past this, 413. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Text in WeCom's style: reason, hint, caller and a link. */
function errmsg(text: string, errcode: number): string {
  const hint = `${Date.now()}${randomBytes(4).readUInt32BE()}`;
  return `${text}, hint: [${hint}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
}

/**
 * A local stand-in for WeCom's group robot webhook (`POST /cgi-bin/webhook/send?key=`): records
 * every message, answers errcode 93000 for unknown keys, 45009 past the rate limit (a sliding
 * window over accepted messages), 40058 over the byte limits, and fails on request. An `image`
 * must be valid base64 of a PNG or JPG of at most 2 MB whose md5 matches, like WeCom's.
 */
export async function startFakeWebhook(options: FakeWebhookOptions = {}): Promise<FakeWebhook> {
  const now = options.now ?? Date.now;
  let limit = options.limit ?? 20;
  let windowMs = options.windowMs ?? 60_000;
  const messages: FakeWebhookMessage[] = [];
  const rejected: FakeWebhookRejection[] = [];
  const failures = new Map<string, { failure: FakeWebhookFailure; count: number }[]>();

  const groupOf = (key: string) => (options.keys ? options.keys[key] : key);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://fake");
    if (req.method !== "POST" || url.pathname !== "/cgi-bin/webhook/send") {
      res.writeHead(404).end("not found");
      return;
    }
    let raw: string;
    try {
      raw = await readRawBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (!hasCode(error, ErrorCode.BodyTooLarge)) throw error;
      res.writeHead(413).end("body too large");
      return;
    }
    const key = url.searchParams.get("key") ?? "";
    const queued = failures.get(key);
    const injected = queued?.[0];
    if (queued && injected && --injected.count <= 0) queued.shift();
    if (injected && typeof injected.failure === "object") await sleep(injected.failure.hangMs);
    const at = now();
    const group = key === "" ? undefined : groupOf(key);
    const answer = (errcode: number, text: string, extra: Partial<FakeWebhookRejection> = {}) => {
      const message = errcode === 0 ? "ok" : errmsg(text, errcode);
      if (errcode !== 0) rejected.push({ key, group, at, status: 200, errcode, errmsg: message, ...extra });
      res.writeHead(200, { "content-type": "application/json; charset=UTF-8" });
      res.end(JSON.stringify({ errcode, errmsg: message }));
    };
    if (group === undefined) return answer(93000, "invalid webhook url");

    if (injected && typeof injected.failure !== "object") {
      if (injected.failure === "reset") {
        rejected.push({ key, group, at, status: 0 });
        req.socket.destroy();
        return;
      }
      if (injected.failure === "http-500") {
        rejected.push({ key, group, at, status: 500 });
        res.writeHead(500).end("<html>502 Bad Gateway</html>");
        return;
      }
      const known: Record<number, string> = {
        [-1]: "system error",
        45009: "api freq out of limit",
        93000: "invalid webhook url",
      };
      return answer(injected.failure, known[injected.failure] ?? "injected failure");
    }

    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      // WeCom's exact code for unparsable JSON is not documented; 40035 is its "invalid parameter".
      return answer(40035, "invalid Request Parameter");
    }
    const msgtype = typeof body === "object" && body !== null ? (body as { msgtype?: unknown }).msgtype : undefined;
    if (msgtype === "image") {
      const checked = checkImage((body as { image?: unknown }).image);
      if ("errcode" in checked) return answer(checked.errcode, checked.errmsg, { msgtype });
      const recent = messages.filter((m) => m.key === key && m.at > at - windowMs).length;
      if (recent >= limit) return answer(45009, "api freq out of limit", { msgtype });
      const message: FakeWebhookMessage = { key, group, at, msgtype, content: "", image: checked, mentioned_list: [], mentioned_mobile_list: [] };
      messages.push(message);
      options.onMessage?.(message);
      return answer(0, "ok");
    }
    if (msgtype !== "text" && msgtype !== "markdown") {
      return answer(40008, "invalid message type", { msgtype: String(msgtype) });
    }
    const payload = (body as Record<string, unknown>)[msgtype] as Record<string, unknown> | undefined;
    const content = typeof payload?.content === "string" ? payload.content : "";
    if (content === "") return answer(44004, "empty content", { msgtype });
    const max = MAX_BYTES[msgtype]!;
    if (Buffer.byteLength(content, "utf8") > max) {
      return answer(40058, `${msgtype}.content exceed max length ${max}. Invalid input invalid Request Parameter`, {
        msgtype,
        content,
      });
    }
    const recent = messages.filter((m) => m.key === key && m.at > at - windowMs).length;
    if (recent >= limit) return answer(45009, "api freq out of limit", { msgtype, content });

    const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
    const message: FakeWebhookMessage = {
      key,
      group,
      at,
      msgtype,
      content,
      mentioned_list: msgtype === "text" ? list(payload?.mentioned_list) : [],
      mentioned_mobile_list: msgtype === "text" ? list(payload?.mentioned_mobile_list) : [],
    };
    messages.push(message);
    options.onMessage?.(message);
    return answer(0, "ok");
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    messages,
    rejected,
    failNext(key, failure, count = 1) {
      const queued = failures.get(key) ?? [];
      queued.push({ failure, count });
      failures.set(key, queued);
    },
    recover(key) {
      failures.delete(key);
    },
    setLimit(perWindow, newWindowMs) {
      limit = perWindow;
      if (newWindowMs !== undefined) windowMs = newWindowMs;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * WeCom's checks of an image message. Its errcodes for these cases are not all documented:
 * 40009 is its "invalid image size", 40005 "invalid file type", 40035 "invalid parameter".
 */
function checkImage(image: unknown): FakeWebhookImage | { errcode: number; errmsg: string } {
  const { base64, md5 } = (typeof image === "object" && image !== null ? image : {}) as { base64?: unknown; md5?: unknown };
  if (typeof base64 !== "string" || base64 === "" || typeof md5 !== "string") return { errcode: 40035, errmsg: "image.base64 and image.md5 required" };
  const bytes = Buffer.from(base64, "base64");
  // Node decodes leniently; WeCom takes only what round-trips.
  if (bytes.toString("base64") !== base64.replace(/\s/g, "")) return { errcode: 40035, errmsg: "image.base64 is not valid base64" };
  if (bytes.length === 0 || bytes.length > MAX_IMAGE_BYTES) return { errcode: 40009, errmsg: `invalid image size ${bytes.length}` };
  if (createHash("md5").update(bytes).digest("hex") !== md5.toLowerCase()) return { errcode: 40035, errmsg: "image.md5 does not match" };
  const png = pngSize(bytes);
  if (png) return { bytes, format: "png", ...png };
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return { bytes, format: "jpg" };
  return { errcode: 40005, errmsg: "invalid file type: only JPG and PNG" };
}

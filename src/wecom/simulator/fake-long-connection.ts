import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { FAKE_ERRCODES, field, OK, refuse, type Verdict } from "./fake-frames.js";
import { createFakeMediaUpload } from "./fake-media-upload.js";
import { refuseCard } from "./fake-card-rules.js";
import { ErrorCode, hasCode } from "../../errors.js";
import { readRawBody } from "../callback-receiver.js";

export { FAKE_ERRCODES } from "./fake-frames.js";

/** Options of {@link startFakeLongConnection}. */
export interface FakeLongConnectionOptions {
  botId: string;
  secret: string;
  /** A free port by default. */
  port?: number;
  /** Replies and pushes together per conversation in any 60 s, 30 by default. */
  perChatPerMinute?: number;
  /** Per conversation in any hour, 1000 by default. */
  perChatPerHour?: number;
  /** Prefixed as `@<botName> ` to group texts, as WeCom does. */
  botName?: string;
  /** How long after enter_chat a welcome, and after a click a card update, is accepted; 5 000 ms. */
  replyWindowMs?: number;
  /** Epoch ms used for windows, limits and history; Date.now by default. */
  now?: () => number;
  /** Told every push (`aibot_send_msg`) it accepted, e.g. to print it as the group reads it. */
  onPush?: (frame: FakeReceivedFrame) => void;
  /** Rules for proactive pushes that WeCom may enforce (wecom-protocol.md); none by default. */
  pushRules?: FakePushRules;
}

/**
 * Refusals of proactive pushes (`aibot_send_msg`) integrators report but WeCom does not document:
 * a conversation where no user has spoken for `quietAfterMs` refuses them (errcode
 * FAKE_ERRCODES.conversationQuiet), and one that took `perDay` of them on a calendar day
 * (UTC+8) refuses more (FAKE_ERRCODES.dailyCapReached). Replies are not affected.
 */
export interface FakePushRules {
  quietAfterMs?: number;
  perDay?: number;
}

/** One subscription the fake accepted; live while `closedAt` is undefined. */
export interface FakeSubscription {
  connection: number;
  openedAt: number;
  closedAt?: number;
  /** kicked: a newer subscribe took over; closed: the socket closed; dropped: `dropAll()`; server_closed: `close()`. */
  endedBy?: "kicked" | "closed" | "dropped" | "server_closed";
}

/** A frame the client sent, with the ack the fake gave (none while acks are stopped). */
export interface FakeReceivedFrame {
  connection: number;
  cmd: string;
  reqId: string;
  body: unknown;
  at: number;
  ack?: { errcode: number; errmsg: string };
}

/** A user text to deliver; `chattype` is "group" when `chatid` is given, else "single". */
export interface FakeTextInput {
  userid: string;
  text: string;
  chatid?: string;
  chattype?: "group" | "single";
  msgid?: string;
}

/** A user event to deliver; `cardEvent` becomes `event.template_card_event`. */
export interface FakeEventInput {
  userid: string;
  eventtype: "enter_chat" | "template_card_event";
  chatid?: string;
  cardEvent?: { card_type: string; event_key: string; task_id: string; selected_items?: unknown };
  msgid?: string;
}

/** A running fake of WeCom's long-connection server. See {@link startFakeLongConnection}. */
export interface FakeLongConnection {
  /** ws://127.0.0.1:<port> */
  readonly url: string;
  /** Delivers an `aibot_msg_callback` to the live subscription; returns its req_id. Throws when none is live. */
  sendText(input: FakeTextInput): string;
  /** Delivers an `aibot_event_callback` to the live subscription; returns its req_id. Throws when none is live. */
  sendEvent(input: FakeEventInput): string;
  /** Sends `text` as it is to the live subscription: a frame WeCom would never send, to see what the client does with it. Throws when none is live. */
  sendRaw(text: string): void;
  /** Replies (respond, welcome, update) sent on a callback's req_id, in order. */
  responses(reqId: string): FakeReceivedFrame[];
  /** The first reply accepted on a callback's req_id, once it comes; rejects after `timeoutMs` (5 000). */
  reply(reqId: string, timeoutMs?: number): Promise<FakeReceivedFrame>;
  /** Every `aibot_send_msg`, accepted or not. */
  sent(): FakeReceivedFrame[];
  /** Every `aibot_respond_update_msg`, accepted or not. */
  updates(): FakeReceivedFrame[];
  /** The bytes of an uploaded medium (`aibot_upload_media_*`), by the media_id a push names. */
  media(mediaId: string): Buffer | undefined;
  /** Every frame received, or those with `cmd`. */
  received(cmd?: string): FakeReceivedFrame[];
  /** Frames refused for their size (over {@link MAX_CLIENT_FRAME_BYTES}); each closed its socket with 1009. */
  oversizeFrames(): number;
  /** Every subscription accepted, oldest first. */
  subscriptions(): FakeSubscription[];
  /** Open sockets, subscribed or not. */
  connectionCount(): number;
  /** Destroys every socket without a close frame, as a network failure would. */
  dropAll(): void;
  /** Refuses every following subscribe with `errcode` (and closes), or stops refusing with undefined. */
  rejectSubscribes(errcode: number | undefined): void;
  /** Half-alive: while true, frames are recorded but nothing is answered or acted on. */
  stopAcks(stopped: boolean): void;
  /** A slow network: while true, new connections' handshakes go unanswered; false answers those waiting. */
  holdHandshakes(hold: boolean): void;
  /** Handshakes waiting while held. */
  heldHandshakes(): number;
  /**
   * Refuses every reply and push in one conversation (a group's chatid, or a userid) with
   * `errcode`, as WeCom does once the conversation's quota is spent elsewhere; undefined stops.
   */
  refuseIn(conversation: string, errcode: number | undefined): void;
  /** Replaces the proactive-push rules (see FakePushRules); `{}` lifts them. */
  setPushRules(rules: FakePushRules): void;
  /** Polls `predicate` every 10 ms; rejects after `timeoutMs` (10 000: a bound for a loaded machine, not a wait). */
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Peer {
  id: number;
  ws: WebSocket;
  subscription?: FakeSubscription;
}

interface Callback {
  kind: "message" | "event";
  eventtype?: string;
  conversation: string;
  at: number;
}

const STREAM_MAX_BYTES = 20_480;
/**
 * The largest frame taken from a client. The largest a client sends is a media chunk (512 KB,
 * 683 KB in base64, in its JSON); WeCom publishes no frame limit, so the fake closes (1009) past
 * 1 MB, as a server that bounds what one frame costs must.
 */
export const MAX_CLIENT_FRAME_BYTES = 1024 * 1024;
/** `POST /say` and `/tap` carry what a user types or taps: a few KB. */
const MAX_SAY_BYTES = 64 * 1024;
const REPLY_LIFETIME_MS = 24 * 60 * 60 * 1000;
const REPLY_CMDS = new Set(["aibot_respond_msg", "aibot_respond_welcome_msg", "aibot_respond_update_msg"]);

function randomId(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/**
 * Starts a fake of WeCom's smart-bot long-connection server on 127.0.0.1 that keeps the
 * rules of wecom-protocol.md ("Long connection"): credential check, one live subscription per
 * bot (a newer one kicks the older with `disconnected_event`), acks by req_id, 30 messages a
 * minute per conversation, pushes only to chats where a user spoke, 20480-byte streams, 5 s
 * windows for welcomes and card updates, template cards of WeCom's shapes (fake-card-rules.ts). Tests drive users through `sendText`/`sendEvent` and
 * break the network through `dropAll`, `rejectSubscribes` and `stopAcks`.
 */
export async function startFakeLongConnection(options: FakeLongConnectionOptions): Promise<FakeLongConnection> {
  const now = options.now ?? Date.now;
  const perMinute = options.perChatPerMinute ?? 30;
  const perHour = options.perChatPerHour ?? 1000;
  const botName = options.botName ?? "平安助手";
  const replyWindowMs = options.replyWindowMs ?? 5_000;

  // One port: the long connection (WebSocket upgrade) and `POST /say`, where `pingan say` plays a user.
  const http = createServer((req, res) => void serveSay(req, res));
  // While connections are held, a WebSocket handshake waits here, unanswered, until released.
  let holding = false;
  const waitingHandshakes: (() => void)[] = [];
  const server = new WebSocketServer({
    server: http,
    maxPayload: MAX_CLIENT_FRAME_BYTES,
    verifyClient: (_info, accept) => {
      if (holding) waitingHandshakes.push(() => accept(true));
      else accept(true);
    },
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const { port } = http.address() as AddressInfo;

  const peers = new Set<Peer>();
  const history: FakeSubscription[] = [];
  const frames: FakeReceivedFrame[] = [];
  const callbacks = new Map<string, Callback>();
  const knownChats = new Set<string>();
  const sentAt = new Map<string, number[]>();
  const countedStreams = new Set<string>();
  const uploads = createFakeMediaUpload(now);
  let live: Peer | undefined;
  let oversize = 0;
  let nextPeerId = 1;
  let subscribeRefusal: number | undefined;
  let acksStopped = false;
  const refusedConversations = new Map<string, number>();
  let pushRules: FakePushRules = options.pushRules ?? {};
  /** When a user last spoke in each conversation. */
  const spokeAt = new Map<string, number>();
  /** Pushes accepted per conversation and day: `<conversation>\u0000<day>` → count. */
  const pushesOnDay = new Map<string, number>();
  const dayOf = (ms: number) => Math.floor((ms + 8 * 3_600_000) / 86_400_000);

  /** The refusal of a proactive push by the rules, if any. */
  function refuseProactive(chatid: string): Verdict | undefined {
    const t = now();
    const { quietAfterMs, perDay } = pushRules;
    if (quietAfterMs !== undefined && t - (spokeAt.get(chatid) ?? -Infinity) >= quietAfterMs) {
      return refuse(FAKE_ERRCODES.conversationQuiet, "conversation not active: a user must message the bot first");
    }
    if (perDay !== undefined && (pushesOnDay.get(`${chatid}\u0000${dayOf(t)}`) ?? 0) >= perDay) {
      return refuse(FAKE_ERRCODES.dailyCapReached, `proactive push daily limit (${perDay}) reached`);
    }
    return undefined;
  }

  function endSubscription(peer: Peer, endedBy: NonNullable<FakeSubscription["endedBy"]>): void {
    const sub = peer.subscription;
    if (sub && sub.closedAt === undefined) {
      sub.closedAt = now();
      sub.endedBy = endedBy;
    }
    if (live === peer) live = undefined;
  }

  function deliver(peer: Peer, cmd: string, body: unknown, reqId = randomId(16)): string {
    peer.ws.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }));
    return reqId;
  }

  function requireLive(): Peer {
    if (!live || live.ws.readyState !== WebSocket.OPEN) {
      throw new Error("fake long connection: no live subscription to deliver to");
    }
    return live;
  }

  function subscribe(peer: Peer, body: unknown): Verdict {
    if (subscribeRefusal !== undefined) return refuse(subscribeRefusal, "subscribe refused (injected)");
    if (field(body, "bot_id") !== options.botId || field(body, "secret") !== options.secret) {
      return refuse(FAKE_ERRCODES.badCredentials, "invalid bot_id or secret");
    }
    if (live === peer) return OK;
    const previous = live;
    if (previous) {
      // The old subscription ends before the new one starts: never two live at once.
      endSubscription(previous, "kicked");
      deliver(previous, "aibot_event_callback", {
        msgid: randomId(12),
        create_time: Math.floor(now() / 1000),
        aibotid: options.botId,
        msgtype: "event",
        event: { eventtype: "disconnected_event" },
      });
      // close(), not terminate(): the event must be flushed before the close frame.
      previous.ws.close(1000, "another connection subscribed");
    }
    peer.subscription = { connection: peer.id, openedAt: now() };
    history.push(peer.subscription);
    live = peer;
    return OK;
  }

  function streamOf(body: unknown): { id?: string; content?: string } | undefined {
    const msgtype = field(body, "msgtype");
    if (msgtype !== "stream" && msgtype !== "stream_with_template_card") return undefined;
    const stream = field(body, "stream");
    const id = field(stream, "id");
    const content = field(stream, "content");
    return {
      ...(typeof id === "string" ? { id } : {}),
      ...(typeof content === "string" ? { content } : {}),
    };
  }

  /** Size and rate rules for anything that puts a message in a conversation. */
  function admit(conversation: string, body: unknown): Verdict {
    const refusal = refusedConversations.get(conversation);
    if (refusal !== undefined) return refuse(refusal, "refused in this conversation (injected)");
    const msgtype = field(body, "msgtype");
    const badCard = msgtype === "template_card" || msgtype === "stream_with_template_card" ? refuseCard(field(body, "template_card")) : undefined;
    if (badCard) return badCard;
    const stream = streamOf(body);
    if (stream?.content !== undefined && Buffer.byteLength(stream.content, "utf8") > STREAM_MAX_BYTES) {
      return refuse(FAKE_ERRCODES.contentTooLarge, `stream content exceeds ${STREAM_MAX_BYTES} bytes`);
    }
    // Later frames of one stream update the same message; only its first counts.
    const streamKey = stream?.id === undefined ? undefined : `${conversation}\u0000${stream.id}`;
    if (streamKey !== undefined && countedStreams.has(streamKey)) return OK;
    const t = now();
    const times = (sentAt.get(conversation) ?? []).filter((at) => t - at < 3_600_000);
    const lastMinute = times.filter((at) => t - at < 60_000).length;
    if (lastMinute >= perMinute || times.length >= perHour) {
      sentAt.set(conversation, times);
      return refuse(FAKE_ERRCODES.rateLimited, "api freq out of limit");
    }
    times.push(t);
    sentAt.set(conversation, times);
    if (streamKey !== undefined) countedStreams.add(streamKey);
    return OK;
  }

  function reply(cmd: string, reqId: string, body: unknown): Verdict {
    const callback = callbacks.get(reqId);
    if (!callback) return refuse(FAKE_ERRCODES.invalidRequest, `unknown req_id for ${cmd}`);
    const age = now() - callback.at;
    if (cmd === "aibot_respond_msg") {
      if (age > REPLY_LIFETIME_MS) return refuse(FAKE_ERRCODES.invalidRequest, "reply window (24 h) closed");
      return admit(callback.conversation, body);
    }
    if (cmd === "aibot_respond_welcome_msg") {
      if (callback.eventtype !== "enter_chat") return refuse(FAKE_ERRCODES.invalidRequest, "welcome only answers enter_chat");
      if (age > replyWindowMs) return refuse(FAKE_ERRCODES.invalidRequest, "welcome window closed");
      return admit(callback.conversation, body);
    }
    if (callback.eventtype !== "template_card_event") {
      return refuse(FAKE_ERRCODES.invalidRequest, "card update only answers template_card_event");
    }
    if (age > replyWindowMs) return refuse(FAKE_ERRCODES.invalidRequest, "card update window closed");
    if (field(body, "response_type") !== "update_template_card" || typeof field(body, "template_card") !== "object") {
      return refuse(FAKE_ERRCODES.invalidRequest, "card update needs response_type and template_card");
    }
    return refuseCard(field(body, "template_card")) ?? OK;
  }

  function judge(peer: Peer, cmd: string, reqId: string, body: unknown): Verdict {
    if (cmd === "aibot_subscribe") return subscribe(peer, body);
    if (live !== peer) return refuse(FAKE_ERRCODES.invalidRequest, "not subscribed");
    if (cmd === "ping") return OK;
    if (REPLY_CMDS.has(cmd)) return reply(cmd, reqId, body);
    if (cmd === "aibot_send_msg") {
      const chatid = field(body, "chatid");
      if (typeof chatid !== "string" || !knownChats.has(chatid)) return refuse(FAKE_ERRCODES.invalidChat, "invalid chatid");
      const media = uploads.checkSend(body);
      if (media && media.errcode !== 0) return media;
      const refused = refuseProactive(chatid);
      if (refused) return refused;
      const verdict = admit(chatid, body);
      if (verdict.errcode === 0) {
        const day = `${chatid}\u0000${dayOf(now())}`;
        pushesOnDay.set(day, (pushesOnDay.get(day) ?? 0) + 1);
      }
      return verdict;
    }
    const upload = uploads.step(cmd, body);
    if (upload) return upload;
    return refuse(FAKE_ERRCODES.invalidRequest, `unknown cmd ${cmd}`);
  }

  function onFrame(peer: Peer, text: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const cmd = field(parsed, "cmd");
    const reqId = field(field(parsed, "headers"), "req_id");
    if (typeof cmd !== "string" || typeof reqId !== "string") return;
    const record: FakeReceivedFrame = { connection: peer.id, cmd, reqId, body: field(parsed, "body"), at: now() };
    frames.push(record);
    if (acksStopped) return;
    const verdict = judge(peer, cmd, reqId, record.body);
    record.ack = { errcode: verdict.errcode, errmsg: verdict.errmsg };
    if (peer.ws.readyState === WebSocket.OPEN) {
      const ackBody = verdict.body === undefined ? {} : { body: verdict.body };
      peer.ws.send(JSON.stringify({ headers: { req_id: reqId }, errcode: verdict.errcode, errmsg: verdict.errmsg, ...ackBody }));
    }
    if (cmd === "aibot_subscribe" && verdict.errcode !== 0) peer.ws.close(1008, verdict.errmsg);
    if (cmd === "aibot_send_msg" && verdict.errcode === 0) options.onPush?.({ ...record });
  }

  server.on("connection", (ws) => {
    const peer: Peer = { id: nextPeerId++, ws };
    peers.add(peer);
    ws.on("message", (data) => onFrame(peer, data.toString()));
    ws.on("error", (err) => {
      if ((err as NodeJS.ErrnoException).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH") oversize += 1;
    });
    ws.on("close", () => {
      peers.delete(peer);
      endSubscription(peer, "closed");
    });
  });

  function conversationOf(chattype: "group" | "single", userid: string, chatid: string | undefined): string {
    if (chattype === "single") return userid;
    if (!chatid) throw new Error("fake long connection: a group callback needs a chatid");
    return chatid;
  }

  /**
   * `POST /say` with `{"userid", "text", "chatid"?}`: delivers the text as that user (in the
   * group `chatid`, else a direct chat) and answers with the reply frame's body once the bot
   * answered (504 after 15 s; 503 while no connection is subscribed). `POST /tap` with
   * `{"userid", "taskId", "key", "cardType"?, "chatid"?}` taps a card's button the same way.
   */
  async function serveSay(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || (req.url !== "/say" && req.url !== "/tap")) return answer(404, { error: "POST /say or /tap" });
    let input: { userid?: unknown; text?: unknown; chatid?: unknown; taskId?: unknown; key?: unknown; cardType?: unknown };
    try {
      input = JSON.parse(await readRawBody(req, MAX_SAY_BYTES)) as typeof input;
    } catch (error) {
      if (hasCode(error, ErrorCode.BodyTooLarge)) return answer(413, { error: `body over ${MAX_SAY_BYTES} bytes` });
      return answer(400, { error: "body is not JSON" });
    }
    const { userid, text, chatid, taskId, key, cardType } = input;
    const strings = (...values: unknown[]) => values.every((value) => typeof value === "string");
    const valid =
      typeof userid === "string" &&
      (chatid === undefined || typeof chatid === "string") &&
      (req.url === "/say" ? strings(text) : strings(taskId, key) && (cardType === undefined || typeof cardType === "string"));
    if (!valid) {
      return answer(400, { error: 'body must be {"userid", "text", "chatid"?} (/say) or {"userid", "taskId", "key", "cardType"?, "chatid"?} (/tap)' });
    }
    if (!live) return answer(503, { error: "no subscription: the service is not connected" });
    const where = { userid: userid as string, ...(typeof chatid === "string" && { chatid }) };
    const reqId =
      req.url === "/say"
        ? api.sendText({ ...where, text: text as string })
        : api.sendEvent({ ...where, eventtype: "template_card_event", cardEvent: { card_type: (cardType as string | undefined) ?? "button_interaction", event_key: key as string, task_id: taskId as string } });
    try {
      return answer(200, (await api.reply(reqId, 15_000)).body);
    } catch {
      return answer(504, { error: "no reply within 15 s" });
    }
  }

  async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`fake long connection: condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  function copy<T extends object>(items: T[]): T[] {
    return items.map((item) => ({ ...item }));
  }

  const api: FakeLongConnection = {
    url: `ws://127.0.0.1:${port}`,

    sendText({ userid, text, chatid, chattype = chatid ? "group" : "single", msgid = randomId(12) }) {
      const peer = requireLive();
      const conversation = conversationOf(chattype, userid, chatid);
      const body = {
        msgid,
        aibotid: options.botId,
        ...(chattype === "group" ? { chatid } : {}),
        chattype,
        from: { userid },
        msgtype: "text",
        text: { content: chattype === "group" ? `@${botName} ${text}` : text },
      };
      const reqId = deliver(peer, "aibot_msg_callback", body);
      callbacks.set(reqId, { kind: "message", conversation, at: now() });
      knownChats.add(conversation);
      spokeAt.set(conversation, now());
      return reqId;
    },

    sendEvent({ userid, eventtype, chatid, cardEvent, msgid = randomId(12) }) {
      const peer = requireLive();
      const chattype = chatid ? "group" : "single";
      const conversation = conversationOf(chattype, userid, chatid);
      const body = {
        msgid,
        create_time: Math.floor(now() / 1000),
        aibotid: options.botId,
        ...(chatid ? { chatid } : {}),
        chattype,
        from: { userid },
        msgtype: "event",
        event: {
          eventtype,
          ...(eventtype === "template_card_event" ? { template_card_event: cardEvent ?? {} } : {}),
        },
      };
      const reqId = deliver(peer, "aibot_event_callback", body);
      callbacks.set(reqId, { kind: "event", eventtype, conversation, at: now() });
      return reqId;
    },

    sendRaw(text) {
      requireLive().ws.send(text);
    },

    responses(reqId) {
      return copy(frames.filter((f) => f.reqId === reqId && REPLY_CMDS.has(f.cmd)));
    },

    async reply(reqId, timeoutMs = 5_000) {
      const accepted = () => frames.find((f) => f.reqId === reqId && REPLY_CMDS.has(f.cmd) && f.ack?.errcode === 0);
      await waitFor(() => accepted() !== undefined, timeoutMs);
      return { ...accepted()! };
    },

    sent() {
      return copy(frames.filter((f) => f.cmd === "aibot_send_msg"));
    },

    updates() {
      return copy(frames.filter((f) => f.cmd === "aibot_respond_update_msg"));
    },

    media(mediaId) {
      return uploads.bytes(mediaId);
    },

    received(cmd) {
      return copy(cmd === undefined ? frames : frames.filter((f) => f.cmd === cmd));
    },

    oversizeFrames() {
      return oversize;
    },

    subscriptions() {
      return copy(history);
    },

    connectionCount() {
      return peers.size;
    },

    dropAll() {
      for (const peer of peers) {
        endSubscription(peer, "dropped");
        peer.ws.terminate();
      }
    },

    rejectSubscribes(errcode) {
      subscribeRefusal = errcode;
    },

    stopAcks(stopped) {
      acksStopped = stopped;
    },

    holdHandshakes(hold) {
      holding = hold;
      if (!hold) for (const release of waitingHandshakes.splice(0)) release();
    },

    heldHandshakes() {
      return waitingHandshakes.length;
    },

    refuseIn(conversation, errcode) {
      if (errcode === undefined) refusedConversations.delete(conversation);
      else refusedConversations.set(conversation, errcode);
    },

    setPushRules(rules) {
      pushRules = rules;
    },

    waitFor,

    async close() {
      api.holdHandshakes(false);
      for (const peer of peers) {
        endSubscription(peer, "server_closed");
        peer.ws.terminate();
      }
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return api;
}

import { createWecomSimulator, type SimulatedCard } from "../wecom/simulator/wecom-simulator.js";
import { formatCard, renderMarkdown } from "../dev/render-chat.js";
import type { TrialCredentials } from "../main/settings.js";
import type { HostedBot } from "../config/list-bots.js";
import { callbackPath } from "../main/web-app.js";

/** The group chat `pingan say` speaks in (unless --direct), on either transport. */
export const SAY_CHATID = "wr_demo_group";

/** What the bot answered, as `pingan say` shows it: its text and its card. */
interface Answer {
  text?: string;
  card?: SimulatedCard;
}

/** Taps one button of a card, as the user who sent the message. */
type Tap = (card: SimulatedCard, key: string) => Promise<Answer>;

/**
 * `pingan say`: one message to a running service, encrypted and signed as WeCom does, with the
 * credentials of the service's environment (WECOM_TOKEN, WECOM_ENCODING_AES_KEY). With `ws`
 * (the long-connection simulator's address, `pingan fake-webhook --long-connection`), the
 * simulator delivers it over the connection the service holds. A card in the answer (帮助, 状态)
 * is shown with its buttons numbered; `tap` (1-based) then taps that button and shows what the
 * bot answered to it.
 */
export async function say({
  credentials,
  url,
  from,
  text,
  direct,
  ws,
  tap,
  out,
  callbackPath,
}: {
  /** The bot's token, EncodingAESKey and name, as the service was given them. */
  credentials: Pick<TrialCredentials, "token" | "encodingAesKey" | "botName">;
  url: string;
  /** The bot's callback path (`/wecom/<bot>/callback`, see sayThrough); the single bot's by default. */
  callbackPath?: string;
  /** The long-connection simulator, e.g. ws://127.0.0.1:9091. */
  ws?: string;
  from: string;
  text: string;
  direct: boolean;
  /** The button to tap on the answer's card, 1 for the first. */
  tap?: number;
  out: (line: string) => void;
}): Promise<void> {
  const speaker = ws !== undefined ? overLongConnection(ws, from, direct) : overCallback(credentials, url, from, direct, callbackPath);
  const answer = await speaker.say(text);
  show(answer, out);
  if (tap === undefined) return;
  const buttons = answer.card?.button_list ?? [];
  if (!answer.card || buttons.length === 0) throw new Error("这条回复没有带按钮的卡片，不能 --tap");
  const button = buttons[tap - 1];
  if (!button) throw new Error(`卡片上只有 ${buttons.length} 个按钮，--tap 写 1—${buttons.length}`);
  out(`（点了第 ${tap} 个按钮：${button.text}）`);
  show(await speaker.tap(answer.card, button.key), out);
}

/**
 * How `pingan say --bot <id>` reaches one bot of a deployment of several: a callback bot at its
 * own path with its own Token and key (as the config reads them from the environment); a
 * long-connection bot through the simulator its `ws_url` names, unless `--ws` names one.
 */
export function sayThrough(bots: readonly HostedBot[], id: string, ws: string | undefined): Pick<Parameters<typeof say>[0], "credentials" | "callbackPath" | "ws"> {
  const bot = bots.find((b) => b.id === id);
  if (!bot) throw new Error(`配置里没有机器人“${id}”。可写：${bots.map((b) => b.id).join("、")}（配置 bots: 里的 id）`);
  const credentials = { ...(bot.token && { token: bot.token }), ...(bot.encodingAESKey && { encodingAesKey: bot.encodingAESKey }), botName: bot.name };
  if (bot.transport === "callback") return { credentials, callbackPath: callbackPath(bot.id) };
  const simulator = ws ?? bot.wsUrl;
  if (simulator === undefined) throw new Error(`机器人“${id}”用长连接：请用 --ws 写它的长连接模拟器地址，例如 --ws ws://127.0.0.1:9091`);
  return { credentials, ws: simulator };
}

function show({ text, card }: Answer, out: (line: string) => void): void {
  if (text !== undefined || !card) out(renderMarkdown(text ?? "（空回复）"));
  if (card) out(formatCard(card, { numbered: true }));
}

function overCallback(
  { token, encodingAesKey: encodingAESKey, botName }: Pick<TrialCredentials, "token" | "encodingAesKey" | "botName">,
  url: string,
  from: string,
  direct: boolean,
  callbackPath?: string,
): { say(text: string): Promise<Answer>; tap: Tap } {
  if (!token || !encodingAESKey) {
    throw new Error("请设置与服务相同的 WECOM_TOKEN 和 WECOM_ENCODING_AES_KEY 环境变量");
  }
  const sim = createWecomSimulator({ baseUrl: url, token, encodingAESKey, botName: botName ?? "平安助手", ...(callbackPath && { callbackPath }) });
  const where = { from, chattype: direct ? ("single" as const) : ("group" as const), chatid: SAY_CHATID };
  const answered = async (sent: Promise<Awaited<ReturnType<typeof sim.say>>>): Promise<Answer> => {
    const reply = await sent.catch((error: unknown) => {
      // fetch fails with a TypeError whose cause says why (ECONNREFUSED: nothing listens there).
      if (!(error instanceof TypeError)) throw error;
      const cause = error.cause as { code?: string; message?: string } | undefined;
      throw new Error(
        `连接不上 ${url}（${cause?.code ?? cause?.message ?? error.message}）：服务没有在运行，或地址、端口不对。` +
          "请先运行 pingan start，或用 --url 指定服务地址（默认 http://127.0.0.1:$PORT）。",
      );
    });
    if (reply.status === 404) throw new Error(await describeNoCallback(url));
    if (reply.status !== 200) throw new Error(`服务拒绝了这条消息（HTTP ${reply.status}）：${reply.raw}`);
    const text = reply.markdown ?? reply.text;
    return { ...(text !== undefined && { text }), ...(reply.card && { card: reply.card }) };
  };
  return {
    say: (text) => answered(sim.say({ ...where, text })),
    tap: (card, key) => answered(sim.tap({ ...where, taskId: card.task_id, key, cardType: card.card_type })),
  };
}

/**
 * Why a service has no callback route: it holds the long connection (its /healthz shows the
 * connection), or it is not pingan at all.
 */
async function describeNoCallback(url: string): Promise<string> {
  const health = await fetch(`${url.replace(/\/+$/, "")}/healthz`)
    .then((response) => response.json() as Promise<{ connection?: unknown }>)
    .catch(() => undefined);
  return health?.connection !== undefined
    ? `${url} 的服务用的是长连接（bot.transport: websocket），没有回调地址：请加 --ws，经长连接模拟器发送，` +
        "例如 pingan say --ws ws://127.0.0.1:9091 --as hu_bin 平安（模拟器由 pingan fake-webhook --long-connection 9091 启动）"
    : `${url} 没有企业微信回调地址 /wecom/callback：这不是平安助手的服务，或者地址、端口不对（用 --url 指定）`;
}

function overLongConnection(ws: string, from: string, direct: boolean): { say(text: string): Promise<Answer>; tap: Tap } {
  const base = ws.replace(/^ws/, "http").replace(/\/+$/, "");
  const post = async (path: string, body: object): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userid: from, ...(!direct && { chatid: SAY_CHATID }), ...body }),
    }).catch((error: unknown) => {
      throw new Error(`连接不上长连接模拟器 ${ws}（${(error as Error).message}）：请先运行 pingan fake-webhook --long-connection 9091`);
    });
    const reply = (await response.json()) as {
      stream?: { content?: string };
      text?: { content?: string };
      markdown?: { content?: string };
      template_card?: SimulatedCard;
      error?: string;
    };
    if (response.status === 503) throw new Error("服务还没有连上长连接模拟器：启动服务时设置 WECOM_WS_URL 为模拟器地址，并使用 transport: websocket 的配置");
    if (response.status !== 200) throw new Error(`长连接模拟器没有收到回复（HTTP ${response.status}）：${reply.error ?? ""}`);
    const text = reply.stream?.content ?? reply.text?.content ?? reply.markdown?.content;
    return { ...(text !== undefined && { text }), ...(reply.template_card && { card: reply.template_card }) };
  };
  return {
    say: (text) => post("/say", { text }),
    tap: (card, key) => post("/tap", { taskId: card.task_id, key, cardType: card.card_type }),
  };
}

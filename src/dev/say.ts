import { createWecomSimulator } from "../wecom/simulator/wecom-simulator.js";
import { renderMarkdown } from "./render-chat.js";
import type { Settings } from "../main/settings.js";

/** The group chat `pingan say` speaks in (unless --direct), on either transport. */
export const SAY_CHATID = "wr_demo_group";

/**
 * `pingan say`: one message to a running service, encrypted and signed as WeCom does, with the
 * credentials of the service's environment (WECOM_TOKEN, WECOM_ENCODING_AES_KEY). With `ws`
 * (the long-connection simulator's address, `pingan fake-webhook --long-connection`), the
 * simulator delivers it over the connection the service holds.
 */
export async function say({
  settings,
  url,
  from,
  text,
  direct,
  ws,
  out,
}: {
  settings: Pick<Settings, "variables">;
  url: string;
  /** The long-connection simulator, e.g. ws://127.0.0.1:9091. */
  ws?: string;
  from: string;
  text: string;
  direct: boolean;
  out: (line: string) => void;
}): Promise<void> {
  if (ws !== undefined) return sayOverLongConnection({ ws, from, text, direct, out });
  const { WECOM_TOKEN: token, WECOM_ENCODING_AES_KEY: encodingAESKey, PINGAN_BOT_NAME: botName } = settings.variables;
  if (!token || !encodingAESKey) {
    throw new Error("请设置与服务相同的 WECOM_TOKEN 和 WECOM_ENCODING_AES_KEY 环境变量");
  }
  const sim = createWecomSimulator({ baseUrl: url, token, encodingAESKey, botName: botName ?? "平安助手" });
  const reply = await sim.say({ from, text, chattype: direct ? "single" : "group", chatid: SAY_CHATID }).catch((error: unknown) => {
    // fetch fails with a TypeError whose cause says why (ECONNREFUSED: nothing listens there).
    if (!(error instanceof TypeError)) throw error;
    const cause = error.cause as { code?: string; message?: string } | undefined;
    throw new Error(
      `连接不上 ${url}（${cause?.code ?? cause?.message ?? error.message}）：服务没有在运行，或地址、端口不对。` +
        "请先运行 pingan start，或用 --url 指定服务地址（默认 http://127.0.0.1:$PORT）。",
    );
  });
  if (reply.status !== 200) throw new Error(`服务拒绝了这条消息（HTTP ${reply.status}）：${reply.raw}`);
  out(renderMarkdown(reply.markdown ?? reply.text ?? "（空回复）"));
}

async function sayOverLongConnection({ ws, from, text, direct, out }: { ws: string; from: string; text: string; direct: boolean; out: (line: string) => void }): Promise<void> {
  const url = `${ws.replace(/^ws/, "http").replace(/\/+$/, "")}/say`;
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userid: from, text, ...(!direct && { chatid: SAY_CHATID }) }),
  }).catch((error: unknown) => {
    throw new Error(`连接不上长连接模拟器 ${ws}（${(error as Error).message}）：请先运行 pingan fake-webhook --long-connection 9091`);
  });
  const body = (await response.json()) as { stream?: { content?: string }; text?: { content?: string }; error?: string };
  if (response.status === 503) throw new Error("服务还没有连上长连接模拟器：启动服务时设置 WECOM_WS_URL 为模拟器地址，并使用 transport: websocket 的配置");
  if (response.status !== 200) throw new Error(`长连接模拟器没有收到回复（HTTP ${response.status}）：${body.error ?? ""}`);
  out(renderMarkdown(body.stream?.content ?? body.text?.content ?? "（空回复）"));
}

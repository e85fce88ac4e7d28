import { createWecomSimulator } from "../wecom/simulator/wecom-simulator.js";
import { renderMarkdown } from "./render-chat.js";
import type { Settings } from "../main/settings.js";

/**
 * `pingan say`: one message to a running service, encrypted and signed as WeCom does, with the
 * credentials of the service's environment (WECOM_TOKEN, WECOM_ENCODING_AES_KEY).
 */
export async function say({
  settings,
  url,
  from,
  text,
  direct,
  out,
}: {
  settings: Pick<Settings, "variables">;
  url: string;
  from: string;
  text: string;
  direct: boolean;
  out: (line: string) => void;
}): Promise<void> {
  const { WECOM_TOKEN: token, WECOM_ENCODING_AES_KEY: encodingAESKey, PINGAN_BOT_NAME: botName } = settings.variables;
  if (!token || !encodingAESKey) {
    throw new Error("请设置与服务相同的 WECOM_TOKEN 和 WECOM_ENCODING_AES_KEY 环境变量");
  }
  const sim = createWecomSimulator({ baseUrl: url, token, encodingAESKey, botName: botName ?? "平安助手" });
  const reply = await sim.say({ from, text, chattype: direct ? "single" : "group" }).catch((error: unknown) => {
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

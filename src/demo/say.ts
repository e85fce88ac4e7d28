import { createWecomSimulator } from "../simulator/wecom-simulator.js";
import { renderMarkdown } from "./render-chat.js";

/**
 * `pingan say`: one message to a running service, encrypted and signed as WeCom does, with the
 * credentials of the service's environment (WECOM_TOKEN, WECOM_ENCODING_AES_KEY).
 */
export async function say({
  env,
  url,
  from,
  text,
  direct,
}: {
  env: Record<string, string | undefined>;
  url: string;
  from: string;
  text: string;
  direct: boolean;
}): Promise<void> {
  const token = env.WECOM_TOKEN;
  const encodingAESKey = env.WECOM_ENCODING_AES_KEY;
  if (!token || !encodingAESKey) {
    throw new Error("请设置与服务相同的 WECOM_TOKEN 和 WECOM_ENCODING_AES_KEY 环境变量");
  }
  const sim = createWecomSimulator({ baseUrl: url, token, encodingAESKey, botName: env.PINGAN_BOT_NAME ?? "平安助手" });
  const reply = await sim.say({ from, text, chattype: direct ? "single" : "group" });
  if (reply.status !== 200) throw new Error(`服务拒绝了这条消息（HTTP ${reply.status}）：${reply.raw}`);
  console.log(renderMarkdown(reply.markdown ?? reply.text ?? "（空回复）"));
}

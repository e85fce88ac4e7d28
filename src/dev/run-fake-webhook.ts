import { loadConfig } from "../config/load-config.js";
import type { Settings } from "../main/settings.js";
import { formatClock } from "../time/format-time.js";
import { startFakeWebhook, type FakeWebhook } from "../wecom/simulator/fake-webhook.js";
import { formatChatTitle, formatPush } from "./render-chat.js";

/**
 * `pingan fake-webhook --port N`: WeCom's group robot, faked on this machine, printing every push
 * it receives as the group reads it (mentions by name). With the service started on
 * WECOM_API_BASE=http://127.0.0.1:N and messages sent by `pingan say`, an admin tries the whole
 * product without WeCom. Group and people's names come from the config when it loads with the
 * same environment (then only its webhook keys are accepted, as WeCom would); otherwise every
 * key is accepted and shown as its own group.
 */
export async function runFakeWebhook({
  settings,
  port,
  out,
}: {
  settings: Pick<Settings, "configPath" | "variables">;
  port: number;
  out: (line: string) => void;
}): Promise<FakeWebhook> {
  const loaded = await loadConfig({ path: settings.configPath, env: settings.variables }).catch(() => undefined);
  const config = loaded?.config;
  const people = new Map(config ? [...config.leaders, ...config.admins].map((p) => [p.userid, p.name]) : []);
  const nameOf = (userid: string) => people.get(userid) ?? loaded?.roster.nameOf(userid) ?? userid;
  const zone = config?.timezone ?? "Asia/Shanghai";
  let lastGroup: string | undefined;
  const fake = await startFakeWebhook({
    port,
    ...(config && { keys: Object.fromEntries(Object.values(config.groups).map((group) => [group.webhook_key, group.name])) }),
    onMessage(message) {
      if (message.group !== lastGroup) out(formatChatTitle(message.group));
      lastGroup = message.group;
      out(formatPush(message, formatClock(new Date(message.at), zone), nameOf));
    },
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") throw new Error(`端口 ${port} 已被占用，请换一个，例如 --port ${port + 1}`);
    throw error;
  });
  out(
    `模拟的企业微信群机器人已在 ${fake.url} 运行，按 Ctrl+C 退出。\n` +
      `启动服务时设置 WECOM_API_BASE=${fake.url}，提醒、汇总和异常推送就会按群聊显示在这里。`,
  );
  out(
    config
      ? `群：${Object.values(config.groups).map((group) => group.name).join("、")}（按 ${settings.configPath} 中的 webhook_key 区分）`
      : `没有读到配置 ${settings.configPath}，任何 key 都接收，群名显示为 key。`,
  );
  return fake;
}

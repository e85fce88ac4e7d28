import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { LoadedConfig } from "../config/load-config.js";
import type { TrialCredentials } from "../main/settings.js";
import type { Clock } from "../clock/clock.js";
import { formatClock, toWallClock } from "../time/local-time.js";
import { startFakeLongConnection } from "../wecom/simulator/fake-long-connection.js";
import { startFakeWebhook } from "../wecom/simulator/fake-webhook.js";
import { formatBotPush, formatChatTitle, formatPush } from "../dev/render-chat.js";

/**
 * `pingan fake-webhook --port N`: WeCom's group robot, faked on this machine, printing every push
 * it receives as the group reads it (mentions by name). With the service started on
 * WECOM_API_BASE=http://127.0.0.1:N and messages sent by `pingan say`, an admin tries the whole
 * product without WeCom. Group and people's names come from the config when it loads with the
 * same environment (then only its webhook keys are accepted, as WeCom would); otherwise every
 * key is accepted and shown as its own group. With `longConnectionPort`, WeCom's long
 * connection is faked too (BotID and Secret from WECOM_BOT_ID and WECOM_BOT_SECRET): the service
 * dials it, `pingan say --ws` speaks through it, and the bot's own pushes (groups `via: bot`) show here.
 * The times shown are the service's: PINGAN_NOW and PINGAN_SPEED move this clock as they move
 * the service's. With `imagesDir`, every picture received is saved there and its path printed.
 */
export async function runFakeWebhook({
  config: loaded,
  configPath,
  clock,
  credentials,
  port,
  longConnectionPort,
  imagesDir,
  out,
}: {
  /** The service's config, when it loads: its groups' names and keys, and its people's names. */
  config: LoadedConfig | undefined;
  configPath: string;
  /** The service's clock (PINGAN_NOW, PINGAN_SPEED): the times shown are the service's. */
  clock: Clock;
  /** The bot's BotID and Secret the long connection accepts. */
  credentials: Pick<TrialCredentials, "botId" | "botSecret">;
  port: number;
  longConnectionPort?: number;
  /** Where pictures are saved (created when missing). */
  imagesDir?: string;
  out: (line: string) => void;
}): Promise<{ stop(): Promise<void> }> {
  const config = loaded?.config;
  const people = new Map(config ? [...config.leaders, ...config.admins].map((p) => [p.userid, p.name]) : []);
  const nameOf = (userid: string) => people.get(userid) ?? loaded?.roster.nameOf(userid) ?? userid;
  const zone = config?.timezone ?? "Asia/Shanghai";
  const savePicture = imagesDir === undefined ? undefined : createPictureSaver(resolve(imagesDir), () => toWallClock(clock.now(), zone));
  let lastGroup: string | undefined;
  const fake = await startFakeWebhook({
    port,
    now: () => clock.now().getTime(),
    ...(config && { keys: Object.fromEntries(Object.values(config.groups).flatMap((group) => (group.webhook_key === undefined ? [] : [[group.webhook_key, group.name]]))) }),
    onMessage(message) {
      if (message.group !== lastGroup) out(formatChatTitle(message.group));
      lastGroup = message.group;
      out(formatPush(message, formatClock(new Date(message.at), zone), nameOf, message.image && savePicture?.(message.group, message.image.bytes, message.image.format)));
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
      ? `群：${Object.values(config.groups).map((group) => group.name).join("、")}（按 ${configPath} 中的 webhook_key 区分）`
      : `没有读到配置 ${configPath}，任何 key 都接收，群名显示为 key。`,
  );
  if (imagesDir !== undefined) out(`收到的图片存到 ${resolve(imagesDir)}。`);
  if (longConnectionPort === undefined) return fake;
  const { botId, botSecret: secret } = credentials;
  if (!botId || !secret) {
    await fake.stop();
    throw new Error("模拟长连接需要设置与服务相同的 WECOM_BOT_ID 和 WECOM_BOT_SECRET 环境变量");
  }
  const chatNames = new Map(Object.values(config?.groups ?? {}).flatMap((group) => (group.chatid === undefined ? [] : [[group.chatid, group.name]])));
  const longConnection = await startFakeLongConnection({
    now: () => clock.now().getTime(),
    botId,
    secret,
    port: longConnectionPort,
    onPush(frame) {
      const body = frame.body as { chatid: string } & Parameters<typeof formatBotPush>[0];
      const group = chatNames.get(body.chatid) ?? body.chatid;
      if (group !== lastGroup) out(formatChatTitle(group));
      lastGroup = group;
      const save = savePicture && ((picture: Buffer) => savePicture(group, picture, "png"));
      out(formatBotPush(body, formatClock(new Date(frame.at), zone), nameOf, (id) => longConnection.media(id), save));
    },
  });
  out(`模拟的企业微信长连接已在 ${longConnection.url} 运行：启动服务时设置 WECOM_WS_URL=${longConnection.url}，再用 pingan say --ws ${longConnection.url} 发消息。`);
  return {
    async stop() {
      await longConnection.close();
      await fake.stop();
    },
  };
}

/**
 * Saves each picture as `<dir>/<group>-<YYYYMMDD-HHMMSS>-<n>.png` (the service's clock, on the
 * config's wall clock) and returns its path. The group's name is kept to what a file name may hold.
 */
function createPictureSaver(dir: string, wallClock: () => Date): (group: string, bytes: Buffer, format: "png" | "jpg") => string {
  mkdirSync(dir, { recursive: true });
  let count = 0;
  return (group, bytes, format) => {
    const stamp = wallClock().toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
    const path = join(dir, `${group.replace(/[\\/:*?"<>|\s]/g, "_")}-${stamp}-${++count}.${format}`);
    writeFileSync(path, bytes);
    return path;
  };
}

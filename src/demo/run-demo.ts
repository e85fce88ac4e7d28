import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock } from "../clock.js";
import { createLogger } from "../log.js";
import { startService } from "../service.js";
import { startFakeWebhook, type FakeWebhookMessage } from "../simulator/fake-webhook.js";
import { createWecomSimulator } from "../simulator/wecom-simulator.js";
import { createDevCredentials } from "./dev-credentials.js";
import { demoPeople, demoScript, type DemoStep } from "./demo-script.js";
import { formatBubble, formatChatTitle } from "./render-chat.js";

const GROUPS = { principals: "全县校长群", leaders: "局领导群" } as const;

/**
 * `npm run demo`: a private Redis, the service on the example config with fresh development
 * credentials, a fake WeCom group-robot webhook and the WeCom simulator, playing a school day
 * and printing both groups' chats as people read them.
 */
export async function runDemo({ env, out }: { env: Record<string, string | undefined>; out: (line: string) => void }) {
  const dataDir = mkdtempSync(join(tmpdir(), "pingan-demo-"));
  const credentials = createDevCredentials();
  const clock = createManualClock(new Date(env.PINGAN_NOW ?? "2026-11-24T08:30:00+08:00"));
  const webhook = await startFakeWebhook({
    keys: { [credentials.WEBHOOK_KEY_PRINCIPALS!]: GROUPS.principals, [credentials.WEBHOOK_KEY_LEADERS!]: GROUPS.leaders },
    now: () => clock.now().getTime(),
  });
  const { REDIS_URL: _ignored, ...rest } = env;
  const service = await startService({
    env: {
      ...rest,
      ...credentials,
      PINGAN_CONFIG: "config/pingan.example.yaml",
      PINGAN_DATA_DIR: dataDir,
      PORT: "0",
      WECOM_API_BASE: webhook.url,
    },
    log: createLogger({ level: env.LOG_LEVEL ?? "silent" }),
    clock,
    say: out,
  });
  try {
    out(`服务已启动：${service.url}（示例配置 config/pingan.example.yaml，28 所虚构学校）`);
    out(`开发用凭据（每次演示重新生成）：WECOM_TOKEN=${credentials.WECOM_TOKEN} WECOM_ENCODING_AES_KEY=${credentials.WECOM_ENCODING_AES_KEY}`);
    out("下面每条消息都经过真实的加密、签名和 HTTP 回调，回复经解密校验后显示。");
    const sim = createWecomSimulator({
      baseUrl: service.url!,
      token: credentials.WECOM_TOKEN!,
      encodingAESKey: credentials.WECOM_ENCODING_AES_KEY!,
    });
    let shown = 0;
    let group = "";
    const title = (name: string) => {
      if (name !== group) out(formatChatTitle(name));
      group = name;
    };
    const showPushes = (messages: readonly FakeWebhookMessage[]) => {
      for (const message of messages.slice(shown)) {
        title(message.group);
        const mentions = message.mentioned_list.map((u) => `@${demoPeople[u]?.name ?? u}`).join(" ");
        out(formatBubble(clockOf(new Date(message.at)), "平安助手（群机器人）", message.content + (mentions ? `\n${mentions}` : "")));
      }
      shown = messages.length;
    };
    for (const step of demoScript) {
      clock.set(new Date(step.at));
      await play(step);
      await waitForPushes(webhook.messages, step.expectPushes ?? 0, shown);
      showPushes(webhook.messages);
    }

    async function play(step: DemoStep) {
      const person = demoPeople[step.from];
      title(person?.role === "leader" ? GROUPS.leaders : GROUPS.principals);
      if (step.note) out(`\n（${step.note}）`);
      out(formatBubble(clockOf(clock.now()), person?.label ?? step.from, `@平安助手 ${step.text}`));
      const reply = await sim.say({ from: step.from, text: step.text, chatid: person?.role === "leader" ? "wr_leaders" : "wr_principals" });
      out(formatBubble(clockOf(clock.now()), "平安助手", reply.markdown ?? `（HTTP ${reply.status}）`));
    }
    out("\n演示结束。正式部署见 README 的“部署指南”。");
  } finally {
    await service.stop();
    await webhook.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function clockOf(at: Date): string {
  return new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
}

/** Pushes go through the queue and the worker: wait until the expected number arrived. */
async function waitForPushes(messages: readonly FakeWebhookMessage[], expected: number, shown: number) {
  for (let i = 0; i < 200 && messages.length < shown + expected; i += 1) {
    await new Promise((done) => setTimeout(done, 25));
  }
}

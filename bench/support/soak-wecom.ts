/**
 * WeCom's side of bench/soak.ts, run as its own process (so its RSS and open files are its own):
 * the group robots' webhook and the long-connection server, WeCom's limits lifted (the soak
 * sends more than a conversation's 30 a minute). The bench plays users through the long
 * connection's `POST /say`.
 *
 * Protocol (IPC): receives `{ botId, secret }`; sends `{ type: "listening", webhookUrl, wsUrl, pid }`;
 * on `{ type: "counts" }` sends `SoakWecomCounts`; on `{ type: "stop" }` exits.
 */
import { startFakeLongConnection } from "../../src/wecom/simulator/fake-long-connection.js";
import { startFakeWebhook } from "../../src/wecom/simulator/fake-webhook.js";
import { TEST_ENV } from "../../test/support/test-env.js";

/** What reached WeCom so far: group-robot messages and long-connection pushes. */
export interface SoakWecomCounts {
  type: "counts";
  webhookMessages: number;
  botPushes: number;
}

process.once("message", (bot: { botId: string; secret: string }) => {
  (async () => {
    const webhook = await startFakeWebhook({
      keys: { [TEST_ENV.WEBHOOK_KEY_PRINCIPALS]: "全县校长群", [TEST_ENV.WEBHOOK_KEY_LEADERS]: "局领导群" },
      limit: 1_000_000,
    });
    let botPushes = 0;
    const longConnection = await startFakeLongConnection({
      ...bot,
      perChatPerMinute: 1_000_000,
      perChatPerHour: 1_000_000,
      onPush: () => (botPushes += 1),
    });
    const stop = async () => {
      await longConnection.close();
      await webhook.stop();
      process.exit(0);
    };
    process.on("message", (message: { type?: string }) => {
      if (message.type === "stop") void stop();
      if (message.type === "counts") process.send!({ type: "counts", webhookMessages: webhook.messages.length, botPushes } satisfies SoakWecomCounts);
    });
    process.once("disconnect", () => void stop());
    process.send!({ type: "listening", webhookUrl: webhook.url, wsUrl: longConnection.url, pid: process.pid });
  })().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});

import { randomBytes } from "node:crypto";
import { startFakeLongConnection, type FakeLongConnection, type FakeLongConnectionOptions } from "../wecom/simulator/fake-long-connection.js";
import { createWecomSimulator, type SimulatedCard } from "../wecom/simulator/wecom-simulator.js";

/** What the bot answered one message or tap with, as the demo prints it. */
export interface DemoReply {
  markdown?: string;
  card?: SimulatedCard;
  /** For a reply the demo could not read. */
  failure?: string;
}

/** WeCom's side of the demo, on either transport: people speak and tap, the bot's answers come back. */
export interface DemoWecom {
  say(from: string, text: string, chatid: string): Promise<DemoReply>;
  tap(from: string, chatid: string, card: SimulatedCard, key: string): Promise<DemoReply>;
  close(): Promise<void>;
}

/** The BotID and Secret of the demo's long connection, fresh each run. */
export function createDemoBot(): { WECOM_BOT_ID: string; WECOM_BOT_SECRET: string } {
  return { WECOM_BOT_ID: `aibot-demo-${randomBytes(4).toString("hex")}`, WECOM_BOT_SECRET: randomBytes(16).toString("hex") };
}

/** The callback transport: encrypted, signed HTTP callbacks to the service's URL. */
export function createCallbackWecom({ url, token, encodingAESKey, callbackPath }: { url: string; token: string; encodingAESKey: string; callbackPath?: string }): DemoWecom {
  const sim = createWecomSimulator({ baseUrl: url, token, encodingAESKey, ...(callbackPath && { callbackPath }) });
  const read = (reply: Awaited<ReturnType<typeof sim.say>>): DemoReply => ({
    ...(reply.markdown !== undefined && { markdown: reply.markdown }),
    ...(reply.card && { card: reply.card }),
    ...(reply.status !== 200 && { failure: `HTTP ${reply.status}` }),
  });
  return {
    say: async (from, text, chatid) => read(await sim.say({ from, text, chatid })),
    tap: async (from, chatid, card, key) => read(await sim.tap({ from, chatid, taskId: card.task_id, key })),
    async close() {},
  };
}

/**
 * The long connection: the simulator is WeCom's server the service dials (WECOM_WS_URL), and
 * delivers each message and tap as a callback frame. The demo plays a week in seconds, far over a
 * conversation's 30 replies a minute, so the simulator here does not limit.
 */
export async function startLongConnectionWecom(
  bot: { WECOM_BOT_ID: string; WECOM_BOT_SECRET: string },
  onPush: FakeLongConnectionOptions["onPush"],
): Promise<DemoWecom & { fake: FakeLongConnection }> {
  const fake = await startFakeLongConnection({
    botId: bot.WECOM_BOT_ID,
    secret: bot.WECOM_BOT_SECRET,
    perChatPerMinute: 1_000_000,
    perChatPerHour: 1_000_000,
    ...(onPush && { onPush }),
  });
  const read = async (reqId: string): Promise<DemoReply> => {
    const body = (await fake.reply(reqId, 15_000)).body as { stream?: { content?: string }; template_card?: SimulatedCard };
    return { ...(body.stream?.content !== undefined && { markdown: body.stream.content }), ...(body.template_card && { card: body.template_card }) };
  };
  return {
    fake,
    say: (from, text, chatid) => read(fake.sendText({ userid: from, text, chatid })),
    tap: (from, chatid, card, key) =>
      read(fake.sendEvent({ userid: from, chatid, eventtype: "template_card_event", cardEvent: { card_type: card.card_type, event_key: key, task_id: card.task_id } })),
    close: () => fake.close(),
  };
}

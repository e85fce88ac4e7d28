import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addDays, toInstant } from "../time/local-time.js";
import { createManualClock } from "../clock/clock.js";
import { createLogger } from "../ops/log.js";
import { createConfigSource } from "../config/config-source.js";
import { startSystem } from "../main/system.js";
import type { Settings } from "../main/settings.js";
import { startFakeWebhook } from "../wecom/simulator/fake-webhook.js";
import type { SimulatedCard } from "../wecom/simulator/wecom-simulator.js";
import { createDevCredentials } from "../dev/dev-credentials.js";
import { createCallbackWecom, createDemoBot, startLongConnectionWecom, type DemoWecom } from "../dev/demo-wecom.js";
import { writeWebsocketConfig } from "../dev/websocket-config.js";
import { writeDemoConfig } from "../dev/demo-config.js";
import {
  checkupMissingFriday,
  DEMO_DAY,
  demoLeaders,
  demoScript,
  quietlyMissingFriday,
  quietlyMissingWeek,
  studyDoneBeforeFriday,
} from "../dev/demo-script.js";
import { formatBotPush, formatBubble, formatCard, formatPush } from "../dev/render-chat.js";
import { createDemoChat, DEMO_ZONE, hhmm, playDay } from "../dev/demo-day.js";
import { shortNameOf } from "../config/school.js";

const GROUP_NAMES = { principals: "全县校长群", leaders: "局领导群" } as const;
/** The demo plays a week in seconds: a conversation's limit (30 a minute) would hold its pushes for real minutes. */
const DEMO_BOT_RATE = { perWindow: 1_000_000, perHour: 1_000_000 };
/** The groups' chatids, as WeCom names them in callbacks. */
const CHATS = { principals: "wr_principals", leaders: "wr_leaders" } as const;

/**
 * `npm run demo`: a private Redis, the whole service (web and workers) on the example config
 * with fresh development credentials, a fake WeCom group-robot webhook and the WeCom simulator.
 * It plays a Friday on a clock that runs fast (PINGAN_SPEED × real time, from PINGAN_NOW):
 * principals report through real encrypted callbacks, the scheduler's jobs fire at their
 * configured times through the real queue, and both groups' chats are printed at the end. With
 * `transport: "websocket"` the service holds WeCom's long connection to the simulator instead of
 * taking callbacks.
 */
export async function runDemo({ settings, out, transport = "callback" }: { settings: Settings; out: (line: string) => void; transport?: "callback" | "websocket" }) {
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), "pingan-demo-"));
  const credentials = createDevCredentials();
  const speed = settings.speed ?? 1500;
  const clock = createManualClock(settings.now ?? new Date(`${DEMO_DAY}T08:25:00+08:00`));
  const webhook = await startFakeWebhook({
    keys: { [credentials.WEBHOOK_KEY_PRINCIPALS!]: GROUP_NAMES.principals, [credentials.WEBHOOK_KEY_LEADERS!]: GROUP_NAMES.leaders },
    now: () => clock.now().getTime(),
  });
  const bot = createDemoBot();
  // On the long connection both groups are pushed to by the bot itself (via: bot), stamped with the demo's clock.
  const botPushes: { chatid: string; at: number; body: Parameters<typeof formatBotPush>[0] }[] = [];
  const longConnection =
    transport === "websocket"
      ? await startLongConnectionWecom(bot, (frame) => {
          const body = frame.body as { chatid: string } & Parameters<typeof formatBotPush>[0];
          // A reminder's card is the next message of the same push: shown under its text, not minutes
          // later on the demo's fast clock.
          const previous = botPushes.filter((push) => push.chatid === body.chatid).at(-1);
          const at = body.template_card && previous?.body.markdown ? previous.at : clock.now().getTime();
          botPushes.push({ chatid: body.chatid, at, body });
        })
      : undefined;
  // The demo always runs on its own embedded Redis, the example config (with 晨午检 on) and fresh credentials.
  const { redisUrl: _ignored, ...rest } = settings;
  const demoConfig = writeDemoConfig(dataDir);
  // It went live on the Monday: the days before Friday, played below, were owed.
  const playFrom = clock.now();
  clock.set(toInstant(addDays(DEMO_DAY, -4), "07:00", DEMO_ZONE));
  const service = await startSystem(
    {
      ...rest,
      // Its config's `${NAME}` references read the demo's fresh credentials alone.
      config: createConfigSource(
        longConnection ? writeWebsocketConfig(dataDir, { principals: CHATS.principals, leaders: CHATS.leaders }, demoConfig) : demoConfig,
        { ...credentials, ...bot },
      ),
      dataDir,
      port: 0,
      host: "127.0.0.1",
      wecomApiBase: webhook.url,
      ...(longConnection && { wecomWsUrl: longConnection.fake.url }),
    },
    {
      log: createLogger({ level: settings.logLevel === "info" ? "silent" : settings.logLevel }),
      clock,
      // The demo clock runs fast: the demo fires each scheduler's job at its time itself.
      schedules: false,
      say: out,
      // A week in seconds is far over a conversation's 30 replies a minute; replies and pushes share the window.
      ...(longConnection && { pushTuning: { botRateLimit: DEMO_BOT_RATE } }),
    },
  );
  const rt = service;
  clock.set(playFrom);
  if (longConnection) await longConnection.fake.waitFor(() => longConnection.fake.subscriptions().some((sub) => sub.closedAt === undefined), 10_000);
  const wecom: DemoWecom =
    longConnection ?? createCallbackWecom({ url: service.url!, token: credentials.WECOM_TOKEN!, encodingAESKey: credentials.WECOM_ENCODING_AES_KEY! });
  const chat = createDemoChat();
  const add = chat.add;
  let callbacks = 0;

  // Names as the product knows them: leaders from the config, principals from the roster.
  const people = new Map([...rt.config.leaders, ...rt.config.admins].map((p) => [p.userid, p.name]));
  const nameOf = (userid: string) => people.get(userid) ?? rt.roster.nameOf(userid) ?? userid;
  /** `张伟（城关一小）`, `王志远（局长）`: who speaks, as the chat shows them. */
  const labelOf = (userid: string) => {
    const office = demoLeaders[userid] ?? rt.roster.schoolsOf(userid).map(shortNameOf).join("、");
    return office ? `${nameOf(userid)}（${office}）` : nameOf(userid);
  };

  /** The last card each person was shown, for the taps of the script. */
  const cards = new Map<string, SimulatedCard>();

  const send = async (from: string, text: string, print: boolean, note?: string) => {
    const leader = from in demoLeaders;
    const group = leader ? GROUP_NAMES.leaders : GROUP_NAMES.principals;
    const at = clock.now().getTime();
    const reply = await wecom.say(from, text, leader ? CHATS.leaders : CHATS.principals);
    callbacks += 1;
    if (reply.card) cards.set(from, reply.card);
    if (!print) return;
    if (note) add(group, at, `\n（${note}）`);
    add(group, at, formatBubble(hhmm(at), labelOf(from), `@平安助手 ${text}`));
    add(group, at, formatBubble(hhmm(at), "平安助手", reply.markdown ?? `（${reply.failure ?? "没有回复"}）`, nameOf));
    if (reply.card) add(group, at, formatCard(reply.card));
  };

  /** Taps the button of that text on the last card `from` was shown; the updated card is his alone. */
  const tap = async (from: string, text: string, note?: string) => {
    const at = clock.now().getTime();
    const card = cards.get(from);
    const button = card?.button_list?.find((b) => b.text === text);
    if (!card || !button) throw new Error(`demo: ${from} was shown no card with the button ${text}`);
    const reply = await wecom.tap(from, CHATS.principals, card, button.key);
    callbacks += 1;
    if (reply.card) cards.set(from, reply.card);
    if (note) add(GROUP_NAMES.principals, at, `\n（${note}）`);
    add(GROUP_NAMES.principals, at, formatBubble(hhmm(at), labelOf(from), `（点了“${text}”）`));
    add(GROUP_NAMES.principals, at, formatBubble(hhmm(at), `平安助手（只有${nameOf(from)}看到的卡片更新）`, ""));
    if (reply.card) add(GROUP_NAMES.principals, at, formatCard(reply.card));
  };

  /** 晨午检 as principals fill it in: the roster's pupils due, a few off sick. */
  const checkupReport = (school: { code: string; pupils: number }) => `晨检 ${school.code} 应到${school.pupils} 实到${school.pupils - 2} 因病缺勤2 发热1 咳嗽1`;

  try {
    out(`平安助手演示：${DEMO_DAY}（周五），时钟 ${speed} 倍速，28 所虚构学校（config/schools.example.csv）。`);
    out(`服务 ${service.url}，内置 Redis ${service.redisUrl}（AOF 每次写入落盘），企业微信模拟器在本机。`);
    if (longConnection) {
      out(`长连接模式：服务连到本机模拟的企业微信长连接 ${longConnection.fake.url}（BotID ${bot.WECOM_BOT_ID}，Secret 每次重新生成）。`);
      out("每条消息都是长连接上的回调帧，回复是同一 req_id 上的 stream 帧；两个群都设为 via: bot，推送经过真实的队列和限速，由机器人经长连接发出（提醒带一键上报卡片，图表先上传再发）。正在播放…");
    } else {
      out(`开发用凭据（每次重新生成）：WECOM_TOKEN=${credentials.WECOM_TOKEN} WECOM_ENCODING_AES_KEY=${credentials.WECOM_ENCODING_AES_KEY}`);
      out("每条消息都经过真实的加密、签名和 HTTP 回调；推送经过真实的队列、限速和 webhook。正在播放…");
    }

    // The bot can push only to a chat where someone spoke to it: a leader did so once, before this week.
    if (longConnection) await send(Object.keys(demoLeaders)[0]!, "帮助", false);

    // Monday to Thursday, in the background: most schools report; a few leave gaps.
    for (let day = "2026-11-23"; day < DEMO_DAY; day = addDays(day, 1)) {
      clock.set(toInstant(day, "08:40", DEMO_ZONE));
      for (const school of rt.roster.schools) {
        if (!(quietlyMissingWeek[day] ?? []).includes(school.code)) {
          await send(school.reporters[0]!, `平安 ${school.code}`, false);
          await send(school.reporters[0]!, checkupReport(school), false);
        }
        if (day === "2026-11-25" && studyDoneBeforeFriday.includes(school.code)) {
          await send(school.reporters[0]!, `学习 ${school.staff - 2}/${school.staff} ${school.code}`, false);
        }
      }
    }
    // Friday before 08:30: the schools not in the script report quietly.
    clock.set(toInstant(DEMO_DAY, "08:05", DEMO_ZONE));
    const scripted = new Set(demoScript.map((s) => s.from));
    for (const school of rt.roster.schools) {
      if (school.reporters.some((r) => scripted.has(r))) continue;
      if (!quietlyMissingFriday.includes(school.code)) await send(school.reporters[0]!, `平安 ${school.code}`, false);
      if (!checkupMissingFriday.includes(school.code)) await send(school.reporters[0]!, checkupReport(school), false);
    }
    add(GROUP_NAMES.principals, toInstant(DEMO_DAY, "08:05", DEMO_ZONE).getTime(), "（08:00 以后已有 18 所学校陆续报平安，多数学校报了晨午检，此处从 08:31 开始显示）");

    await playDay(rt, clock, {
      day: DEMO_DAY,
      from: "08:25",
      speed,
      steps: demoScript,
      run: ({ from, text, note, tap: tapped }) => (tapped ? tap(from, text, note) : send(from, text, true, note)),
    });

    for (const message of webhook.messages) add(message.group, message.at, formatPush(message, hhmm(message.at), nameOf));
    const chatGroups = new Map<string, string>([[CHATS.principals, GROUP_NAMES.principals], [CHATS.leaders, GROUP_NAMES.leaders]]);
    const media = (id: string) => longConnection?.fake.media(id);
    for (const push of botPushes) add(chatGroups.get(push.chatid) ?? push.chatid, push.at, formatBotPush(push.body, hhmm(push.at), nameOf, media));
    const refusedByBot = longConnection?.fake.sent().filter((frame) => frame.ack?.errcode !== 0).length ?? 0;
    chat.print(Object.values(GROUP_NAMES), out);
    out(
      `\n演示结束：${callbacks} 次${longConnection ? "长连接回调" : "加密回调"}，${webhook.messages.length + botPushes.length} 条群推送，` +
        `${webhook.rejected.length + refusedByBot} 条被企业微信拒绝；用时 ${Math.round((performance.now() - started) / 1000)} 秒。`,
    );
    out("正式部署见 docs/zh/部署指南.md。");
  } finally {
    await service.stop();
    await wecom.close();
    await webhook.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}


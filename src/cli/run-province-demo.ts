import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConfigSource } from "../config/config-source.js";
import type { Roster } from "../config/roster.js";
import { findNode, isUnder } from "../config/roster-tree.js";
import { botServing } from "../config/list-bots.js";
import type { Config } from "../config/schema.js";
import { createDemoChat, DEMO_ZONE, hhmm, playDay } from "../dev/demo-day.js";
import { createCallbackWecom, type DemoWecom } from "../dev/demo-wecom.js";
import { createDevCredentials, requiredSecretNames } from "../dev/dev-credentials.js";
import { PROVINCE_CONFIG, PROVINCE_DAY, provinceLeaders, provinceQuietlyMissing, provinceScript } from "../dev/province-demo-script.js";
import { formatBubble, formatPush } from "../dev/render-chat.js";
import type { Settings } from "../main/settings.js";
import { startSystem } from "../main/system.js";
import { createLogger } from "../ops/log.js";
import { createManualClock } from "../clock/clock.js";
import { toInstant } from "../time/local-time.js";
import { startFakeWebhook } from "../wecom/simulator/fake-webhook.js";
import { shortNameOf } from "../config/school.js";

/**
 * `npm run demo -- --province`: one deployment for a province (config/province/): 2 cities,
 * 3 counties, each county its own bot on its own callback URL (/wecom/<bot>/callback), a
 * schools group and a leaders group per county, a leaders group per city and one for the
 * province. It plays a school morning: principals report in their county's group to their
 * county's bot, an 异常 reaches the leaders' groups above that school only, the 09:00
 * reminders @ each county's missing schools in its own group, and leaders at each level ask
 * 汇总 and see their node: a county its 片区 and schools, a city its counties, the province its
 * cities. Everything through real encrypted callbacks, the real queue and the fake group robots.
 */
export async function runProvinceDemo({ settings, out }: { settings: Settings; out: (line: string) => void }) {
  const started = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), "pingan-province-demo-"));
  const credentials = createDevCredentials(requiredSecretNames(readFileSync(PROVINCE_CONFIG, "utf8")));
  const source = createConfigSource(PROVINCE_CONFIG, credentials);
  const { config, roster } = await source.load();
  const groupName = (id: string) => config.groups[id]!.name;
  const clock = createManualClock(toInstant(PROVINCE_DAY, "07:00", DEMO_ZONE));
  const webhook = await startFakeWebhook({
    keys: Object.fromEntries(Object.values(config.groups).flatMap((group) => (group.webhook_key ? [[group.webhook_key, group.name]] : []))),
    now: () => clock.now().getTime(),
  });
  const { redisUrl: _ignored, ...rest } = settings;
  const service = await startSystem(
    { ...rest, config: source, dataDir, port: 0, host: "127.0.0.1", wecomApiBase: webhook.url },
    { log: createLogger({ level: settings.logLevel === "info" ? "silent" : settings.logLevel }), clock, schedules: false, say: out },
  );
  const bots = new Map<string, DemoWecom>(
    (config.bots ?? []).map((bot) => [
      bot.id,
      // The loaded config holds each bot's secrets as the environment (the fresh credentials) gave them.
      createCallbackWecom({ url: service.url!, token: bot.token!, encodingAESKey: bot.encoding_aes_key!, callbackPath: `/wecom/${bot.id}/callback` }),
    ]),
  );
  const whereSpeaks = speakingPlaces(config, roster);
  const people = new Map([...config.leaders, ...config.admins].map((p) => [p.userid, p.name]));
  const nameOf = (userid: string) => people.get(userid) ?? roster.nameOf(userid) ?? userid;
  const labelOf = (userid: string) => `${nameOf(userid)}（${provinceLeaders[userid] ?? roster.schoolsOf(userid).map(shortNameOf).join("、")}）`;
  const chat = createDemoChat();
  let callbacks = 0;

  const send = async (from: string, text: string, print: boolean, note?: string) => {
    const place = whereSpeaks(from);
    const at = clock.now().getTime();
    const reply = await bots.get(place.bot.id)!.say(from, text, `wr_${place.group}`);
    callbacks += 1;
    if (!print) return;
    const group = groupName(place.group);
    if (note) chat.add(group, at, `\n（${note}）`);
    chat.add(group, at, formatBubble(hhmm(at), labelOf(from), `@${place.bot.name} ${text}`));
    chat.add(group, at, formatBubble(hhmm(at), place.bot.name, reply.markdown ?? `（${reply.failure ?? "没有回复"}）`, nameOf));
  };

  try {
    out(`平安助手省级部署演示：${PROVINCE_DAY}（周二），时钟 ${settings.speed ?? 1500} 倍速。`);
    out(`一套服务、一个内置 Redis（${service.redisUrl}），${PROVINCE_CONFIG}：平安省 2 个市、3 个县（区）、${roster.schools.length} 所虚构学校，每个县一个机器人：`);
    for (const bot of config.bots ?? []) out(`  ${bot.name}  回调地址 ${service.url}/wecom/${bot.id}/callback`);
    out("每条消息都经过真实的加密、签名和 HTTP 回调（发给本县的机器人）；推送经过真实的队列、限速和各群的 webhook。正在播放…");

    // Before 08:30 most schools report quietly.
    clock.set(toInstant(PROVINCE_DAY, "08:05", DEMO_ZONE));
    const scripted = new Set(provinceScript.map((step) => step.from));
    for (const school of roster.schools) {
      if (provinceQuietlyMissing.includes(school.code) || school.reporters.some((r) => scripted.has(r))) continue;
      await send(school.reporters[0]!, `平安 ${school.code}`, false);
    }

    await playDay(service, clock, {
      day: PROVINCE_DAY,
      from: "08:25",
      speed: settings.speed ?? 1500,
      steps: provinceScript,
      run: ({ from, text, note }) => send(from, text, true, note),
    });

    for (const message of webhook.messages) chat.add(message.group, message.at, formatPush(message, hhmm(message.at), nameOf));
    chat.print(Object.keys(config.groups).map(groupName), out);
    out(`\n演示结束：${callbacks} 次加密回调（${bots.size} 个机器人），${webhook.messages.length} 条群推送，${webhook.rejected.length} 条被企业微信拒绝；用时 ${Math.round((performance.now() - started) / 1000)} 秒。`);
    out("市、省一级的部署见 docs/zh/部署指南.md（多个机器人、三级名单）。");
  } finally {
    await service.stop();
    await Promise.all([...bots.values()].map((bot) => bot.close()));
    await webhook.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Where each person of the demo speaks: a principal in the schools group over his school, a
 * leader in the leaders group bound to his node; through the bot that serves that group.
 */
function speakingPlaces(config: Config, roster: Roster) {
  const groups = Object.entries(config.groups).map(([id, group]) => ({ id, role: group.role, node: findNode(roster.root, group.node) }));
  return (userid: string): { group: string; bot: { id: string; name: string } } => {
    const leader = config.leaders.find((person) => person.userid === userid);
    const school = roster.schoolsOf(userid)[0];
    const group = leader
      ? groups.find((g) => g.role === "leaders" && g.node === findNode(roster.root, leader.node))
      : groups.find((g) => g.role === "schools" && g.node && school && isUnder(g.node, school));
    if (group === undefined) throw new Error(`province demo: ${userid} speaks in no group`);
    return { group: group.id, bot: botServing(config, group.id) };
  };
}

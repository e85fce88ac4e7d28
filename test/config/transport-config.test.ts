import { describe, expect, it } from "vitest";
import { crossCheckConfig } from "../../src/config/cross-check-config.js";
import { createRoster } from "../../src/config/roster.js";
import { configSchema, type ConfigInput } from "../../src/config/schema.js";
import { TEST_AES_KEY } from "../support/test-env.js";

const GROUPS: ConfigInput["groups"] = {
  principals: { name: "校长群", webhook_key: "k1", role: "schools" },
  leaders: { name: "领导群", webhook_key: "k2", role: "leaders" },
};
const BASE: ConfigInput = {
  bot: { token: "t", encoding_aes_key: TEST_AES_KEY },
  groups: GROUPS,
  leaders: [{ userid: "li_ming", name: "李明" }],
  roster: "schools.csv",
  tasks: { safety: { name: "平安日报", period: "day", days: "all", deadline: "10:00", reminders: ["09:00"], tally: "10:30" } },
  weekly: { at: "fri 19:00" },
};

function check(patch: Partial<ConfigInput>) {
  const config = configSchema.parse({ ...BASE, ...patch });
  return crossCheckConfig(config, { roster: createRoster([]), quiet: () => false }).map((p) => [p.path.join("."), p.message]);
}

describe("bot.transport and groups via: bot", () => {
  it("takes the long connection with BotID and Secret, and a group pushed through the bot with its chatid", () => {
    const bot = { transport: "websocket" as const, bot_id: "aibot-1", secret: "s" };
    expect(check({ bot, groups: { ...GROUPS, leaders: { name: "领导群", via: "bot", chatid: "wrAbC", role: "leaders" } } })).toEqual([]);
  });

  it("names what each transport lacks", () => {
    expect(check({ bot: { transport: "websocket", token: "t" } })).toEqual([
      ["bot.bot_id", "长连接（transport: websocket）需要 bot.bot_id"],
      ["bot.secret", "长连接（transport: websocket）需要 bot.secret"],
    ]);
    expect(check({ bot: { bot_id: "aibot-1" } })).toEqual([
      ["bot.token", "回调模式需要 bot.token（不用回调请写 transport: websocket）"],
      ["bot.encoding_aes_key", "回调模式需要 bot.encoding_aes_key（不用回调请写 transport: websocket）"],
    ]);
  });

  it("refuses via: bot on the callback, a via: bot group without its chatid, and a group with neither", () => {
    expect(
      check({
        groups: {
          principals: { name: "校长群", role: "schools" },
          leaders: { name: "领导群", via: "bot", role: "leaders" },
        },
      }),
    ).toEqual([
      ["groups.principals.webhook_key", "缺少 webhook_key（或写 via: bot 和 chatid，由智能机器人推送）"],
      ["groups.leaders.via", "via: bot 要由智能机器人经长连接推送，需要 bot.transport: websocket"],
      ["groups.leaders.chatid", "via: bot 的群要写 chatid"],
    ]);
  });
});

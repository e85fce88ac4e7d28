import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { crossCheckConfig } from "../../src/config/cross-check-config.js";
import { findConfigWarnings } from "../../src/config/find-config-warnings.js";
import { listBots, withBotNodes } from "../../src/config/list-bots.js";
import { loadConfig } from "../../src/config/load-config.js";
import { createRoster } from "../../src/config/roster.js";
import { configSchema, type ConfigInput } from "../../src/config/schema.js";
import { ErrorCode, hasCode } from "../../src/errors.js";
import { manyBotsEnv, writeManyBotsConfig } from "../support/many-bots-config.js";
import { TEST_AES_KEY, TEST_ENV } from "../support/test-env.js";

const GROUPS: ConfigInput["groups"] = {
  principals: { name: "校长群", webhook_key: "k1", role: "schools" },
  leaders: { name: "领导群", webhook_key: "k2", role: "leaders" },
  east: { name: "东县领导群", via: "bot", chatid: "wr_east", role: "leaders" },
};
const NORTH = { id: "north", token: "t-north", encoding_aes_key: TEST_AES_KEY, groups: ["principals", "leaders"] };
const EAST = { id: "east", transport: "websocket" as const, bot_id: "aibot-east", secret: "s-east", groups: ["east"] };
const BASE: ConfigInput = {
  groups: GROUPS,
  bots: [NORTH, EAST],
  leaders: [{ userid: "li_ming", name: "李明" }],
  roster: "schools.csv",
  tasks: { safety: { name: "平安日报", period: "day", days: "all", deadline: "10:00", reminders: ["09:00"], tally: "10:30" } },
  weekly: { at: "fri 19:00" },
};
const school = (code: string, county: string) => ({ code, name: `${county}一小`, shortName: "", county, area: "城关片区", stage: "", reporters: [`r_${code}`], pupils: 0, staff: 0, line: 2 });
const ROSTER = createRoster([school("BX001", "北县"), school("NX001", "南县")]);

function check(patch: Partial<ConfigInput>) {
  const config = configSchema.parse({ ...BASE, ...patch });
  return crossCheckConfig(config, { roster: ROSTER, quiet: () => false }).map((p) => [p.path.join("."), p.message]);
}

describe("bots: several bots in one deployment", () => {
  it("takes callback and long-connection bots mixed, each serving its groups, and lists them with the single bot: as bot default", () => {
    expect(check({})).toEqual([]);
    const config = configSchema.parse(BASE);
    expect(listBots(config).map((bot) => [bot.id, bot.transport, bot.groups])).toEqual([
      ["north", "callback", ["principals", "leaders"]],
      ["east", "websocket", ["east"]],
    ]);
    const single = configSchema.parse({ ...BASE, bots: undefined, bot: { token: "t", encoding_aes_key: TEST_AES_KEY }, groups: { principals: GROUPS.principals!, leaders: GROUPS.leaders! } });
    expect(listBots(single).map((bot) => [bot.id, bot.name, bot.groups])).toEqual([["default", "平安助手", ["principals", "leaders"]]]);
  });

  it("refuses duplicate ids, a Token or BotID shared by two bots, and a group claimed by two bots, each on its line", () => {
    expect(check({ bots: [NORTH, { ...NORTH, groups: [] }, EAST, { ...EAST, id: "west", groups: ["east"] }] })).toEqual([
      ["bots.1.id", "机器人 id north 重复：id 出现在回调地址 /wecom/north/callback 中，要互不相同"],
      ["bots.1.token", "与机器人 north 的 Token 相同：每个机器人有自己的一套（企业微信后台各自生成）"],
      ["bots.3.bot_id", "与机器人 east 的 BotID 相同：每个机器人有自己的一套（企业微信后台各自生成）"],
      ["bots.3.groups.0", "群 east 已归机器人 east：一个群只能归一个机器人"],
    ]);
  });

  it("refuses a group via: bot that no long-connection bot serves, an unknown group, a node not on the roster, and credentials left under bot:", () => {
    expect(check({ bot: { token: "t" }, bots: [{ ...NORTH, groups: ["principals", "leader"], node: "西县" }, { ...EAST, groups: [] }] })).toEqual([
      ["bot", "写了 bots:（多个机器人）时，bot: 下只留 name（默认名称），各机器人的密钥写在 bots: 各自一项里"],
      ["bots.0.groups.1", "没有名为 leader 的群"],
      ["groups.east.via", "via: bot 的群要归一个长连接机器人：在 bots: 里 transport: websocket 的那个机器人的 groups 中列出它"],
      ["bots.0.node", '名单里没有 "西县" 这一级（node 写名单中的 市/县 名称，用 / 分隔上下级）'],
    ]);
    expect(check({ bots: [{ ...NORTH, token: undefined }, EAST] })).toEqual([["bots.0.token", "回调模式需要 token（不用回调请写 transport: websocket）"]]);
  });

  it("refuses an account bound to one node as a leader and to another as an admin, which would see only the first", () => {
    const admin = (node?: string) => ({ userid: "li_ming", name: "李明", ...(node && { node }) });
    expect(check({ leaders: [{ ...admin("北县") }], admins: [admin("南县")] })).toEqual([["admins.0.node", "账号 li_ming 在 leaders 里管 北县，在 admins 里管 南县：一个账号只能管一级"]]);
    expect(check({ leaders: [{ ...admin("北县") }], admins: [admin()] })).toEqual([["admins.0.node", "账号 li_ming 在 leaders 里管 北县，在 admins 里管 全部：一个账号只能管一级"]]);
    expect(check({ leaders: [{ ...admin("北县") }], admins: [admin("北县")] })).toEqual([]);
  });

  it("warns of the other transport's lines left in one bot's entry", () => {
    const warnings = findConfigWarnings(configSchema.parse({ ...BASE, bots: [{ ...NORTH, bot_id: "aibot-old" }, EAST] }), ROSTER);
    expect(warnings).toContain("警告：bots.0 是回调模式，bots.0.bot_id 只在长连接（transport: websocket）时使用；要用长连接请写 transport: websocket 并删掉 token 和 encoding_aes_key");
    expect(warnings.filter((warning) => warning.includes("bots.1"))).toEqual([]);
  });

  it("binds a bot's groups that name no node to its node", () => {
    const inherited = withBotNodes(configSchema.parse({ ...BASE, bots: [{ ...NORTH, node: "北县" }, EAST] }));
    expect(Object.entries(inherited.groups).map(([id, group]) => [id, group.node])).toEqual([
      ["principals", "北县"],
      ["leaders", "北县"],
      ["east", undefined],
    ]);
    expect(check({ bots: [{ ...NORTH, node: "北县" }, EAST] }).filter(([path]) => path!.endsWith("node"))).toEqual([]);
    // A group that names its own node keeps it: a county's bot may serve the city's group too.
    const own = withBotNodes(configSchema.parse({ ...BASE, groups: { ...GROUPS, leaders: { ...GROUPS.leaders!, node: "南县" } }, bots: [{ ...NORTH, node: "北县" }, EAST] }));
    expect(own.groups.leaders!.node).toBe("南县");
  });
});

describe("bots: secrets from the environment", () => {
  const dir = mkdtempSync(join(tmpdir(), "pingan-bots-config-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("never shows a bot's secret in a problem", async () => {
    const env = manyBotsEnv();
    const path = writeManyBotsConfig(dir, "ws://127.0.0.1:1");
    const loaded = await loadConfig({ path, env: { ...TEST_ENV, ...env } });
    expect(listBots(loaded.config).map((bot) => bot.id)).toEqual(["north", "south", "east", "west"]);
    // South copied north's Token: the problem names the bot, never the Token.
    const error = await loadConfig({ path, env: { ...TEST_ENV, ...env, SOUTH_TOKEN: env.NORTH_TOKEN!, EAST_BOT_SECRET: "" } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(hasCode(error, ErrorCode.ConfigInvalid)).toBe(true);
    const shown = JSON.stringify(error) + String((error as Error).message);
    expect(shown).toContain("与机器人 north 的 Token 相同");
    expect(shown).toContain("EAST_BOT_SECRET");
    expect(shown).not.toContain(env.NORTH_TOKEN);
  });
});

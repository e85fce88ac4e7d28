import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Redis } from "ioredis";
import { runCli } from "../../src/cli/cli.js";
import { createDeliveryLog, readLateAlerts, type DeliveryLog } from "../../src/push/delivery-log.js";
import { formatLateAlerts } from "../../src/push/push-warnings.js";
import { startEmbeddedRedis, type EmbeddedRedis } from "../../src/store/embedded-redis.js";
import { createKeys } from "../../src/store/keys.js";
import { createManualClock } from "../../src/clock/clock.js";
import { TEST_AES_KEY } from "../support/test-env.js";

const NOW = "2026-11-24T10:00:00+08:00";
const env = { WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: TEST_AES_KEY, WEBHOOK_KEY_PRINCIPALS: "kp", WEBHOOK_KEY_LEADERS: "kl", PINGAN_CONFIG: "config/pingan.example.yaml", PINGAN_NOW: NOW };
let dataDir: string;
let service: EmbeddedRedis;
let client: Redis;
let log: DeliveryLog;

/** The service's embedded Redis with three pushes logged: a reminder three hours ago, an alert delivered, an alert lost to a revoked key. */
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "pingan-deliveries-"));
  service = await startEmbeddedRedis({ dataDir: join(dataDir, "redis") });
  client = new Redis(service.url);
  const clock = createManualClock(new Date("2026-11-24T07:00:00+08:00"));
  log = createDeliveryLog({ redis: client, keys: createKeys(), clock, retentionDays: 400 });
  const body = (content: string) => ({ msgtype: "markdown", markdown: { content } });
  await log.queued({ idempotencyKey: "remind:safety:2026-11-24:07:00", group: "principals" }, [body("请报平安 1"), body("请报平安 2")]);
  for (const part of [0, 1]) await log.attempted(`remind:safety:2026-11-24:07:00#${part}`, { outcome: "sent", way: "webhook" });
  clock.set(new Date("2026-11-24T09:30:00+08:00"));
  const about = { school: "CG001", task: "safety" as const, period: "2026-11-24", msgid: "m1" };
  await log.queued({ idempotencyKey: "alert:m1:leaders", group: "leaders", about, causedAt: "2026-11-24T01:29:58.000Z" }, [body("异常 城关一小：围栏倒塌")]);
  clock.advance(2_000);
  await log.attempted("alert:m1:leaders#0", { outcome: "sent", way: "bot→webhook" });
  await log.queued({ idempotencyKey: "alert:m2:leaders", group: "leaders", about: { ...about, msgid: "m2" } }, [body("异常 城关二小：积水")]);
  await log.attempted("alert:m2:leaders#0", { outcome: "failed", way: "webhook", errcode: 93000, reason: "errcode 93000: invalid webhook url" });
});
afterAll(async () => {
  client.disconnect();
  await service.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function deliveries(...args: string[]) {
  const lines: string[] = [];
  const push = (line: string) => lines.push(line);
  const code = await runCli(["node", "pingan", "deliveries", ...args], { ...env, PINGAN_DATA_DIR: dataDir }, { out: push, err: push });
  return { code, lines };
}

it("prints every push's parts in Chinese, groups by name, never an id in place of a name", async () => {
  const { code, lines } = await deliveries();
  expect(code).toBe(0);
  expect(lines[0]).toBe("共 4 条推送记录（只记正文的摘要，不记正文）：");
  expect(lines[1]).toMatch(/^2026-11-24 07:00 全县校长群 催报提醒第 1\/共 2 段：已送达，经群机器人，试 1 次，用时 0 秒，摘要 [0-9a-f]{12}，编号 remind:safety:2026-11-24:07:00#0$/);
  expect(lines[3]).toMatch(/^2026-11-24 09:30 局领导群 异常提醒：已送达，经长连接被拒，改由群机器人，试 1 次，用时 4 秒，/);
  expect(lines[4]).toContain("局领导群 异常提醒：未送达，经群机器人，试 1 次，群机器人 key 无效（机器人可能被移出群或重新生成了 key），errcode 93000，");
  expect(lines.join("\n")).not.toContain("围栏");
});

it("filters by --failed, --since and --group (by name or id), and refuses a bad --since or group", async () => {
  expect((await deliveries("--failed")).lines.slice(1).map((line) => line.split("编号 ")[1])).toEqual(["alert:m2:leaders#0"]);
  expect((await deliveries("--since", "2h")).lines.slice(1).map((line) => line.split("编号 ")[1])).toEqual(["alert:m1:leaders#0", "alert:m2:leaders#0"]);
  expect((await deliveries("--group", "全县校长群")).lines).toHaveLength(3);
  expect((await deliveries("--group", "principals")).lines).toHaveLength(3);
  const bad = await deliveries("--since", "两小时");
  expect(bad.code).toBe(1);
  expect(bad.lines.join("\n")).toContain("--since 两小时 无效，写成数字加单位：30m（分钟）、2h（小时）或 3d（天）");
  const unknown = await deliveries("--group", "教务群");
  expect(unknown.code).toBe(1);
  expect(unknown.lines.join("\n")).toContain("没有群 教务群。可写群的 id 或名称：");
});

it("clears an undelivered alert once, and then lists it as cleared, not failed", async () => {
  expect(await deliveries("--clear", "alert:m1:leaders#0")).toMatchObject({ code: 1, lines: [expect.stringContaining("没有可清除的未送达推送")] });
  expect(await deliveries("--clear", "alert:m2:leaders#0")).toEqual({ code: 0, lines: ["已清除 alert:m2:leaders#0：不再补发，也不再提示。"] });
  expect((await deliveries("--failed")).lines).toEqual(["没有符合条件的推送记录。"]);
  expect((await log.read("alert:m2:leaders#0"))!.outcome).toBe("cleared");
});

it("labels a refused 收到 card as a card, not an alert, never counts it among the alerts not delivered, and shows a part that may have gone out twice", async () => {
  const card = { msgtype: "template_card", template_card: { card_type: "button_interaction" } };
  const about = { school: "CG001", task: "safety" as const, period: "2026-11-24", msgid: "incident:1:card:leaders" };
  const botCard = { id: "incident-1", title: "事件 #1：城关一小 异常", buttons: [{ text: "收到", key: "k" }] };
  await log.queued({ idempotencyKey: "incident:1:card:leaders", group: "leaders", about, card: botCard }, [card]);
  await log.attempted("incident:1:card:leaders#0", { outcome: "failed", way: "bot", errcode: 40008, reason: "errcode 40008: refused" });
  const failed = (await deliveries("--failed")).lines;
  expect(failed).toHaveLength(2);
  expect(failed[1]).toMatch(/^2026-11-24 09:30 局领导群 收到卡片：未送达，经智能机器人长连接，/);
  expect(failed[1]).not.toContain("异常提醒");
  // Given up on purpose: /healthz and the leaders' replies (readLateAlerts) warn of no alert for it, an hour on.
  const alert = { idempotencyKey: "alert:m4:leaders", group: "leaders", about: { ...about, msgid: "m4" } };
  await log.queued(alert, [{ msgtype: "markdown", markdown: { content: "异常 城关四小：漏雨" } }]);
  const late = await readLateAlerts(client, createKeys(), new Date("2026-11-24T10:30:00+08:00"));
  expect(late.map((entry) => [entry.id, entry.kind])).toEqual([["alert:m4:leaders#0", "alert"]]);
  expect(formatLateAlerts("局领导群", late, new Date("2026-11-24T10:30:00+08:00"))).toContain("局领导群有 1 条异常提醒超过 1 分钟还没送达");
  await log.attempted("alert:m4:leaders#0", { outcome: "sent", way: "webhook" });

  const body = { msgtype: "markdown", markdown: { content: "异常 城关三小：停电" } };
  await log.queued({ idempotencyKey: "alert:m3:leaders", group: "leaders", about: { ...about, msgid: "m3" } }, [body]);
  await log.attempted("alert:m3:leaders#0", { outcome: "sent", way: "webhook", digest: "aaaaaaaaaaaa" });
  // Sent again after a crash, before the mailbox's cursor moved.
  await log.attempted("alert:m3:leaders#0", { outcome: "sent", way: "webhook", digest: "bbbbbbbbbbbb" });
  const resent = (await deliveries("--since", "1h")).lines.find((line) => line.endsWith("编号 alert:m3:leaders#0"));
  expect(resent).toContain("异常提醒：已送达，经群机器人，试 2 次，用时 0 秒，可能重复送达：另有 1 份可能已到群（摘要 aaaaaaaaaaaa），");
});

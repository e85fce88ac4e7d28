import { expect, it } from "vitest";
import { runDemo } from "../../src/cli/run-demo.js";
import { readSettings } from "../../src/main/settings.js";
import { chatsByGroup } from "../support/demo-chats.js";

/**
 * `npm run demo` as an admin runs it: the county's Friday on the example config with 晨午检 switched
 * on, a kind no code names. What it prints must show that kind end to end: a report whose rule
 * alerts the leaders, the reminder naming the schools that have not reported it, its tally and 汇总.
 */
it("plays the county's Friday, 晨午检 included: report, rule alert, reminder, tally and 汇总", async () => {
  const lines: string[] = [];
  await runDemo({ settings: readSettings({ LOG_LEVEL: "silent" }), out: (line) => lines.push(...line.split("\n")) });
  const chats = chatsByGroup(lines);
  expect(lines.at(-2)).toMatch(/^演示结束：\d+ 次加密回调，\d+ 条群推送，0 条被企业微信拒绝/);
  const principals = chats.get("全县校长群")!;
  const leaders = chats.get("局领导群")!;
  expect(principals).toContain("已登记：平安县城关第一小学 11月27日（周五） 晨午检");
  expect(principals).toContain("实到 2126 / 应到 2136，因病缺勤 10，症状：发热 4、咳嗽 3、腹泻 1");
  expect(leaders).toContain("提醒：平安县城关第一小学（城关片区）晨午检：同一症状3例及以上");
  // 09:30: the reminder names the schools without a 晨午检 (those left quiet, and the script's), not those that reported.
  const reminder = principals.slice(principals.indexOf("【催报】晨午检"));
  expect(reminder).toContain("平安县青石镇中心小学");
  expect(reminder.slice(0, reminder.indexOf("\n\n"))).not.toContain("平安县城关第一小学");
  expect(principals).toContain("已登记：平安县北山镇中学 11月27日（周五） 晨午检");
  // 汇总 at 09:20, 未报, the 10:30 tally and the weekly roll-up all count it.
  expect(leaders).toMatch(/晨午检（截止 10:00）\n\s*应报 28 所 · 已报 19 所/);
  expect(leaders).toContain("未报 · 晨午检 11月27日（周五）（截止 10:00）");
  expect(leaders).toMatch(/晨午检统计 11月27日（周五），截止 10:00 已过\n\s*应报 28 所 · 已报 20 所/);
  expect(leaders).toMatch(/城关一小：平安 5\/5 天 · 学习 110\/112（98\.2%） · 晨午检 5\/5 天/);
  // The three kinds of before play as they did.
  expect(leaders).toContain("异常报告：平安县城关第二小学");
}, 300_000);

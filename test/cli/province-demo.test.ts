import { expect, it } from "vitest";
import { runProvinceDemo } from "../../src/cli/run-province-demo.js";
import { readSettings } from "../../src/main/settings.js";
import { chatsByGroup } from "../support/demo-chats.js";

/**
 * `npm run demo -- --province` as an admin runs it: three county bots on their own callback URLs,
 * one embedded Redis, the real queue. What it prints must show the scoping it claims to show.
 */
it("plays a province's morning: each county's bot answers its own schools, alerts and 汇总 stay within each leader's node", async () => {
  const lines: string[] = [];
  await runProvinceDemo({ settings: readSettings({ LOG_LEVEL: "silent" }), out: (line) => lines.push(...line.split("\n")) });
  const chats = chatsByGroup(lines);
  expect(lines.at(-2)).toMatch(/^演示结束：\d+ 次加密回调（3 个机器人），\d+ 条群推送，0 条被企业微信拒绝/);
  // 安宁县's 异常 reaches the leaders above that school, and no one in 平安市.
  for (const group of ["安宁县教育局领导群", "安宁市教育局领导群", "省教育厅领导群"]) expect(chats.get(group), group).toContain("异常报告：安宁县一小");
  for (const group of ["平安县教育局领导群", "城东区教育局领导群", "平安市教育局领导群"]) expect(chats.get(group) ?? "", group).not.toContain("异常报告");
  // Each county's reminder names its own missing schools and the bot its principals talk to.
  expect(chats.get("平安县校长群")).toContain("@平安县平安助手 平安");
  expect(chats.get("平安县校长群")).not.toMatch(/江南中学|西山中学/);
  expect(chats.get("安宁县校长群")).toContain("安宁县西山中学");
  // A city sees its counties as rows, the province its cities; a county leader cannot read another county's school.
  expect(chats.get("平安市教育局领导群")).toMatch(/平安县：已报 \d+\/6 所[\s\S]*城东区：已报 \d+\/6 所/);
  expect(chats.get("省教育厅领导群")).toMatch(/平安市：已报 \d+\/12 所[\s\S]*安宁市：已报 \d+\/6 所/);
  expect(chats.get("平安县教育局领导群")).toContain("“安宁一小”不在您负责的范围（平安县）内");
}, 300_000);

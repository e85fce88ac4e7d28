import { afterAll, beforeAll, it } from "vitest";
import { startHarness, type Harness } from "./support/harness.js";
import { ALL_KINDS } from "./support/config-variant.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: "2026-11-24T08:30:00+08:00", variant: { edits: ALL_KINDS } });
});
afterAll(() => h.close());

const tries: [string, string][] = [
  ["zhang_wei", "平安"],
  ["zhang_wei", "状态"],
  ["zhang_wei", "历史"],
  ["zhang_wei", "历史 上周"],
  ["zhang_wei", "撤销"],
  ["zhang_wei", "撤销 平安"],
  ["zhang_wei", "撤销"],
  ["zhang_wei", "平安 在校2100"],
  ["zhang_wei", "异常 一名学生摔伤 已送医"],
  ["wang_zhiyuan", "收到 #1"],
  ["wang_zhiyuan", "收到 #1"],
  ["zhang_wei", "续报 #1 学生已出院"],
  ["zhang_wei", "结案 #1 无大碍"],
  ["zhang_wei", "结案 #1"],
  ["wang_zhiyuan", "免报 城关一小 平安 明天 停电"],
  ["wang_zhiyuan", "免报 城关一小 平安 昨天 停电"],
  ["wang_zhiyuan", "免报 城关一小 平安 11-30至11-25"],
  ["wang_zhiyuan", "免报 撤销 城关一小 平安 明天"],
  ["wang_zhiyuan", "免报 撤销 城关一小 平安 明天"],
  ["wang_zhiyuan", "代报 城关二小 平安"],
  ["wang_zhiyuan", "代报 城关二小 平安"],
  ["wang_zhiyuan", "历史 城关二小"],
  ["wang_zhiyuan", "历史 城关二小 本月"],
  ["wang_zhiyuan", "导出 本周"],
  ["wang_zhiyuan", "导出 2026-11-01至2026-11-24"],
  ["wang_zhiyuan", "导出 2025-01-01至2026-11-24"],
  ["wang_zhiyuan", "未报"],
  ["wang_zhiyuan", "提醒 平安"],
  ["wang_zhiyuan", "提醒 平安"],
  ["zhou_jie", "平安"],
  ["zhou_jie", "状态"],
  ["zhou_jie", "撤销 平安 枫林小学"],
  ["zhou_jie", "历史 岭头小学"],
  ["zhou_jie", "历史 城关一小"],
  ["liu_xin", "帮助"],
  ["zhang_wei", "例会"],
  ["zhang_wei", "晨检 实到2000 应到2136"],
  ["zhang_wei", "晨检 实到2000 应到2136 发热3"],
  ["zhang_wei", "撤销 晨检"],
  ["zhang_wei", "学习 50/52"],
  ["zhang_wei", "学习 52/50"],
  ["zhang_wei", "防溺水 2100/2136 电话"],
  ["zhang_wei", "防溺水 2200/2136"],
];

it("explores", async () => {
  for (const [who, text] of tries) {
    const reply = await h.say(who, text);
    console.log(`\n### ${who}: ${text}\n${reply}`);
  }
  await h.drainPushes();
}, 300_000);

import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConfigExportLinks } from "../../../src/features/ledger/create-config-export-links.js";
import { createKeys } from "../../../src/store/keys.js";
import { createExemptionStore } from "../../../src/store/exemptions.js";
import { startHarness, type Harness } from "../../support/harness.js";
import { readSheet } from "../../support/read-sheet.js";
import { waitFor } from "../../support/wait-for.js";

/**
 * The week of Monday 2026-11-23 in the autumn term: safety daily (deadline 10:00), study weekly
 * (deadline Friday 18:00), drowning out of season. 28 schools in the example roster.
 */
let h: Harness;
let link: URL;
let reply: string;

const at = (local: string) => h.clock.set(new Date(`${local}+08:00`));
const say = async (local: string, from: string, text: string) => {
  at(local);
  return h.say(from, text);
};
/** The link as served behind the public URL's proxy: same path and query, the test server's origin. */
const local = (url: URL) => `${h.url}${url.pathname}${url.search}`;

beforeAll(async () => {
  h = await startHarness({ now: "2026-11-23T08:00:00+08:00" });
  // Monday: two on time, one late.
  await say("2026-11-23T09:00:00", "zhang_wei", "平安");
  await say("2026-11-23T09:05:00", "wang_fang", "平安 在校1600");
  await say("2026-11-23T10:30:00", "liu_yang", "平安");
  // Tuesday: an abnormal report, and a correction of a pupil count.
  await say("2026-11-24T09:10:00", "wang_fang", "异常 一名学生课间摔伤，已送医，无生命危险");
  await say("2026-11-24T09:00:00", "zhang_wei", "平安 在校2000");
  await say("2026-11-24T09:20:00", "zhang_wei", "平安 在校2100");
  // Wednesday: a report withdrawn.
  await say("2026-11-25T09:00:00", "chen_jing", "平安");
  await say("2026-11-25T09:30:00", "chen_jing", "撤销 平安");
  // Thursday: on time; 城关中学 is an exam centre (免报); 实验中学 phoned in, entered by a leader.
  await say("2026-11-26T09:00:00", "zhang_wei", "平安");
  await createExemptionStore({ redis: h.client, keys: createKeys() }).exempt({
    school: "CG005",
    task: "safety",
    start: "2026-11-26",
    end: "2026-11-26",
    periods: ["2026-11-26"],
    reason: "考点封闭",
    by: "wang_zhiyuan",
    at: "2026-11-25T10:00:00.000Z",
    msgid: "exempt-cg005",
    raw: "免报 城关中学 平安 11-26 考点封闭",
  });
  await h.store.put({
    school: "CG006",
    task: "safety",
    period: "2026-11-26",
    value: { task: "safety", status: "normal" },
    by: "wang_zhiyuan",
    at: "2026-11-26T02:20:00.000Z",
    late: true,
    msgid: "behalf-cg006",
    raw: "代报 实验中学 平安",
    onBehalf: true,
  });
  // Friday: late safety; study on time and late.
  await say("2026-11-27T11:00:00", "zhang_wei", "平安");
  await say("2026-11-27T17:00:00", "zhang_wei", "学习 50/52");
  await say("2026-11-27T19:00:00", "wang_fang", "学习 应到88 实到80 请假6 主题:师德师风");

  reply = await say("2026-11-27T20:00:00", "wang_zhiyuan", "导出 11-23至11-27");
  const found = /\]\((https?:\/\/[^\s)]+)\)/.exec(reply);
  if (!found) throw new Error(`no link in the reply:\n${reply}`);
  link = new URL(found[1]!);
});
afterAll(() => h?.close());

async function download(url: string) {
  const response = await fetch(url);
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

describe("导出", () => {
  it("answers a leader with a signed link under the public URL, the range, the contents and the expiry", () => {
    expect(link.origin).toBe("https://pingan.example.edu.cn");
    expect(link.pathname).toBe("/export/ledger.xlsx");
    expect(Object.fromEntries(link.searchParams)).toMatchObject({ from: "2026-11-23", to: "2026-11-27", by: "wang_zhiyuan" });
    expect(link.searchParams.get("sig")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(link.href).not.toContain(h.config.bot.token);
    expect(reply).toContain("11月23日（周一） 至 11月27日（周五），共 5 天");
    expect(reply).toContain("平安日报（5 期）、防溺水提醒（不在季节内）、周学习（1 期）");
    expect(reply).toContain("链接 60 分钟内有效（至 11月27日 21:00）");
  });

  it("serves the workbook whose numbers match the seeded reports", async () => {
    const { response, body } = await download(local(link));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("spreadsheetml");
    expect(response.headers.get("content-disposition")).toContain(
      `filename*=UTF-8''${encodeURIComponent("台账_2026-11-23至2026-11-27.xlsx")}`,
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(body as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["汇总", "平安日报", "防溺水提醒", "周学习", "异常事件"]);

    const safety = readSheet(workbook.getWorksheet("平安日报")!);
    expect(safety).toHaveLength(28 * 5);
    const byStatus = (status: string) => safety.filter((r) => r["状态"] === status).length;
    expect([byStatus("已报"), byStatus("迟报"), byStatus("未报"), byStatus("免报")]).toEqual([5, 3, 131, 1]);
    const row = (code: string, date: string) =>
      safety.find((r) => r["学校代码"] === code && (r["日期"] as Date).toISOString().startsWith(date))!;
    expect(row("CG001", "2026-11-24")).toMatchObject({
      学校名称: "平安县城关第一小学",
      片区: "城关片区",
      状态: "已报",
      上报人: "张伟",
      上报人账号: "zhang_wei",
      上报时间: new Date("2026-11-24T09:20:00Z"),
      迟报: "否",
      情况: "无异常",
      在校人数: 2100,
      更正次数: 1,
    });
    expect(row("CG002", "2026-11-24")).toMatchObject({ 情况: "异常", 异常情况: "一名学生课间摔伤，已送医，无生命危险" });
    expect(row("CG003", "2026-11-23")).toMatchObject({ 状态: "迟报", 迟报: "是", 上报时间: new Date("2026-11-23T10:30:00Z") });
    expect(row("CG004", "2026-11-25")).toMatchObject({ 状态: "未报", 更正次数: 1, 上报人账号: null });
    expect(row("CG005", "2026-11-26")).toMatchObject({ 状态: "免报", 免报原因: "考点封闭" });
    expect(row("CG006", "2026-11-26")).toMatchObject({ 状态: "迟报", 代报: "是", 代报人: "王志远", 上报人账号: "wang_zhiyuan" });
    expect(row("CG001", "2026-11-27")).toMatchObject({ 状态: "迟报", 截止时间: new Date("2026-11-27T10:00:00Z") });

    expect(readSheet(workbook.getWorksheet("防溺水提醒")!)).toEqual([]);
    const study = readSheet(workbook.getWorksheet("周学习")!);
    expect(study).toHaveLength(28);
    expect(study.find((r) => r["学校代码"] === "CG002")).toMatchObject({
      期次: "2026-W48",
      开始日期: new Date("2026-11-23T00:00:00Z"),
      结束日期: new Date("2026-11-29T00:00:00Z"),
      状态: "迟报",
      实到: 80,
      应到: 88,
      请假: 6,
      学习主题: "师德师风",
    });
    expect(study.find((r) => r["学校代码"] === "CG002")!["出勤率"]).toBeCloseTo(80 / 88, 10);

    const summary = readSheet(workbook.getWorksheet("汇总")!).filter((r) => r["任务"]);
    const line = (task: string, name: string) => summary.find((r) => r["任务"] === task && r["学校名称"] === name)!;
    expect(line("平安日报", "合计")).toMatchObject({ 应报期数: 139, 已报: 8, 按时: 5, 迟报: 3, 未报: 131, 免报: 1 });
    expect(line("平安日报", "合计")["上报率"]).toBeCloseTo(8 / 139, 10);
    expect(line("平安日报", "平安县城关第一小学")).toMatchObject({ 应报期数: 5, 已报: 4, 按时: 3, 迟报: 1, 未报: 1 });
    expect(line("平安日报", "平安县城关第一小学")["上报率"]).toBeCloseTo(0.8, 10);
    expect(line("平安日报", "平安县城关第一小学")["按时率"]).toBeCloseTo(0.6, 10);
    expect(line("平安日报", "平安县城关中学")).toMatchObject({ 应报期数: 4, 免报: 1, 未报: 4 });
    expect(line("周学习", "合计")).toMatchObject({ 应报期数: 28, 已报: 2, 按时: 1, 迟报: 1, 未报: 26 });
    expect(line("周学习", "合计")["提醒率/出勤率"]).toBeCloseTo(130 / 140, 10);
    expect(line("防溺水提醒", "合计")).toMatchObject({ 应报期数: 0, 已报: 0 });
    expect(summary.filter((r) => r["任务"] === "防溺水提醒")).toHaveLength(1);
  });

  it("serves one task's CSV through its own signed link", async () => {
    const { url } = createConfigExportLinks(h.config, h.clock).sign({
      from: "2026-11-23",
      to: "2026-11-27",
      requestedBy: "liu_xin",
      format: "csv",
      task: "safety",
    });
    const { response, body } = await download(local(new URL(url)));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toContain(encodeURIComponent("台账_平安日报_2026-11-23至2026-11-27.csv"));
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = body.toString("utf8").slice(1).trimEnd().split("\r\n");
    expect(lines).toHaveLength(1 + 28 * 5);
    expect(lines[0]).toMatch(/^学校代码,学校名称,片区,日期,截止时间,状态,上报人,上报人账号,上报时间,迟报,代报/);
    expect(lines).toContain(
      "CG003,平安县城关第三小学,城关片区,2026-11-23,2026-11-23 10:00,迟报,刘洋,liu_yang,2026-11-23 10:30,是,否,,无异常,,,0,,平安",
    );
  });

  it("refuses an altered link with 403", async () => {
    const changedTo = new URL(link);
    changedTo.searchParams.set("to", "2026-11-28");
    const changedSig = new URL(link);
    const sig = changedSig.searchParams.get("sig")!;
    changedSig.searchParams.set("sig", `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`);
    const noSig = new URL(link);
    noSig.searchParams.delete("sig");
    for (const url of [changedTo, changedSig]) {
      const { response, body } = await download(local(url));
      expect(response.status).toBe(403);
      expect(body.toString("utf8")).toContain("下载链接无效");
    }
    const { response, body } = await download(local(noSig));
    expect(response.status).toBe(403);
    expect(body.toString("utf8")).toContain("下载链接不完整");
  });

  it("refuses the link once it has expired", async () => {
    at("2026-11-27T20:59:59");
    expect((await download(local(link))).response.status).toBe(200);
    at("2026-11-27T21:00:00");
    const { response, body } = await download(local(link));
    expect(response.status).toBe(403);
    expect(body.toString("utf8")).toContain("下载链接已过期");
  });

  it("is refused to a principal, and a reversed or too long range is a usage error", async () => {
    at("2026-11-27T20:00:00");
    const refused = await h.say("zhang_wei", "导出");
    expect(refused).toContain("“导出”是局领导和管理员用的指令");
    expect(refused).not.toContain("http");
    const reversed = await h.say("wang_zhiyuan", "导出 2026-11-20~2026-11-01");
    expect(reversed).toContain("结束日期 2026-11-01 早于开始日期 2026-11-20");
    expect(reversed).toContain("@平安助手 导出 11-01至11-20");
    expect(await h.say("liu_xin", "导出 2025-01-01至2026-11-20")).toContain("一次最多导出 366 天（现在是 689 天）");
  });

  it("defaults to this week", async () => {
    at("2026-11-25T15:00:00");
    const week = await h.say("chen_xiaohong", "导出");
    expect(week).toContain("（本周）：11月23日（周一） 至 11月29日（周日），共 7 天");
    expect(week).toContain("平安日报（3 期）");
  });

  it("names the year of a date in another year than today's", async () => {
    at("2026-11-25T15:00:00");
    expect(await h.say("chen_xiaohong", "导出 2025-01-01至2025-01-31")).toContain("：2025年1月1日（周三） 至 2025年1月31日（周五），共 31 天");
    at("2027-01-04T09:00:00");
    expect(await h.say("chen_xiaohong", "导出 上月")).toContain("（上月）：2026年12月1日（周二） 至 2026年12月31日（周四）");
  });

  it("reads the range before the keyword too (本月导出)", async () => {
    at("2026-11-25T15:00:00");
    expect(await h.say("chen_xiaohong", "本月导出")).toContain("（本月）：11月1日（周日） 至 11月30日（周一）");
  });
  it("while Redis does not answer or is down, answers 503 with a Chinese page saying to try again, and the ledger once it is back", async () => {
    at("2026-11-27T20:00:00");
    const { url } = createConfigExportLinks(h.config, h.clock).sign({ from: "2026-11-23", to: "2026-11-27", requestedBy: "liu_xin", format: "xlsx" });
    const unavailable = async () => {
      const { response, body } = await download(local(new URL(url)));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("60");
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("content-disposition")).toBeNull();
      expect(body.toString("utf8")).toContain('<p id="unavailable">系统正忙，暂时读不到数据，请稍后再试');
    };
    const redisPid = Number(/process_id:(\d+)/.exec(await h.client.info("server"))![1]);
    // Paused, not gone: the export's connection opens, and nothing answers it.
    process.kill(redisPid, "SIGSTOP");
    try {
      await unavailable();
    } finally {
      process.kill(redisPid, "SIGCONT");
    }
    await h.redis.kill("SIGKILL");
    try {
      await unavailable();
    } finally {
      await h.redis.restart();
    }
    await waitFor("the ledger again", async () => (await download(local(new URL(url)))).response.status === 200, { timeoutMs: 30_000 });
  });
});

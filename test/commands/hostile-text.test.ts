import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeUserText } from "../../src/text/user-text.js";
import { createConfigExportLinks } from "../../src/features/ledger/create-config-export-links.js";
import { startHarness, type Harness } from "../support/harness.js";
import { readSheet } from "../support/read-sheet.js";
import { reportAll, sayAt } from "./leader-seed.js";

/**
 * Text a person typed, shown everywhere as typed and never as markup: every hostile input below
 * is sent through HTTP as a real message (or sits in the roster and config an admin typed), and
 * every place that renders it is read back: the reply, the leaders' alert, the reminder, the
 * tally, 汇总, 历史, the weekly roll-up, and the ledger (where it is kept verbatim, but a formula
 * is defused). Friday 2026-11-27, autumn term; drowning out of season.
 */
const HOSTILE: { label: string; code: string; text: string }[] = [
  { label: "a link", code: "CG001", text: "测试 [点此下载通知](http://evil.example/x) **全部平安**" },
  { label: "an image", code: "CG002", text: "测试 ![图](http://evil.example/a.png)" },
  { label: "emphasis", code: "CG003", text: "测试 **全部平安** __无事__ ~~删除~~" },
  { label: "a heading on a new line", code: "CG005", text: "测试\n# 全县停课" },
  { label: "a quote on a new line", code: "CG006", text: "测试\n> 领导批示：不用上报" },
  { label: "code", code: "CG008", text: "测试 `rm -rf /` ```代码块```" },
  { label: "mentions", code: "DB001", text: "测试 <@all> 请大家注意 <@wang_zhiyuan>" },
  { label: "a font tag", code: "DB002", text: '测试 <font color="warning">紧急</font>' },
  { label: "HTML entities", code: "DB003", text: "测试 &lt;script&gt; &amp; &#60;b&#62;" },
  { label: "a bare URL", code: "DB004", text: "测试 访问 https://evil.example/y 领取" },
  { label: "new lines", code: "DB006", text: "测试 第一行\n第二行\r\n第三行" },
  { label: "a spreadsheet formula", code: "XB001", text: '=HYPERLINK("http://evil.example","点此")' },
];
/** An exemption's reason, a study topic, a school's name and short name, an area and a leader's name, all hostile. */
const REASON = "**停课**<@all>";
const TOPIC = "<font color=warning>紧急</font>[点此](http://evil.example/t)";
const SCHOOL_NAME = "平安县实验小学[官网](http://evil.example/s)";
const SHORT_NAME = "实验**小学**";
// No "/" in it: a roster refuses a 片区 name with the separator of node paths (平安市/平安县).
const AREA = "西部<font color=warning>片区";
const LEADER = "王志远**<@all>**";

/** Markup that would act if typed text went through; none of our own text uses any of it. */
const ACTIVE: [string, RegExp][] = [
  ["a link or image", /\]\(|!\[/u],
  ["an @all mention", /<@all>/u],
  ["a mention of a leader typed in text", /注意 <@wang_zhiyuan>/u],
  ["a font tag", /<font/iu],
  ["an HTML entity", /&#?[a-z0-9]+;/iu],
  ["code", /`/u],
  ["a heading", /^\s*#/mu],
  ["a link scheme", /:\/\//u],
  ["typed emphasis", /\*\*(全部平安|小学|停课|<@all>)\*\*|__无事__|~~删除~~/u],
  ["a typed quote", /^\s*>\s*领导批示/mu],
  ["typed line breaks", /第一行\r?\n/u],
];

function expectInert(where: string, text: string): void {
  for (const [what, pattern] of ACTIVE) expect(text, `${where} shows ${what}`).not.toMatch(pattern);
}

/** Shown as typed: the escaped form is there (and so nothing of it acts). */
function expectShown(where: string, text: string, typed: string): void {
  expect(text, `${where} shows ${JSON.stringify(typed)}`).toContain(escapeUserText(typed));
}

let h: Harness;
let dir: string;
const replies = new Map<string, string>();
let reasonReply = "";
let topicReply = "";
let onBehalfReply = "";
let summary = "";
let alerts = "";
let reminder = "";
let tally = "";
let rollup = "";
const histories = new Map<string, string>();
let workbook: ExcelJS.Workbook;
let csv = "";

const received = (group: string) =>
  h.webhook.messages
    .filter((m) => m.group === group)
    .map((m) => m.content)
    .join("\n");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "pingan-hostile-"));
  const roster = readFileSync("config/schools.example.csv", "utf8")
    .replace("平安县实验小学,实验小学,", `${SCHOOL_NAME},${SHORT_NAME},`)
    .replaceAll(",西部片区,", `,${AREA},`);
  writeFileSync(join(dir, "schools.example.csv"), roster);
  const yaml = readFileSync("config/pingan.example.yaml", "utf8").replace("    name: 王志远", `    name: "${LEADER}"`);
  expect(yaml).toContain(LEADER);
  writeFileSync(join(dir, "pingan.yaml"), yaml);
  // Room for every alert, the tally and the roll-up without waiting for WeCom's minute.
  h = await startHarness({ now: "2026-11-27T08:00:00+08:00", config: join(dir, "pingan.yaml"), rate: { perWindow: 200, windowMs: 60_000 } });

  reasonReply = await sayAt(h, "2026-11-27T08:00:00+08:00", "liu_xin", `免报 白沙学校 平安 今天 ${REASON}`);
  for (const { code, text } of HOSTILE) {
    const reporter = h.roster.byCode(code)!.reporters[0]!;
    replies.set(code, await sayAt(h, "2026-11-27T08:10:00+08:00", reporter, `异常 ${text}`));
    // Each its own alert, as minutes apart: at once they would be merged into one 异常动态 (alert-burst.test.ts).
    await h.drainPushes();
  }
  onBehalfReply = await sayAt(h, "2026-11-27T08:20:00+08:00", "wang_zhiyuan", "代报 北山小学 异常 一名学生摔伤，已送医");
  await h.drainPushes();
  topicReply = await sayAt(h, "2026-11-27T08:25:00+08:00", "zhao_min", `学习 50/52 主题:${TOPIC}`);
  // Everyone else reports; 实验小学 (CG004, the hostile name) stays missing.
  await reportAll(h, "2026-11-27T08:30:00+08:00", [...HOSTILE.map((x) => x.code), "CG004", "DB005", "BB001"]);
  await h.drainPushes();
  alerts = received("局领导群");
  h.webhook.messages.length = 0;

  await h.fire("slots", new Date("2026-11-27T09:00:00+08:00"));
  reminder = received("全县校长群");
  await h.fire("slots", new Date("2026-11-27T10:30:00+08:00"));
  tally = received("局领导群");
  h.webhook.messages.length = 0;

  summary = await sayAt(h, "2026-11-27T10:35:00+08:00", "chen_xiaohong", "汇总");
  for (const code of [...HOSTILE.map((x) => x.code), "DB005", "CG007", "BB001", "CG004"]) {
    histories.set(code, await sayAt(h, "2026-11-27T10:40:00+08:00", "liu_xin", `历史 ${code}`));
  }

  await h.fire("weekly", new Date("2026-11-27T19:00:00+08:00"));
  rollup = received("局领导群");

  const links = createConfigExportLinks(h.config, h.clock);
  const local = (url: string) => `${h.url}${new URL(url).pathname}${new URL(url).search}`;
  const xlsx = await fetch(local(links.sign({ from: "2026-11-27", to: "2026-11-27", requestedBy: "liu_xin" }).url));
  workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as unknown as ExcelJS.Buffer);
  const csvLink = links.sign({ from: "2026-11-27", to: "2026-11-27", requestedBy: "liu_xin", format: "csv", task: "safety" });
  csv = await (await fetch(local(csvLink.url))).text();
}, 120_000);

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("an incident description with markup", () => {
  const places: [string, (code: string) => string][] = [
    ["the reply", (code) => replies.get(code)!],
    ["the leaders' alert", () => alerts],
    ["汇总", () => summary],
    ["the tally", () => tally],
    ["历史", (code) => histories.get(code)!],
    ["the weekly roll-up", () => rollup],
  ];

  for (const [place, read] of places) {
    it.each(HOSTILE)(`shows $label as typed in ${place}, never as markup`, ({ code, text }) => {
      const shown = read(code);
      expectShown(place, shown, text);
      expectInert(place, shown);
    });
  }

  it.each(HOSTILE)("keeps $label verbatim in the ledger, a formula defused", ({ code, text }) => {
    const expected = text.startsWith("=") ? `'${text}` : text;
    // The CSV byte for byte (RFC 4180 quoting).
    const field = (value: string) => (/[",\r\n]/u.test(value) ? `"${value.replace(/"/gu, '""')}"` : value);
    expect(csv).toContain(`,${field(expected)},`);
    expect(csv).toContain(`,${field(`异常 ${text}`)}\r\n`);
    // The workbook as a spreadsheet reads it (XML folds \r\n; ExcelJS's reader decodes entities a
    // second time, so those are checked in the CSV only).
    if (text.includes("&")) return;
    const row = readSheet(workbook.getWorksheet("平安日报")!).find((r) => r["学校代码"] === code)!;
    expect(row["异常情况"]).toBe(expected.replace(/\r\n/gu, "\n"));
    expect(row["原始消息"]).toBe(`异常 ${text}`.replace(/\r\n/gu, "\n"));
  });
});

describe("other typed text: a reason, a topic, names", () => {
  it("shows an exemption's reason as typed in the reply, 汇总, the tally and 历史, and verbatim in the ledger", () => {
    for (const [place, shown] of [
      ["the reply", reasonReply],
      ["汇总", summary],
      ["the tally", tally],
      ["历史", histories.get("DB005")!],
    ] as const) {
      expectShown(place, shown, REASON);
      expectInert(place, shown);
    }
    const row = readSheet(workbook.getWorksheet("平安日报")!).find((r) => r["学校代码"] === "DB005")!;
    expect(row["免报原因"]).toBe(REASON);
  });

  it("shows a study topic as typed in the reply and 历史, and verbatim in the ledger", () => {
    for (const [place, shown] of [
      ["the reply", topicReply],
      ["历史", histories.get("CG007")!],
    ] as const) {
      expectShown(place, shown, TOPIC);
      expectInert(place, shown);
    }
    const row = readSheet(workbook.getWorksheet("周学习")!).find((r) => r["学校代码"] === "CG007")!;
    expect(row["学习主题"]).toBe(TOPIC);
  });

  it("shows a school's name, short name and area as typed in the reminder, 汇总, the tally, the alert, 历史 and the roll-up", () => {
    expect(reminder).toContain("【催报】平安日报");
    expectShown("the reminder", reminder, SCHOOL_NAME);
    expectInert("the reminder", reminder);
    for (const [place, shown] of [
      ["汇总", summary],
      ["the tally", tally],
      ["the weekly roll-up", rollup],
    ] as const) {
      expectShown(place, shown, SHORT_NAME);
      expectShown(place, shown, AREA);
    }
    expectShown("the leaders' alert", alerts, AREA);
    expectShown("历史", histories.get("CG004")!, SCHOOL_NAME);
    expect(readSheet(workbook.getWorksheet("平安日报")!).find((r) => r["学校代码"] === "CG004")!["学校名称"]).toBe(SCHOOL_NAME);
  });

  it("shows a leader's name as typed in the 代报 reply, the alert, 汇总, the tally and 历史", () => {
    for (const [place, shown] of [
      ["the 代报 reply", onBehalfReply],
      ["the leaders' alert", alerts],
      ["汇总", summary],
      ["the tally", tally],
      ["历史", histories.get("BB001")!],
    ] as const) {
      expectShown(place, shown, LEADER);
      expectInert(place, shown);
    }
  });
});

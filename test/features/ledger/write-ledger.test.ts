import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { Ledger, LedgerRow, LedgerTask } from "../../../src/features/ledger/build-ledger.js";
import { writeLedgerCsv } from "../../../src/features/ledger/write-ledger-csv.js";
import { writeLedgerXlsx } from "../../../src/features/ledger/write-ledger-xlsx.js";
import { ledgerSourceOf } from "../../../src/features/ledger/ledger-source.js";
import { PassThrough, type Writable } from "node:stream";
import type { TaskPeriod } from "../../../src/time/task-calendar.js";

const period = (id: string, kind: "day" | "week") => ({ id, kind, required: true }) as TaskPeriod;
const counts = { expected: 2, reported: 1, onTime: 0, late: 1, missing: 1, exempt: 0, reportedRate: 0.5, onTimeRate: 0 };
const row: LedgerRow = {
  task: "safety",
  schoolCode: "CG002",
  schoolName: "平安县城关第二小学",
  area: "城关片区",
  periodId: "2026-11-24",
  periodKind: "day",
  start: "2026-11-24",
  end: "2026-11-24",
  deadline: new Date("2026-11-24T02:00:00Z"),
  required: true,
  status: "迟报",
  reporter: "wang_fang",
  reporterName: "王芳",
  reportedAt: new Date("2026-11-24T02:07:30Z"),
  late: true,
  onBehalf: false,
  safetyStatus: "异常",
  abnormal: '一名学生摔伤, 已送医\n家长说"无碍"',
  changes: 2,
  raw: "=异常 一名学生摔伤",
};
const missing: LedgerRow = { ...row, schoolCode: "CG003", schoolName: "平安县城关第三小学", status: "未报", late: false, changes: 0 };
for (const key of ["reporter", "reporterName", "reportedAt", "safetyStatus", "abnormal", "raw"] as const) delete missing[key];
const safety: LedgerTask = {
  task: "safety",
  taskName: "平安日报",
  periods: [period("2026-11-24", "day")],
  rows: [row, missing],
  schools: [
    { schoolCode: "CG002", schoolName: "平安县城关第二小学", area: "城关片区", ...counts, expected: 1, missing: 0, reportedRate: 1 },
  ],
  total: counts,
};
const study: LedgerTask = {
  task: "study",
  taskName: "周/学习",
  periods: [period("2026-W48", "week")],
  rows: [
    {
      ...missing,
      task: "study",
      periodId: "2026-W48",
      periodKind: "week",
      start: "2026-11-23",
      end: "2026-11-29",
      status: "已报",
      reporter: "wang_fang",
      reportedAt: new Date("2026-11-27T09:00:00Z"),
      attended: 50,
      expected: 52,
      attendRate: 50 / 52,
    },
  ],
  schools: [],
  total: { ...counts, amountRate: 50 / 52 },
};
const ledger: Ledger = {
  from: "2026-11-23",
  to: "2026-11-27",
  timeZone: "Asia/Shanghai",
  asOf: new Date("2026-11-27T12:00:00Z"),
  tasks: [safety, study],
};

/** What a writer wrote into a stream, whole. */
async function written(write: (out: Writable) => Promise<void>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (chunk: Buffer) => chunks.push(chunk));
  await write(out);
  return Buffer.concat(chunks);
}
const csvOf = (task: "safety" | "study" | "drowning") => written((out) => writeLedgerCsv(ledgerSourceOf(ledger), task, out));

describe("writeLedgerXlsx", () => {
  it("writes the summary first, a sheet per task, frozen headers, widths, date and percent cells", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await written((out) => writeLedgerXlsx(ledgerSourceOf(ledger), out))) as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["汇总", "平安日报", "周_学习"]);

    const summary = workbook.getWorksheet("汇总")!;
    expect(summary.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(summary.getRow(1).getCell(1).value).toBe("任务");
    expect(summary.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(summary.getRow(2).values).toEqual([undefined, "平安日报", "CG002", "平安县城关第二小学", "城关片区", 1, 1, 0, 1, 0, 0, 1, 0]);
    expect(summary.getRow(3).getCell(3).value).toBe("合计");
    expect(summary.getRow(3).getCell(11).value).toBe(0.5);
    expect(summary.getRow(3).getCell(11).numFmt).toBe("0.0%");
    expect(summary.getRow(4).getCell(3).value).toBe("合计");
    expect(summary.getRow(4).getCell(13).value).toBeCloseTo(50 / 52, 12);
    expect(String(summary.getRow(6).getCell(1).value)).toContain("统计范围：2026-11-23 至 2026-11-27；数据截至 11月27日 20:00");

    const sheet = workbook.getWorksheet("平安日报")!;
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    const headers = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(0, 12)).toEqual([
      "学校代码", "学校名称", "片区", "日期", "截止时间", "状态", "上报人", "上报人账号", "上报时间", "迟报", "代报", "代报人",
    ]);
    expect(headers.slice(12)).toEqual(["情况", "在校人数", "异常情况", "更正次数", "免报原因", "原始消息"]);
    expect(sheet.getColumn(2).width).toBe(30);
    const cell = (name: string, r = 2) => sheet.getRow(r).getCell(headers.indexOf(name) + 1);
    expect(cell("上报人").value).toBe("王芳");
    expect(cell("日期").value).toEqual(new Date("2026-11-24T00:00:00Z"));
    expect(cell("日期").numFmt).toBe("yyyy-mm-dd");
    expect(cell("上报时间").value).toEqual(new Date("2026-11-24T10:07:30Z"));
    expect(cell("上报时间").numFmt).toBe("yyyy-mm-dd hh:mm");
    expect(cell("迟报").value).toBe("是");
    expect(cell("代报").value).toBe("否");
    expect(cell("异常情况").value).toBe(row.abnormal);
    expect(cell("更正次数").value).toBe(2);
    expect(cell("上报时间", 3).value).toBeNull();
    expect(cell("迟报", 3).value).toBeNull();

    const week = workbook.getWorksheet("周_学习")!;
    expect((week.getRow(1).values as unknown[]).slice(4, 7)).toEqual(["期次", "开始日期", "结束日期"]);
    expect(week.getRow(2).getCell(5).value).toEqual(new Date("2026-11-23T00:00:00Z"));
  });
});

describe("writeLedgerCsv", () => {
  it("writes one task as UTF-8 with a BOM and CRLF, quoting what needs it", async () => {
    const csv = await csvOf("safety");
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = csv.toString("utf8").slice(1);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.split("\r\n")[0]).toBe(
      "学校代码,学校名称,片区,日期,截止时间,状态,上报人,上报人账号,上报时间,迟报,代报,代报人,情况,在校人数,异常情况,更正次数,免报原因,原始消息",
    );
    expect(text).toContain(
      'CG002,平安县城关第二小学,城关片区,2026-11-24,2026-11-24 10:00,迟报,王芳,wang_fang,2026-11-24 10:07,是,否,,异常,,' +
        '"一名学生摔伤, 已送医\n家长说""无碍""",2,,\'=异常 一名学生摔伤\r\n',
    );
    expect(text).toContain("CG003,平安县城关第三小学,城关片区,2026-11-24,2026-11-24 10:00,未报,,,,,,,,,,0,,\r\n");
  });

  it("writes rates as percentages and refuses a task the ledger lacks", async () => {
    expect((await csvOf("study")).toString("utf8")).toContain(",50,52,,96.2%,,0,,");
    await expect(csvOf("drowning")).rejects.toThrow('the ledger has no task "drowning"');
  });
});

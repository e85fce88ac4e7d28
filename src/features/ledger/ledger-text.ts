import { diffDays, formatDate, formatInstant, yearIfOther } from "../../time/local-time.js";
import { escapeUserText } from "../../text/user-text.js";

/** Every user-facing text of the ledger (台账): sheet and column names, the 导出 reply, refusals. */
export const ledgerText = {
  summarySheet: "汇总",
  /** A status cell: 平安日报's 情况, a declared kind's status field. */
  statusAbnormal: "异常",
  statusNormal: "无异常",
  /** Column headers of the sheets and CSV files. */
  headers: {
    task: "任务",
    schoolCode: "学校代码",
    schoolName: "学校名称",
    area: "片区",
    date: "日期",
    periodId: "期次",
    start: "开始日期",
    end: "结束日期",
    deadline: "截止时间",
    status: "状态",
    reporterName: "上报人",
    reporter: "上报人账号",
    reportedAt: "上报时间",
    late: "迟报",
    onBehalf: "代报",
    onBehalfBy: "代报人",
    safetyStatus: "情况",
    present: "在校人数",
    abnormal: "异常情况",
    reached: "已提醒家长",
    total: "应提醒家长",
    reachRate: "提醒率",
    channels: "提醒方式",
    attended: "实到",
    expected: "应到",
    leave: "请假",
    attendRate: "出勤率",
    topic: "学习主题",
    changes: "更正次数",
    exemptReason: "免报原因",
    raw: "原始消息",
    expectedCount: "应报期数",
    reportedCount: "已报",
    onTimeCount: "按时",
    lateCount: "迟报",
    missingCount: "未报",
    exemptCount: "免报",
    reportedRate: "上报率",
    onTimeRate: "按时率",
    amountRate: "提醒率/出勤率",
  },
  yes: "是",
  no: "否",
  totalRow: "合计",
  /** Lines under the summary table. */
  notes: (from: string, to: string, asOf: Date, timeZone: string) => [
    `统计范围：${from} 至 ${to}；数据截至 ${formatInstant(asOf, timeZone)}（${timeZone}）。`,
    "应报 = 已报 + 未报；免报、不要求上报和未上线（服务开始前、学校加入名单前）的期次不计入应报。迟报 = 截止时间之后才报。",
    "尚未到截止时间的期次中没有上报的学校也记为未报。",
  ],

  /** `台账_2026-11-23至2026-11-27.xlsx`, `台账_平安日报_2026-11-23至2026-11-27.csv`. */
  fileName: (from: string, to: string, ext: "xlsx" | "csv", taskName?: string) =>
    `台账_${taskName ? `${taskName}_` : ""}${from}至${to}.${ext}`,

  /** The 导出 reply. */
  exportReply(args: {
    url: string;
    from: string;
    to: string;
    label?: string;
    contents: readonly string[];
    expiresAt: Date;
    ttlMinutes: number;
    timeZone: string;
    fileName: string;
    /** The asker's today: a date of another year is shown with its year. */
    today: string;
  }): string {
    const days = diffDays(args.from, args.to) + 1;
    const day = (date: string) => yearIfOther(date, args.today, formatDate(date));
    const range = args.from === args.to ? day(args.from) : `${day(args.from)} 至 ${day(args.to)}`;
    return [
      `📊 台账导出${args.label ? `（${args.label}）` : ""}：${range}，共 ${days} 天`,
      `内容：汇总表，以及${args.contents.join("、")}各一张表（每校每期一行：上报人、上报时间、迟报、代报、人数和异常情况）。`,
      `[点击下载 ${args.fileName}](${args.url})`,
      `链接 ${args.ttlMinutes} 分钟内有效（至 ${formatInstant(args.expiresAt, args.timeZone)}），数据以下载时为准；请勿转发到群外。`,
    ].join("\n");
  },
  /** `平安日报（5 期）`, `防溺水提醒（不在季节内）`, for the reply's contents line. */
  taskContents: (taskName: string, required: number, why: "none" | "not_in_season" | "not_started" | "not_live") =>
    required > 0
      ? `${taskName}（${required} 期）`
      : `${taskName}（${{ not_in_season: "不在季节内", not_started: "尚未开始", not_live: "服务尚未上线", none: "无需上报" }[why]}）`,
  noPublicUrl: "（管理员尚未在配置中设置 server.public_url，链接只有路径部分，请在服务地址后加上它打开。）",

  // Usage errors of 导出: the dispatcher appends the examples.
  badRange: (text: string) => `“${escapeUserText(text)}”不是可识别的日期范围。可以写 本周、上周、本月、上月，或起止日期。`,
  badDate: (text: string) => `“${escapeUserText(text)}”不是有效的日期。`,
  reversed: (from: string, to: string) => `结束日期 ${to} 早于开始日期 ${from}。跨年的范围请写上年份。`,
  tooLong: (days: number, max: number) => `一次最多导出 ${max} 天（现在是 ${days} 天），请缩小范围。`,

  // The download route's refusals (HTTP 403 bodies).
  linkExpired: "下载链接已过期。请在群里重新发送“导出”获取新链接。",
  linkBadSignature: "下载链接无效（可能被改动过）。请在群里重新发送“导出”获取新链接。",
  linkMalformed: "下载链接不完整。请在群里重新发送“导出”获取新链接。",
  linkUnknownTask: "下载链接中的任务不存在。请在群里重新发送“导出”获取新链接。",
} as const;

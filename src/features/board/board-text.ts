import type { Config } from "../../config/schema.js";
import { personLabel, type School } from "../../config/roster.js";
import { abnormalDescription, isAbnormal, type Report, type ReportEvent } from "../../store/report.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { isBeforeLive, type NotOwedReason } from "../../tally/task-tally.js";
import { formatClock, formatDate, formatDeadline, formatInstant, formatRate } from "../../time/local-time.js";
import { escapeUserText } from "../../text/user-text.js";

/**
 * Every text of the status board (看板): the 看板 reply (markdown, typed text escaped for it)
 * and the page (plain text: the page escapes it as HTML where it puts it).
 */
export const boardText = {
  // The 看板 reply.
  reply: (args: { url: string; expiresAt: Date; ttlMinutes: number; timeZone: string }) =>
    [
      "📊 **平安看板**：今日各片区、各校上报情况（按时、迟报、异常、代报、免报、未报），本周趋势和异常详情。",
      `[点击打开看板](${args.url})`,
      `页面每分钟自动刷新；链接 ${args.ttlMinutes / 60} 小时内有效（至 ${formatInstant(args.expiresAt, args.timeZone)}），请勿转发到群外。`,
    ].join("\n"),
  onlyToday: (text: string) => `看板只显示今天的情况，不需要“${escapeUserText(text)}”。要看其他日子，请发送“汇总 11-20”或“汇总 本周”。`,

  // The page.
  /** A leader or admin by the name the config gives, a reporter by the roster's: see personLabel. */
  person: (userid: string, config: Pick<Config, "leaders" | "admins">, school: School) => personLabel(userid, config, school),
  title: "平安看板",
  pageTitle: (date: string) => `平安看板 · ${formatDate(date)}`,
  updated: (now: Date, timeZone: string) => `更新于 ${formatClock(now, timeZone)} · 每分钟自动刷新`,
  validUntil: (expiresAt: Date, timeZone: string) => `链接有效至 ${formatInstant(expiresAt, timeZone)}，请勿转发到群外。`,
  offline: "网络连接中断，稍后自动重试；下面是上次的数据。",
  /** The open board's notice when a refresh found the service too busy to read (HTTP 503). */
  busy: "系统正忙，暂时读不到最新数据，一分钟后自动重试；下面是上次的数据。",
  noTasks: "本县目前没有启用任何上报任务。",

  /** `open`: the deadline is still ahead (TaskTally.open). */
  deadline: (period: TaskPeriod, timeZone: string, open: boolean) =>
    formatDeadline(period.kind === "day" ? formatClock(period.deadline, timeZone) : formatInstant(period.deadline, timeZone, true), !open),
  notRequired: (taskName: string, reason: NotOwedReason | undefined) =>
    `${taskName}：${reason === "not_in_season" ? "不在季节内，今日无需上报" : isBeforeLive(reason) ? "服务尚未上线，今日无需上报" : "今日不是上报日，无需上报"}`,
  /** The first missing schools by name, of `total`. */
  missingList: (names: readonly string[], total: number) => `未报：${names.join("、")}${total > names.length ? ` 等 ${total} 所` : ""}`,
  reportedOf: "所已报",
  open: "截止时间未到，未报的学校仍可按时上报。",
  drowning: (reached: number, total: number) => `家长已提醒 ${reached} / ${total} 人（${formatRate(reached, total)}）`,
  study: (attended: number, expected: number) => `教职工实到 ${attended} / 应到 ${expected} 人（${formatRate(attended, expected)}）`,

  /** Status words, each shown with its colour. */
  state: {
    onTime: "按时",
    late: "迟报",
    onBehalf: "代报",
    abnormal: "异常",
    missing: "未报",
    exempt: "免报",
    notRequired: "无需报",
    notLive: "未上线",
  },

  abnormalHeading: (count: number) => `异常 ${count} 条`,
  firstShown: (shown: number) => `下面列出最早的 ${shown} 条；全部异常请用“导出”查看。`,
  noAbnormal: "今日没有异常报告。",
  resolvedHeading: (count: number) => `已恢复正常 ${count} 所`,
  resolvedState: "已恢复",
  resolved: (abnormalAt: Date, description: string, correctedAt: Date, timeZone: string) =>
    `${formatClock(abnormalAt, timeZone)} 报“${description}”，${formatClock(correctedAt, timeZone)} 更正为无异常`,
  reportedBy: (at: Date, who: string, onBehalf: boolean, timeZone: string) =>
    `${formatClock(at, timeZone)} · ${onBehalf ? `${who} 代报` : `${who} 上报`}`,
  historyHeading: (count: number) => `本周记录（${count} 条，新的在前）`,
  historyEvent(event: ReportEvent, who: string, timeZone: string): { when: string; what: string; by: string } {
    const report = event.report;
    const what =
      event.type === "withdraw" || !report
        ? "撤销了上报"
        : `${event.type === "replace" ? "更正为" : "上报"}：${boardText.value(report)}${report.late ? "（迟报）" : ""}`;
    return { when: formatInstant(new Date(event.at), timeZone), what, by: report?.onBehalf ? `${who} 代报` : who };
  },
  /**
   * What a report in an abnormal school's history says, as typed: 平安日报's, or a declared kind's
   * with a status field (the board lists only the kinds that can be abnormal).
   */
  value(report: Report): string {
    if (isAbnormal(report)) return `异常：${abnormalDescription(report)}`;
    const value = report.value;
    if (value.task !== "safety") return "无异常";
    return (value.present !== undefined ? `无异常，在校 ${value.present} 人` : "无异常") + (value.remark ? `；备注：${value.remark}` : "");
  },

  trendHeading: (taskName: string) => `本周趋势 · ${taskName}`,
  weekday: (date: string) => formatDate(date).replace(/^.*（(.*)）$/, "$1"),
  monthDay: (date: string) => `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}`,
  today: "今天",
  dayNotRequired: "无需上报",
  dayNotLive: "未上线",
  dayToCome: "未到",
  dayAbnormal: (count: number) => `异常 ${count}`,
  dayMissing: (count: number) => `未报 ${count}`,

  areasHeading: (taskName: string) => `各片区 · ${taskName}`,
  areaCounts: (reported: number, expected: number) => `已报 ${reported}/${expected}`,
  /** A declared kind's count fields summed (format-sums.ts gives the parts). */
  sums: (parts: readonly string[]) => `合计：${parts.join(" · ")}`,
  filterOn: "只看未报、迟报和异常",
  filterOff: "显示全部学校",
  allClean: "全部按时上报，没有异常。",
  allSchoolsOf: (count: number) => `查看本片区全部 ${count} 所学校 ›`,
  backToCounty: "‹ 返回全县",
  pageOf: (area: string, page: number, pages: number) => `${area} · 第 ${page} / ${pages} 页`,
  previousPage: "‹ 上一页",
  nextPage: "下一页 ›",
  unknownArea: "没有这个片区。请从看板首页点击片区进入。",

  // A leader's page (the board, a ledger download) that could not read its data (HTTP 503).
  unavailableTitle: "页面暂时打不开",
  unavailable: "系统正忙，暂时读不到数据，请稍后再试：本页一分钟后自动重新打开，链接不用重新获取。多次仍打不开，请告诉管理员。",

  // Refusals (HTTP 403).
  refusedTitle: "看板链接无法打开",
  linkExpired: "看板链接已过期。请在群里重新发送“看板”获取新链接。",
  linkBadSignature: "看板链接无效（可能被改动过）。请在群里重新发送“看板”获取新链接。",
  linkMalformed: "看板链接不完整。请在群里重新发送“看板”获取新链接。",
} as const;

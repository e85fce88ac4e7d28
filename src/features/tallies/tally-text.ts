import { formatDate, formatInstant, formatMonthDay, formatRate, toLocalDate } from "../../time/local-time.js";
import { formatPeriod } from "../../time/periods.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import type { School } from "../../config/roster.js";
import type { NodeLevel } from "../../config/roster-tree.js";
import { escapeUserText } from "../../text/user-text.js";
import { leaderText } from "../leaders/leader-text.js";
import { shownShortNameOf } from "../../config/school.js";

/** A school's short name from the roster, shown as typed. */

/** Text of the scheduler's own pushes: the weekly roll-up and the 补报 note. */
export const scheduleText = {
  weeklyTitle: (week: string, start: string, end: string, asOf: Date, timeZone: string) =>
    `**第${Number(week.slice(6))}周汇总**（${formatMonthDay(start)}—${formatMonthDay(end)}，截至 ${formatInstant(asOf, timeZone, true)}）`,
  /** The roll-up's numbers of the reader's node: a county's deployment (its root) reads 全县 as always. */
  nodeHeading: (level: NodeLevel) => (level === "province" ? "**全省情况**" : level === "city" ? "**全市情况**" : "**全县情况**"),
  openWeek: (period: TaskPeriod, timeZone: string) =>
    `⏳ ${period.taskName} ${formatPeriod(period)}截止 ${formatInstant(period.deadline, timeZone, true)}，尚未截止，不计入本周汇总` +
    (period.schedule.tally ? "；截止后另发统计。" : "。"),
  missedOnceHeading: (n: number) => `**本周缺报 1 次（${n} 所）**`,
  noneMissed: "本周各校均按要求上报，没有缺报。",
  escalateHeading: (n: number) => `**⚠️ 缺报 2 次及以上，请督促（${n} 所）**`,
  schoolsHeading: "**各校明细**",
  areaHeading: (area: string) => `${escapeUserText(area)}：`,
  missedSchool: (school: School, missed: number, detail: string) => `- ${shownShortNameOf(school)}：缺报 ${missed} 次（${detail}）`,
  missedDetail: (taskName: string, missing: number) => `${taskName} ${missing}`,
  schoolLine: (school: School, parts: string[], escalated: boolean) =>
    `- ${shownShortNameOf(school)}：${parts.join(" · ")}${escalated ? " ⚠️" : ""}`,
  safetyPart: (reported: number, expected: number) => `平安 ${reported}/${expected} 天`,
  drowningPart: (reached: number, total: number, reported: number, expected: number) =>
    reported === 0 ? `防溺水 未报${expected > 1 ? ` 0/${expected}` : ""}` : `防溺水 ${reached}/${total}（${formatRate(reached, total)}）`,
  studyPart: (attended: number, expected: number, reported: number) =>
    reported === 0 ? "学习 未报" : `学习 ${attended}/${expected}（${formatRate(attended, expected)}）`,
  /** A declared kind's part: its days reported of those owed, or for a weekly one whether it reported. */
  kindPart: (taskName: string, reported: number, expected: number, daily: boolean) =>
    daily ? `${taskName} ${reported}/${expected} 天` : `${taskName} ${reported > 0 ? "已报" : "未报"}`,
  exemptPart: (taskName: string) => `${taskName} 免报`,
  adminNote: (note: string) => `⚠️ 请管理员处理：${note}`,
  chartTitle: (taskName: string, start: string, end: string) =>
    `${taskName} 本周上报情况（${start === end ? formatMonthDay(start) : `${formatMonthDay(start)}—${formatMonthDay(end)}`}）`,
  chartName: "本周上报情况图",
  chartRowsHeading: "各地本周上报率",
  chartFailed: (why: string) => `周报图片生成失败（${why}），只发了文字。`,
  chartNotReady: "工作进程尚未检查中文字体，暂不生成图片。",

  scheduleTitle: (path: string, zone: string, hours: { start: string; end: string }) =>
    `配置 ${path} 的定时任务（时区 ${zone}，只在 ${hours.start}—${hours.end} 推送）：`,
  schedulerLine: (id: string, pattern: string, at: string) => `  ${id.padEnd(16)} cron "${pattern}"（${at}）`,
  upcomingTitle: (days: number, from: string) => `接下来 ${days} 天的定时推送（从 ${from} 起）：`,
  noUpcoming: "  （没有：不在季节内、节假日或任务未启用）",
  upcomingLine: (at: string, taskName: string, kind: "reminder" | "tally", periodId: string) =>
    `  ${at}  ${kind === "reminder" ? leaderText.reminderName(taskName) : `${taskName}汇总`}（周期 ${periodId}）`,
  /** The roll-up, and when it moved off a day that is not a working day, from which day and why. */
  upcomingRollup: (at: Date, week: string, timeZone: string, movedFrom?: Date) =>
    `  ${formatInstant(at, timeZone, true)}  每周汇总（${leaderText.periodId(week)}` +
    (movedFrom ? `；${formatDate(toLocalDate(movedFrom, timeZone))}不上班，${movedFrom > at ? "提前" : "推迟"}到这天）` : "）"),
  noRollup: (week: string) => `  ${leaderText.periodId(week)} 没有工作日，不发每周汇总`,
  upcomingLateNote: (at: Date, timeZone: string) => `  ${formatInstant(at, timeZone, true)}  补报通知（有补报时才发）`,

  lateNoteTitle: (at: Date, timeZone: string) => `**补报通知**（${formatInstant(at, timeZone, true)}）`,
  lateNoteIntro: "以下学校在汇总发出后补报，已计入台账：",
  /** `area` as its reader is shown it (areaLabel). */
  lateNoteLine: (school: School, area: string, taskName: string, period: string, at: Date, timeZone: string, late: boolean) =>
    `- ${shownShortNameOf(school)}（${escapeUserText(area)}）${taskName} ${period}：${formatInstant(at, timeZone)} 补报${late ? "（迟报）" : ""}`,
} as const;


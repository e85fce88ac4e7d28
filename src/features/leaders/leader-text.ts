import type { Config } from "../../config/schema.js";
import type { KindReaderName, ReportKind } from "../../config/kinds.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import type { DeadlineAt } from "../../time/due.js";
import { isBeforeLive, type NotOwedReason, type TaskTally } from "../../tally/task-tally.js";
import { formatClock, formatDate, formatDeadline, formatInstant, formatRate, addDays, toLocalDate, yearIfOther, formatMonthDay } from "../../time/local-time.js";
import { formatPeriodId, PERIOD_SHAPES } from "../../time/periods.js";
import { personLabel, reporterName, type School } from "../../config/roster.js";
import { areaKey, areaLabel, type RosterNode } from "../../config/roster-tree.js";
import { reportersAt } from "../../config/scope.js";
import { abnormalDescription, type Report } from "../../store/report.js";
import { escapeUserText, shortenUserText } from "../../text/user-text.js";
import { shownShortNameOf } from "../../config/school.js";

/** `11月20日` for `2026-11-20`. */

/** An exemption's reason in a list of schools: its first words. */
const REASON_CHARS = 20;
/** A replaced report's text in an alert: its first words. */
const PREVIOUS_CHARS = 30;

/** A safety report's description as typed ("" for any other report). */

/**
 * A person's name as typed, or the account id where none is known: ids are checked to be
 * [A-Za-z0-9_.@-] when the config and roster load, so they are shown as they are.
 */
/** `今天 07:00`, `明天 07:00`, or the date and time further off: when something will happen, seen from `now`. */
const dayAndClock = (at: Date, now: Date, timeZone: string) => {
  const day = toLocalDate(at, timeZone);
  const today = toLocalDate(now, timeZone);
  const word = day === today ? "今天" : day === addDays(today, 1) ? "明天" : formatDate(day);
  return `${word} ${formatClock(at, timeZone)}`;
};

const nameOr = (name: string | undefined, userid: string) => (name ? escapeUserText(name) : userid);

/** What a reporter sends for a kind its reader reads, as a whole message after the @mention. */
const READER_FORMS: Partial<Record<KindReaderName, { command: string; example?: string }>> = {
  safety: { command: "平安" },
  drowning: { command: "防溺水 已提醒人数/应提醒人数", example: "防溺水 1180/1200 电话" },
  study: { command: "学习 实到/应到", example: "学习 50/52" },
};

/** What a reminder asks a kind's reporters to send: its reader's form, else its first word. */
const commandForm = (kind: Pick<ReportKind, "reader" | "words">) => READER_FORMS[kind.reader]?.command ?? kind.words[0]!;

/** A list of names, shortened past `max` (the first three … the last). */
const shortenList = (list: readonly string[], max = 6) => (list.length > max ? `${list.slice(0, 3).join("、")} … ${list[list.length - 1]}` : list.join("、"));
/** The schools a 片区's 免报 names before shortening. */
const AREA_NAMES = 30;
/** A 免报's reason line, and what became of days exempt already (a reason given replaces theirs). */
const exemptReason = (reason: string | undefined) => (reason ? `\n原因：${escapeUserText(reason)}` : "\n原因：未填写");
const exemptRenewed = (reason: string | undefined) => (reason ? "已按本次更新原因" : "原来的免报和原因不变");
/** A period as replies name it, a day of another year with its year (a week's or month's label has its own). */
const periodInYear = (period: TaskPeriod, today: string) => (period.kind === "day" ? yearIfOther(period.start, today, period.label) : period.label);

/** Every text of the leaders' side: 汇总 未报 提醒 代报 免报 历史, reminders, tallies and alerts. */
export const leaderText = {
  /**
   * A person by name: a leader or admin from the config, a school's reporter from the roster
   * (上报人姓名); see personLabel.
   */
  person: (userid: string, config: Pick<Config, "leaders" | "admins">, school?: School) => personLabel(userid, config, school, escapeUserText),
  /** Who reports a kind at a school (its 上报人, or its `role`'s people: reportersAt) by name: `胡斌`, `张伟、李娜`. */
  reporters: (school: School, role?: string) => reportersAt(school, role).map((userid) => nameOr(reporterName(school, userid), userid)).join("、"),

  // Names and areas come from the roster an admin typed: shown as typed, never as markup.
  shortName: shownShortNameOf,
  schoolName: (school: School) => escapeUserText(school.name),
  /** A school's 片区 by its path below the reader's node (areaLabel): `平安县/城关片区` to a city's leader. */
  schoolArea: (school: School, node: RosterNode) => escapeUserText(areaLabel(node, areaKey(school))),
  /** Where the whole of a shortened text is: `详见：历史 城关一小`. */
  seeHistory: (school: School) => `详见：历史 ${leaderText.shortName(school)}`,

  /** `11月20日（周五）`, `2026年第48周（…）`, or `11月23日—11月24日` for several periods. */
  periods(periods: readonly TaskPeriod[]): string {
    const first = periods[0];
    const last = periods[periods.length - 1];
    if (!first || !last) return "";
    if (periods.length === 1) return first.label;
    return `${formatMonthDay(first.start)}—${formatMonthDay(last.end)}`;
  },

  /** `11月24日（周二）` for a day id, `2026年第48周` for a week id. */
  periodId: formatPeriodId,

  /** `11月25日` or `11月25日至11月27日`. */
  /** `11月20日至11月27日`; with `today`, a date of another year has its year (12月28日至2027年1月3日). */
  dates(start: string, end: string, today?: string): string {
    const day = (date: string) => (today ? yearIfOther(date, today, formatMonthDay(date)) : formatMonthDay(date));
    return start === end ? day(start) : `${day(start)}至${day(end)}`;
  },

  deadline(period: TaskPeriod, timeZone: string): string {
    return period.kind === "day" ? formatClock(period.deadline, timeZone) : formatInstant(period.deadline, timeZone, true);
  },

  notRequired(reason: NotOwedReason | undefined): string {
    if (reason === "not_in_season") return "不在季节内，无需上报";
    return isBeforeLive(reason) ? "服务尚未上线，无需上报" : "本期不是上报日，无需上报";
  },

  // 汇总
  summaryTitle: (label: string) => `**📋 上报汇总 · ${label}**`,
  /** 汇总 of a part of the asker's node (汇总 平安县): the part before the day it is of. */
  summaryOfPart: (part: string, label: string) => `${escapeUserText(part)} · ${label}`,
  summaryOnePart: (first: string, second: string) => `一次只能汇总一处：“${escapeUserText(first)}”和“${escapeUserText(second)}”请分两次发送。`,
  summaryAsOf: (now: Date, timeZone: string) => `统计于 ${formatInstant(now, timeZone)}`,
  /** `上周（11月16日—11月22日）`, `本月（6月1日—6月16日）`: the week or month as the leader named it. */
  weekLabel: (word: string, start: string, end: string) => `${word}（${start === end ? formatMonthDay(start) : `${formatMonthDay(start)}—${formatMonthDay(end)}`}）`,
  /** `昨天 11月26日（周四）`: the day as the leader named it, when he named it by a word. */
  dayLabel: (date: string, word?: string) => (word ? `${word} ${formatDate(date)}` : formatDate(date)),
  rangeLabel: (start: string, end: string) => (start === end ? formatDate(start) : `${formatMonthDay(start)}—${formatMonthDay(end)}`),
  /**
   * The first line(s) of a task's block: its name, the period(s) when needed, the deadline, said
   * passed unless the tally is `open` (TaskTally.open: its deadline is still ahead).
   */
  taskHeading(args: { taskName: string; periods: readonly TaskPeriod[]; timeZone: string; withPeriod: boolean; open: boolean }): string[] {
    const { taskName, periods, timeZone, withPeriod, open } = args;
    const first = periods[0];
    if (!first) return [`**${taskName}**`];
    if (periods.length > 1) {
      return [`**${taskName}** ${leaderText.periods(periods)}，${periods.length} ${PERIOD_SHAPES[first.kind].unit}（按校次计）`];
    }
    const deadline = formatDeadline(leaderText.deadline(first, timeZone), !open);
    if (first.kind === "day" && !withPeriod) return [`**${taskName}**（${deadline}）`];
    return [`**${taskName}** ${first.label}`, deadline];
  },
  notRequiredHeading: (taskName: string, reason: NotOwedReason | undefined) =>
    `**${taskName}**：${leaderText.notRequired(reason)}`,
  counts: (expected: number, reported: number, unit: string) =>
    `应报 ${expected} ${unit} · 已报 ${reported} ${unit}（${formatRate(reported, expected)}）`,
  details: (onTime: number, late: number, onBehalf: number) =>
    `按时 ${onTime} · 迟报 ${late}${onBehalf > 0 ? ` · 代报 ${onBehalf}` : ""}`,
  gaps(tally: Pick<TaskTally, "missing" | "exempt" | "notRequired" | "notLive">, unit: string): string {
    const parts = [`未报 ${tally.missing} ${unit}`];
    if (tally.exempt > 0) parts.push(`免报 ${tally.exempt} ${unit}`);
    if (tally.notRequired > 0) parts.push(`无需报 ${tally.notRequired} ${unit}`);
    if (tally.notLive > 0) parts.push(`未上线 ${tally.notLive} ${unit}`);
    return parts.join(" · ");
  },
  drowning: (reached: number, total: number) => `家长已提醒 ${reached} / ${total} 人（${formatRate(reached, total)}）`,
  study: (attended: number, expected: number) =>
    `教职工实到 ${attended} / 应到 ${expected} 人（${formatRate(attended, expected)}）`,
  /** A declared kind's count fields summed (format-sums.ts): the parts, then by area or by node. */
  sum: (label: string, n: number) => `${label} ${n}`,
  sumOfTotal: (label: string, n: number, total: number) => `${label} ${n}/${total}（${formatRate(n, total)}）`,
  namedSums: (label: string, parts: readonly string[]) => `${label} ${parts.join("、")}`,
  sums: (parts: readonly string[]) => `合计：${parts.join(" · ")}`,
  sumsByPartHeading: "**分片区合计：**",
  sumsByNodeHeading: "**各地合计：**",
  /** The sums by part in a reply too long for them: how many parts. */
  sumsFolded: (heading: string, count: number, byNode: boolean) => `${heading}${count} ${byNode ? "地" : "个片区"}未列出（内容过长）`,
  sumsOfPart: (name: string, parts: readonly string[]) => `${escapeUserText(name)}：${parts.join(" · ")}`,
  abnormalHeading: (count: number) => `⚠️ **异常 ${count} 条：**`,
  abnormalMore: (count: number, several: boolean) =>
    `……另有异常 ${count} 条未列出（${several ? "可分天查看，如“汇总 昨天”" : "今天的全部异常见“看板”"}；每校详情发送“历史 学校名”）`,
  /** Who sent a report: the reporter, or the leader who entered it (代报). */
  reportedBy: (report: Report, config: Pick<Config, "leaders" | "admins">, school: School) =>
    report.onBehalf ? `${leaderText.person(report.by, config)}代报` : leaderText.person(report.by, config, school),
  abnormalSchool: (school: School, node: RosterNode) => `> **${leaderText.schoolName(school)}**（${leaderText.schoolArea(school, node)}）`,
  abnormalWho(report: Report, config: Pick<Config, "leaders" | "admins">, timeZone: string, withDate: boolean, school: School): string {
    const at = new Date(report.at);
    const when = withDate ? formatInstant(at, timeZone) : formatClock(at, timeZone);
    return `> ${when} ${leaderText.reportedBy(report, config, school)}${report.late ? "（迟报）" : ""}`;
  },
  /** An abnormal report's description, at most `chars` characters of it. */
  abnormalText: (school: School, report: Report, chars: number) =>
    `> ${shortenUserText(abnormalDescription(report), chars, leaderText.seeHistory(school))}`,
  resolvedHeading: (count: number) => `✅ 已恢复正常 ${count} 所：`,
  resolved(school: School, abnormal: Report, report: Report, timeZone: string, chars: number): string {
    const text = shortenUserText(abnormalDescription(abnormal), chars, leaderText.seeHistory(school));
    return (
      `> ${leaderText.shortName(school)}：${formatClock(new Date(abnormal.at), timeZone)} 报“${text}”，` +
      `${formatClock(new Date(report.at), timeZone)} 更正为无异常`
    );
  },
  remarkHeading: (count: number) => `📌 **备注 ${count} 条：**`,
  /** `> 柳溪小学 09:12：今天下雨，校门口积水已安排值守`, at most `chars` characters of the remark. */
  remark(school: School, report: Report, timeZone: string, withDate: boolean, chars: number): string {
    const at = new Date(report.at);
    const when = withDate ? formatInstant(at, timeZone) : formatClock(at, timeZone);
    const remark = report.value.task === "safety" ? (report.value.remark ?? "") : "";
    return `> ${leaderText.shortName(school)} ${when}：${shortenUserText(remark, chars, leaderText.seeHistory(school))}`;
  },
  remarkMore: (count: number) => `……另有备注 ${count} 条未列出（每校详情发送“历史 学校名”）`,
  onBehalfPrefix: "📝 代报：",
  /** `青石小学（陈晓红 09:10）`, with the date when several periods are tallied. */
  onBehalfItem(school: School, report: Report, config: Pick<Config, "leaders" | "admins">, timeZone: string, withDate: boolean): string {
    const at = new Date(report.at);
    const when = withDate ? formatInstant(at, timeZone) : formatClock(at, timeZone);
    return `${leaderText.shortName(school)}（${leaderText.person(report.by, config)} ${when}）`;
  },
  andMoreReports: (total: number) => `等 ${total} 条`,
  nodeRowsHeading: "**各地上报：**",
  nodeRow: (name: string, tally: Pick<TaskTally, "expected" | "reported" | "missing" | "abnormalTotal">, unit: string) =>
    `${escapeUserText(name)}：已报 ${tally.reported}/${tally.expected} ${unit}（${formatRate(tally.reported, tally.expected)}）· 未报 ${tally.missing}` +
    (tally.abnormalTotal > 0 ? ` · 异常 ${tally.abnormalTotal}` : ""),
  missingHeading: (count: number, unit: string) => `**未报（${count} ${unit}）：**`,
  /** The missing schools of a reply too long to list them by area: how many areas, and the command that lists one. */
  missingFolded: (count: number, unit: string, areas: number, word: string) =>
    `**未报（${count} ${unit}）：**${areas} 个片区（发送“未报 ${escapeUserText(word)} 片区名”查看）`,
  exemptHeading: (count: number, unit: string) => `免报（${count} ${unit}）：`,
  /** `reason`: one every school listed after it shares (免报). */
  areaPrefix: (area: string, reason?: string) => `${escapeUserText(area)}${reason ? `（${shortenUserText(reason, REASON_CHARS)}）` : ""}：`,
  /** A school in a list, with the number of periods when several were tallied. */
  listedSchool(school: School, count: number, several: boolean, reason?: string): string {
    const notes = [...(several ? [`${count}次`] : []), ...(reason ? [shortenUserText(reason, REASON_CHARS)] : [])];
    return `${leaderText.shortName(school)}${notes.length > 0 ? `（${notes.join("，")}）` : ""}`;
  },
  andMore: (total: number, unit = "所") => `等 ${total} ${unit}`,
  andMoreLine: (total: number, shown: number) => `……另有 ${total - shown} 所未列出`,
  /** `word`: the word that names the task (TaskPeriod.taskWord). */
  andMoreInArea: (total: number, shown: number, area: string, word: string) =>
    `……另有 ${total - shown} 所${leaderText.listAreaPointer(area, word)}`,
  listAreaPointer: (area: string, word: string) => `（发送“未报 ${escapeUserText(word)} ${escapeUserText(area)}”查看全部）`,
  /** An area's missing schools as a count, with the command that lists them: `未报 平安 东部片区`. */
  missingCollapsed: (area: string, count: number, word: string, unit = "所") =>
    `${escapeUserText(area)}：${count} ${unit}（发送“未报 ${escapeUserText(word)} ${escapeUserText(area)}”查看）`,
  exemptCollapsed: (area: string, count: number, unit = "所") => `${escapeUserText(area)}：${count} ${unit}`,
  onBehalfCollapsed: (count: number) => `📝 代报 ${count} 条`,
  open: "截止时间未到，未报的学校仍可按时上报。",
  tooLong: "……（内容过长，已截断。可分任务查询，如“未报 平安”）",
  unit: (several: boolean) => (several ? "校次" : "所"),
  noTasks: "本县目前没有启用任何上报任务。",
  futureDate: (date: string) => `${formatDate(date)}还没到，无法汇总。`,
  summaryArgs: (word: string) => `“${escapeUserText(word)}”不是可识别的日期、任务或片区（片区写全称或开头的几个字）。`,

  // 未报
  /** `open`: the period's deadline is still ahead (TaskTally.open). */
  missingTitle: (taskName: string, period: TaskPeriod, timeZone: string, open: boolean) =>
    `**未报 · ${taskName} ${period.label}**（${formatDeadline(leaderText.deadline(period, timeZone), !open)}）`,
  /** The counts above a 未报 list: the county's, or the areas' when the leader named areas (`西部片区未报 …`). */
  missingCounts: (missing: number, expected: number, exempt: number, areas: readonly string[] = []) =>
    `${areas.map(escapeUserText).join("、")}未报 ${missing} 所（应报 ${expected} 所${exempt > 0 ? `，免报 ${exempt} 所` : ""}）：`,
  missingArea: (area: string, count: number) => `**${escapeUserText(area)}**（${count} 所）`,
  missingSchool: (school: School, role?: string) => [leaderText.shortName(school), leaderText.reporters(school, role)].filter(Boolean).join(" "),
  allReported: (taskName: string, period: TaskPeriod, expected: number, areas: readonly string[] = []) =>
    `✅ ${taskName} ${period.label}：${areas.map(escapeUserText).join("、")}应报 ${expected} 所，已全部上报。`,
  taskNotRequired: (taskName: string, reason: NotOwedReason | undefined) =>
    `${taskName}：现在${leaderText.notRequired(reason)}。`,
  noRequiredTask: "现在没有需要上报的任务。",
  notByDate: (word: string) => `“${escapeUserText(word)}”是日期：这条指令不按日期查。要看某一天或某一周的情况，请发送“汇总 ${escapeUserText(word)}”。`,
  whichTask: (word: string, kinds: readonly string[]) => `“${escapeUserText(word)}”不是任务名称。可写：${kinds.join("、")}。`,
  /** The one wording of "this task is off here", for a report, a leader's command and the CLI alike. */
  taskOff: (word: string) => `本县没有启用“${escapeUserText(word)}”任务。`,
  /** A school, 片区 or county outside the asker's node: not his, and nothing of it is told. */
  outsideNode: (word: string, node: string) => `“${escapeUserText(word)}”不在您负责的范围（${escapeUserText(node)}）内，不能查看或操作。`,
  whichArea: (word: string, areas: readonly string[]) =>
    `“${escapeUserText(word)}”对应多个片区：${areas.map(escapeUserText).join("、")}。请照上面写其中一个，例如“未报 ${escapeUserText(areas[0] ?? "")}”。`,

  // 提醒
  /** A reminder queued for a group, and roughly when it goes out (`waitMs` after `now`). */
  remindQueued(args: { taskName: string; period: TaskPeriod; count: number; group: string; role?: string | undefined; now: Date; waitMs: number; timeZone: string }): string {
    const { waitMs } = args;
    const when =
      waitMs < 5_000
        ? "马上发出"
        : waitMs < 120_000
          ? `约 ${Math.round(waitMs / 1000)} 秒后发出（该群消息较多，正在排队）`
          : `预计 ${formatClock(new Date(args.now.getTime() + waitMs), args.timeZone)} 前后发出（该群消息较多，正在排队）`;
    return (
      `📣 已安排提醒 ${args.taskName} ${args.period.label} 未报的 ${args.count} 所学校（${args.group}，@ 各校${leaderText.reportersWord(args.role)}），${when}。` +
      "发出时已上报的学校不再提醒。"
    );
  },
  /** Heads a 提醒 outside the working hours: why the reminders below wait. */
  remindOutsideHours: (hours: Config["working_hours"]) => `🌙 现在不在推送时段（${hours.start}—${hours.end}）。`,
  /** A reminder held until the working hours start (`at`). */
  remindQueuedUntil(args: { taskName: string; period: TaskPeriod; count: number; group: string; role?: string | undefined; at: Date; now: Date; timeZone: string }): string {
    return (
      `📣 已安排提醒 ${args.taskName} ${args.period.label} 未报的 ${args.count} 所学校（${args.group}，@ 各校${leaderText.reportersWord(args.role)}），` +
      `${dayAndClock(args.at, args.now, args.timeZone)} 发出，发出时已上报的学校不再提醒。`
    );
  },
  /** A reminder not held: its period is over by the time the working hours start (`at`). */
  remindOverBy: (taskName: string, period: TaskPeriod, at: Date, now: Date, timeZone: string) =>
    `${taskName} ${period.label} 到${dayAndClock(at, now, timeZone)} 已经结束，没有安排提醒。`,
  /** How to send a 提醒 outside the working hours now: the same words with 立即. */
  remindNowHint: (words: readonly string[]) => `确需现在就发，请发送“${["提醒", ...words.map(escapeUserText), "立即"].join(" ")}”。`,
  /** A reminder not sent because the group got one within the cooldown. */
  remindHeld(args: { taskName: string; period: TaskPeriod; group: string; last: { at: number; schools: number; eta?: number }; againAt: Date; cooldownMinutes: number; timeZone: string }): string {
    const { last, timeZone } = args;
    const eta = last.eta ?? last.at;
    const went = eta - last.at < 60_000 ? "随即发出" : `约 ${formatClock(new Date(eta), timeZone)} 发出`;
    return (
      `⏳ ${args.taskName} ${args.period.label}：${formatClock(new Date(last.at), timeZone)} 已提醒过${args.group}` +
      `（${last.schools} 所学校，${went}），${args.cooldownMinutes} 分钟内不重复提醒，本次没有发送。` +
      `${formatClock(args.againAt, timeZone)} 后可再次提醒。`
    );
  },
  remindForceHint: "如确需立即再发，请加 --force。",
  remindNothingToday: "今天没有截止的上报任务，没有发送提醒。要提醒某项任务，请写明任务，例如“提醒 学习”。",
  remindNone: (taskName: string, period: TaskPeriod) => `✅ ${taskName} ${period.label} 没有未报的学校，无需提醒。`,
  remindNoGroup: (taskName: string, count: number) =>
    `${taskName} 有 ${count} 所未报学校不在任何学校群里，无法提醒，请管理员在配置的 groups 中加上它们。`,

  /** Who reports a kind, as a reminder and 提醒 call them: its role (校医), else 上报人. */
  reportersWord: (role?: string) => role ?? "上报人",

  /** What a task's reminder is called: 周学习提醒, and 防溺水提醒 for a task whose name already says so. */
  reminderName: (taskName: string) => (taskName.endsWith("提醒") ? taskName : `${taskName}提醒`),

  // Reminder push (text message: no markdown)
  reminderHeader: (taskName: string, period: Pick<TaskPeriod, "label">) => `【催报】${taskName} ${period.label}`,
  /** The deadline as of when it is written: after it, it says so (a leader's 提醒 at 19:00 for a Friday 18:00 deadline). */
  reminderIntro: (deadline: DeadlineAt) => `${deadline.text}，以下学校${deadline.passed ? "仍未上报" : "还没有上报"}：`,
  reminderArea: (area: string) => `【${escapeUserText(area)}】`,
  // A role column may be empty for a school (no 校医 listed): it is named without anyone.
  reminderSchool: (school: School, role?: string) => {
    const people = leaderText.reporters(school, role);
    return `· ${leaderText.schoolName(school)}${people && `（${people}）`}`;
  },
  /** What a reminder asks the reporters to send: the kind's own form (its reader's, else its first word), an example unless the form is one word. */
  reminderCommand(kind: Pick<ReportKind, "reader" | "words" | "examples" | "fields">, botName: string, role?: string): string[] {
    const form = READER_FORMS[kind.reader];
    const command = commandForm(kind);
    const example = form ? form.example : kind.examples[0];
    const lines = [`请${leaderText.reportersWord(role)}在群里发送：@${botName} ${command}`];
    if (example && example !== command) lines.push(`例如：@${botName} ${example}`);
    if (kind.reader === "safety") lines.push(`有异常请发送：@${botName} 异常 具体情况`);
    return lines;
  },
  /** For a reporter of several of the schools listed: the command with one of his schools named (平安 枫林小学), which 平安 alone is not. */
  reminderSeveral(kind: Pick<ReportKind, "reader" | "words">, botName: string, school: School, role?: string): string {
    const [keyword, ...rest] = commandForm(kind).split(" ");
    return `负责多所学校的${leaderText.reportersWord(role)}请在指令后写上学校名，例如：@${botName} ${[keyword, leaderText.shortName(school), ...rest].join(" ")}`;
  },

  // Tally push
  tallyHeader: (taskName: string, period: TaskPeriod, timeZone: string, open: boolean) =>
    `📋 **${taskName}统计** ${period.label}，${formatDeadline(leaderText.deadline(period, timeZone), !open)}`,

  // Abnormal alerts (markdown to the leaders' group); `area` as the group is shown it (areaLabel)
  alertTitle: (school: School, area: string) => `⚠️ **异常报告：${leaderText.schoolName(school)}**（${escapeUserText(area)}）`,
  /** A declared kind's report that met its rules (`names`: what each rule calls it); `again` when the report it replaced met them too. */
  ruleAlertTitle: (school: School, area: string, kindName: string, names: readonly string[], again: boolean) =>
    `⚠️ **${again ? "更新" : "提醒"}：${leaderText.schoolName(school)}**（${escapeUserText(area)}）${escapeUserText(kindName)}：${names.map(escapeUserText).join("、")}`,
  alertUpdateTitle: (school: School, area: string) => `⚠️ **异常更新：${leaderText.schoolName(school)}**（${escapeUserText(area)}）`,
  alertRecoveredTitle: (school: School, area: string) =>
    `✅ **更新：${leaderText.schoolName(school)}（${escapeUserText(area)}）已恢复正常**`,
  alertWithdrawnTitle: (school: School, area: string) =>
    `↩️ **更新：${leaderText.schoolName(school)}（${escapeUserText(area)}）撤销了异常报告，该校今日暂为未报**`,
  alertWithdrawnBy: (by: string, at: Date, config: Pick<Config, "leaders" | "admins">, timeZone: string, school: School) =>
    `撤销：${leaderText.person(by, config, school)} ${formatInstant(at, timeZone)}`,
  /** The description of an alert, at most `chars` characters of it. */
  alertText: (school: School, description: string, chars: number) =>
    `> ${shortenUserText(description, chars, leaderText.seeHistory(school))}`,
  alertBy: (report: Report, config: Pick<Config, "leaders" | "admins">, timeZone: string, school: School) =>
    `${report.onBehalf ? "代报" : "上报"}：${leaderText.person(report.by, config, school)} ${formatInstant(new Date(report.at), timeZone)}` +
    (report.late ? "（迟报）" : ""),
  /** The report an alert's news replaces, by its time and first words only: the leaders read it before. */
  alertPrevious: (previous: Report, timeZone: string) =>
    `原报（${formatInstant(new Date(previous.at), timeZone)}）：${shortenUserText(abnormalDescription(previous), PREVIOUS_CHARS)}`,

  // 代报
  onBehalfNote: (name: string, school: School) =>
    `📝 以上为 ${escapeUserText(name)} 代 ${leaderText.schoolName(school)} 录入（代报），已记录录入人。`,
  reportForSchool: "请写明学校和报告内容，例如“代报 城关一小 平安”。",
  unknownSchool: (word: string) => `没有找到学校“${escapeUserText(word)}”。请写学校全称、简称或学校代码。`,
  reportForWhat: (school: School) =>
    `请在学校后面写上报告内容：平安、异常 具体情况、防溺水 …、学习 …（为 ${leaderText.schoolName(school)} 代报）。`,

  // 免报
  exemptUsage: "请按“免报 学校（或片区） 任务 日期或区间 原因”书写。",
  exemptWhichTask: (word: string | undefined, kinds: readonly string[]) =>
    word ? leaderText.whichTask(word, kinds) : `请写明免报哪项任务：${kinds.join("、")}。`,
  exemptWhen: "请写明日期或区间，例如 11-20、11-20至11-27、本周、今天。",
  exemptReasonTooLong: (chars: number, limit: number) => `原因写了 ${chars} 个字，超过了 ${limit} 字的上限，请简要写明。`,
  exemptTooLong: (days: number, max: number) => `区间共 ${days} 天，一次最多免报 ${max} 天，请分段登记。`,
  /** `whom`: a school's name (schoolName), or a 片区's schools (exemptAreaWhom). */
  exemptNothingRequired: (whom: string, taskName: string, start: string, end: string, today: string) =>
    `${whom} ${taskName} 在${leaderText.dates(start, end, today)}本来就无需上报，没有登记免报。`,
  /** A 片区 (or county) named for 免报: its schools, as the replies name them. */
  exemptAreaWhom: (area: string) => `${escapeUserText(area)}的学校`,
  /** `reported`: the periods the school had already reported in (they count as exempt from now on). */
  exempted(args: { school: School; taskName: string; periods: readonly TaskPeriod[]; renewed: number; reported: readonly TaskPeriod[]; reason?: string; today: string }): string {
    const { school, taskName, periods, renewed, reported, reason, today } = args;
    return (
      `✅ 已登记免报：**${leaderText.schoolName(school)}** ${taskName}，共 ${periods.length} 期：${shortenList(periods.map((p) => periodInYear(p, today)))}` +
      exemptReason(reason) +
      (renewed > 0 ? `\n其中 ${renewed} 期原已免报，${exemptRenewed(reason)}。` : "") +
      (reported.length > 0
        ? `\n其中 ${reported.length} 期该校已经报过（${shortenList(reported.map((p) => periodInYear(p, today)))}）：免报后这几期列为免报、不计已报，报的内容仍在“历史 ${leaderText.shortName(school)}”里。`
        : "") +
      `\n期间不催报、不计未报，汇总中列为免报。撤销请发送“免报 撤销 ${leaderText.shortName(school)} …”。`
    );
  },
  /**
   * A 片区's 免报: each of its schools that owes the task (`schools`), `apart` those that do not
   * report it, `renewed` whether some of the days were exempt already, `reported` the schools
   * that had reported in one of the periods (they count as exempt from now on).
   */
  exemptedArea(args: {
    area: string; schools: readonly School[]; apart: number; taskName: string; periods: readonly TaskPeriod[];
    renewed: boolean; reported: readonly School[]; reason?: string; today: string;
  }): string {
    const { area, schools, apart, taskName, periods, renewed, reported, reason, today } = args;
    const names = (list: readonly School[]) => shortenList(list.map(leaderText.shortName), AREA_NAMES);
    return (
      `✅ 已登记免报：**${escapeUserText(area)}** ${schools.length} 所学校 ${taskName}，共 ${periods.length} 期：${shortenList(periods.map((p) => periodInYear(p, today)))}` +
      `\n学校：${names(schools)}` +
      (apart > 0 ? `\n（${escapeUserText(area)}另有 ${apart} 所学校不报${taskName}，没有登记。）` : "") +
      exemptReason(reason) +
      (renewed ? `\n其中有的学校在这些天原已免报，${exemptRenewed(reason)}。` : "") +
      (reported.length > 0
        ? `\n其中 ${reported.length} 所在这些天已经报过（${names(reported)}）：免报后列为免报、不计已报，报的内容仍在各校的“历史”里。`
        : "") +
      `\n期间不催报、不计未报，汇总中列为免报。撤销请发送“免报 撤销 ${escapeUserText(area)} …”，只撤销一所学校的写学校名。`
    );
  },
  /** `whom`: the school, or a 片区 with how many of its schools had an exemption lifted. */
  revoked: (whom: { school: School } | { area: string; count: number }, taskName: string, periods: readonly TaskPeriod[], today: string) =>
    `✅ 已撤销 ${"school" in whom ? `**${leaderText.schoolName(whom.school)}**` : `**${escapeUserText(whom.area)}** ${whom.count} 所学校`} ${taskName} 的免报：` +
    `${periods.map((p) => periodInYear(p, today)).join("、")}。这些期次恢复为需要上报。`,
  revokeNothing: (whom: string, taskName: string, start: string, end: string, today: string) =>
    `${whom} ${taskName} 在${leaderText.dates(start, end, today)}没有免报记录，无需撤销。`,

  // 历史
  historyTitle: (school: School, node: RosterNode) =>
    `**${leaderText.schoolName(school)}**（${leaderText.schoolArea(school, node)}）最近的上报和变更（新的在前）：`,
  historyEmpty: "暂无上报或免报记录。",
  historyWhich: "请写明学校，例如“历史 城关一小”。",
  historyReport(kind: "report" | "replace" | "withdraw", args: {
    at: string; who: string; onBehalf: boolean; task: string; period: string; value?: string; previous?: string;
    late?: boolean; timeZone: string;
  }): string {
    const when = formatInstant(new Date(args.at), args.timeZone);
    const what = `${args.task} ${leaderText.periodId(args.period)}`;
    const verb = { report: args.onBehalf ? "代报" : "上报", replace: args.onBehalf ? "代报更正" : "更正", withdraw: "撤销" }[kind];
    const late = args.late ? "（迟报）" : "";
    if (kind === "withdraw") return `- ${when} ${args.who} 撤销 ${what}（原为：${args.previous ?? ""}）`;
    const previous = kind === "replace" && args.previous ? `（原为：${args.previous}）` : "";
    return `- ${when} ${args.who} ${verb} ${what}：${args.value ?? ""}${late}${previous}`;
  },
  historyExempt(args: {
    type: "exempt" | "revoke"; at: string; who: string; task: string; start: string; end: string; count: number;
    reason?: string; timeZone: string;
  }): string {
    const when = formatInstant(new Date(args.at), args.timeZone);
    const dates = leaderText.dates(args.start, args.end);
    if (args.type === "revoke") return `- ${when} ${args.who} 撤销免报 ${args.task} ${dates}（${args.count} 期）`;
    return `- ${when} ${args.who} 免报 ${args.task} ${dates}（${args.count} 期），原因：${args.reason ? escapeUserText(args.reason) : "未填写"}`;
  },

  // Dates
  badDate: (text: string) => `“${escapeUserText(text)}”不是有效的日期。`,
  rangeEnd: (text: string) => `“${escapeUserText(text)}”后面缺少结束日期。`,
  rangeBackwards: (start: string, end: string) => `结束日期 ${formatMonthDay(end)} 早于开始日期 ${formatMonthDay(start)}。`,
} as const;

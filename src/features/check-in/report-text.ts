import type { FieldDeclaration } from "../../config/kind-schema.js";
import type { School } from "../../config/roster.js";
import { fieldsText } from "./fields-text.js";
import type { Report, ReportValue } from "../../store/report.js";
import { formatClock, formatDate, formatDeadline, formatInstant, formatRate, toLocalDate } from "../../time/local-time.js";
import { isPastDeadline } from "../../time/periods.js";
import type { DuePeriod, TaskPeriod } from "../../time/task-calendar.js";
import { escapeUserText, shortenUserText } from "../../text/user-text.js";
import { shownShortNameOf } from "../../config/school.js";

/** A school's name from the roster, shown as typed. */
const nameOf = (school: School) => escapeUserText(school.name);
/** A replaced or withdrawn report in a reply: its first words, the sender knows the rest. */
const EARLIER_CHARS = 30;
/** A period's deadline, `past` or not: `截止 12月4日 周五 18:00` (已过 once passed). */
const deadlineLine = (period: TaskPeriod, past: boolean) => formatDeadline(period.deadlineText, past);

/**
 * Who a reply speaks to: a school's own reporter (贵校, `平安`), or a leader or admin entering
 * the report for the school (该校, `代报 县一中 平安`).
 */
export interface ReplyVoice {
  school: string;
  /** A command as the sender must write it. */
  form(command: string): string;
}

/** Every reply of the reporting commands (平安 异常 防溺水 学习 撤销 状态). */
export const reportText = {
  voice: (onBehalfOf?: School): ReplyVoice =>
    onBehalfOf
      ? { school: "该校", form: (command) => `代报 ${shownShortNameOf(onBehalfOf)} ${command}` }
      : { school: "贵校", form: (command) => command },

  /**
   * One line describing what a report says; typed text as typed, cut to `chars` characters when
   * given. A declared kind's report is described by its `fields` (labels, totals), a date of
   * another year than the report was `made` in with its year.
   */
  value(
    value: ReportValue,
    { chars, fields, made }: { chars?: number; fields?: Readonly<Record<string, FieldDeclaration>> | undefined; made?: { at: string; timeZone: string } } = {},
  ): string {
    const typed = (text: string) => (chars === undefined ? escapeUserText(text) : shortenUserText(text, chars));
    switch (value.task) {
      case "safety":
        if (value.status === "abnormal") return `异常：${typed(value.description ?? "")}`;
        return (value.present !== undefined ? `无异常，在校 ${value.present} 人` : "无异常") + (value.remark ? `；备注：${typed(value.remark)}` : "");
      case "drowning":
        return (
          `已提醒家长 ${value.reached} / ${value.total} 人，提醒率 ${formatRate(value.reached, value.total)}` +
          (value.channels.length > 0 ? `，方式：${value.channels.join("、")}` : "")
        );
      case "study":
        return (
          `实到 ${value.attended} / 应到 ${value.expected} 人，出勤率 ${formatRate(value.attended, value.expected)}` +
          (value.leave !== undefined ? `，请假 ${value.leave} 人` : "") +
          (value.topic ? `，主题：${typed(value.topic)}` : "")
        );
      case "fields":
        return fieldsText.describe(value, fields ?? {}, { chars, ...(made && { madeOn: toLocalDate(new Date(made.at), made.timeZone) }) });
    }
  },

  recorded(args: {
    /** The school's name as shown (roster.shownName). */
    schoolName: string;
    period: TaskPeriod;
    report: Report;
    previous?: Report;
    timeZone: string;
    /** The kind's declared fields, for a declared kind's report. */
    fields?: Readonly<Record<string, FieldDeclaration>>;
  }): string {
    const { schoolName, period, report, previous, timeZone, fields } = args;
    const icon = report.value.task === "safety" && report.value.status === "abnormal" ? "⚠️" : "✅";
    const lines = [
      `${icon} 已登记：**${schoolName}** ${period.label} ${period.taskName}`,
      `> ${reportText.value(report.value, { fields, made: { at: report.at, timeZone } })}`,
    ];
    if (previous) {
      lines.push(`已替换 ${formatInstant(new Date(previous.at), timeZone)} 的上一次上报（${reportText.value(previous.value, { chars: EARLIER_CHARS, fields, made: { at: previous.at, timeZone } })}）。`);
    }
    if (report.late) {
      lines.push(`⏰ 已过截止时间 ${period.deadlineText}，记为**迟报**。`);
    }
    if (!period.required) lines.push("本期该项不要求上报，已记录备查。");
    return lines.join("\n");
  },

  abnormalNote: (voice: ReplyVoice) =>
    `局领导会收到这条异常报告；情况有变化请再次发送“${voice.form("异常 …")}”更新，恢复正常后发送“${voice.form("平安")}”。`,

  /** A report made in a period the school is exempt from (免报): the counts take the exemption. */
  keptWhileExempt: (exempt: { reason?: string }, subject: string) =>
    `${subject}本期已免报${exempt.reason ? `（${escapeUserText(exempt.reason)}）` : ""}，无需上报；这次上报已记录备查，不计入统计。`,

  /** What the school still owes, each period with its deadline as the calendar showed it at the message. */
  owed(dues: readonly Pick<DuePeriod, "period" | "deadline">[], subject = "本校"): string {
    if (dues.length === 0) return "本期各项均已上报，谢谢！";
    const list = dues.map(({ period, deadline }) => `${period.taskName}（${period.label}，${deadline}）`);
    return `${subject}还需上报：${list.join("；")}`;
  },

  /** `again`: what to send to report an earlier period again (平安 11-23); none for the period in force. */
  withdrawn(
    school: School,
    period: TaskPeriod,
    previous: Report,
    { timeZone, now, fields, again }: { timeZone: string; now: Date; fields?: Readonly<Record<string, FieldDeclaration>> | undefined; again?: string | undefined },
  ): string {
    const deadline = period.deadlineText;
    // A report of another day says its day: 原为 11月23日 18:05 报的.
    const made = new Date(previous.at);
    const when = toLocalDate(made, timeZone) === toLocalDate(now, timeZone) ? formatClock(made, timeZone) : formatInstant(made, timeZone);
    return (
      `已撤销 **${nameOf(school)}** ${period.label} ${period.taskName} 的上报` +
      `（原为 ${when} 报的：${reportText.value(previous.value, { chars: EARLIER_CHARS, fields, made: { at: previous.at, timeZone } })}）。\n` +
      (again !== undefined
        ? `该校 ${period.label} 现为未报；重新上报时写上日期，例如“${again}”，将记为迟报。`
        : isPastDeadline(period, now)
          ? `该校本期现为未报；截止时间 ${deadline} 已过，重新上报将记为迟报。`
          : `该校本期现为未报，请在截止时间 ${deadline} 前重新上报。`)
    );
  },

  nothingToWithdraw: (school: School, period: TaskPeriod) =>
    `**${nameOf(school)}** ${period.label} 还没有${period.taskName}的上报，无需撤销。`,

  /** The school with its 片区, and its county where the roster has one: a principal of schools in two counties reads two 城关片区 apart. */
  statusHeader: (school: School, day?: string) =>
    `**${nameOf(school)}**（${escapeUserText(school.county ? `${school.county} ${school.area}` : school.area)}）${day === undefined ? "本期" : `${formatDate(day)}所在各期的`}上报情况：`,
  /** 状态 上周: the status is of a day's periods. */
  statusByDay: (typed: string) => `状态按某一天查看，例如“状态 昨天”“状态 11-20”；“${escapeUserText(typed)}”不是某一天。`,
  statusAhead: (day: string) => `${formatDate(day)}还没到，没有可看的上报情况。`,

  /** `exempt`: the school's exemption for the period (免报), which the counts take over a report. */
  statusLine(
    period: TaskPeriod,
    report: Report | undefined,
    { timeZone, now, fields, role, exempt }: { timeZone: string; now: Date; fields?: Readonly<Record<string, FieldDeclaration>> | undefined; role?: string | undefined; exempt?: { reason?: string } | undefined },
  ): string {
    const head = `- ${period.taskName}（${period.label}）${role === undefined ? "" : reportText.byRole(role)}：`;
    if (!period.required) {
      return head + (period.reason === "not_in_season" ? "不在季节内，无需上报" : "本期无需上报");
    }
    if (exempt) {
      const why = exempt.reason ? `（${escapeUserText(exempt.reason)}）` : "";
      return `${head}免报${why}，无需上报${report ? `；所报的 ${formatInstant(new Date(report.at), timeZone)} 记录备查，不计入统计` : ""}`;
    }
    if (!report) return `${head}**未报**，${deadlineLine(period, isPastDeadline(period, now))}`;
    return (
      `${head}已报（${formatInstant(new Date(report.at), timeZone)}${report.late ? "，迟报" : ""}）` +
      ` ${reportText.value(report.value, { fields, made: { at: report.at, timeZone } })}`
    );
  },

  questionHeard: "这条消息是在问，没有登记为上报。",
  questionHint: (command: string) => `需要时请直接发送“${command}”。`,

  // Errors: each says what was wrong; the dispatcher appends correct examples.
  notAReporter: "您不是任何学校的上报人。代学校上报请用“代报 学校 内容”。",
  notYourSchool: (name: string, mine: readonly School[]) =>
    `您不是 ${escapeUserText(name)} 的上报人（您负责：${mine.map(nameOf).join("、")}）。`,
  whichSchool: (mine: readonly School[]) =>
    `您负责多所学校（${mine.map((s) => shownShortNameOf(s)).join("、")}），请在指令后写上学校名称或简称。`,
  unknownWord: (word: string) => `“${escapeUserText(word)}”不是可识别的内容。`,
  incidentInSafety: (word: string, voice: ReplyVoice) =>
    `“${escapeUserText(word)}”像是异常情况。有异常请发送“${voice.form("异常 具体情况")}”；确实无异常请只发送“${voice.form("平安")}”。`,
  notSafe: (voice: ReplyVoice) =>
    `是有异常吗？有异常请发送“${voice.form("异常 具体情况")}”；无异常请发送“${voice.form("平安")}”。`,
  negatedAbnormal: (voice: ReplyVoice) =>
    `是没有异常吗？无异常请发送“${voice.form("平安")}”；有异常请发送“${voice.form("异常 具体情况")}”。`,
  withdrawInReport: (command: string) => `是要撤销上报吗？撤销请发送“${command}”。`,
  ambiguousSchool: (word: string, schools: readonly School[]) =>
    `“${escapeUserText(word)}”对应多所学校：${schools
      .slice(0, 6)
      .map((s) => shownShortNameOf(s))
      .join("、")}${schools.length > 6 ? ` 等 ${schools.length} 所` : ""}，请写学校简称或全称。`,
  twoSchools: (schools: readonly School[]) =>
    `一条消息只能报一所学校（写了 ${schools.map((s) => shownShortNameOf(s)).join("、")}），请分开发送。`,
  oneReportEach: (kinds: readonly string[]) => `一条消息只能报一项。${kinds.join("、")}请分开发送，每条以任务开头。`,
  unreachedMismatch: (reached: number, unreached: number, total: number) =>
    `已提醒 ${reached} 人加未提醒 ${unreached} 人不等于应提醒的 ${total} 人，请核对。`,
  negativeFigure: (typed: string) => `人数不能是负数（“${escapeUserText(typed)}”）。`,
  fractionalFigure: (typed: string) => `人数要写整数（“${escapeUserText(typed)}”）。`,
  figureTooLarge: (typed: string, max: number) => `“${escapeUserText(typed)}”太大了，一所学校的人数不会超过 ${max / 10_000} 万，请核对。`,
  notAFigure: (typed: string) => `“${escapeUserText(typed)}”里有不是人数的内容，人数要写数字，例如“50/52”。`,
  twoValues: (what: string, values: readonly number[]) => `${what}写了 ${values.join(" 和 ")} 两个数，是哪一个？请只写一个。`,
  whichNumber: (typed: readonly string[], labels: readonly string[]) =>
    `“${typed.map(escapeUserText).join("、")}”是什么人数？请在数字前写明（${labels.join("、")}），按下面的示例发送。`,
  onlyPresentKept: (typed: readonly string[]) =>
    `📌 平安日报只登记在校人数，“${typed.map(escapeUserText).join("、")}”没有登记。`,
  overTwiceRoster: (what: string, value: number, school: string, rosterWhat: string, figure: number) =>
    `${what} ${value} 超过了名单中${school}${rosterWhat}数 ${figure} 的两倍，请核对。如名单有误请联系管理员更新。`,
  rosterNote: (school: string, rosterWhat: string, figure: number) =>
    `📌 名单里${school}${rosterWhat} ${figure} 人，请核对；如名单有误请联系管理员更新。`,
  dateAhead: (typed: string, days: number) => `只能登记今天和之前 ${days} 天内的上报，“${escapeUserText(typed)}”还没到。`,
  dateTooOld: (typed: string, days: number, earliest: string, taskName: string) =>
    `只能登记今天和之前 ${days} 天内（${formatDate(earliest)}起）的上报，“${escapeUserText(typed)}”的${taskName}已不能补报。`,
  notDueOn: (period: TaskPeriod) => `${period.label}${period.taskName}无需上报。`,
  twoDatesMadeUp: (d: { first: string; second: string; taskName: string; word: string; label: string }) =>
    `补报里有两个日期（“${escapeUserText(d.first)}”和“${escapeUserText(d.second)}”），分不清哪个是补报哪一期的${d.taskName}。` +
    `补报哪一期，日期直接写；${d.taskName}本身的${d.label}，前面请写“${d.label}”，例如：补报 ${d.word} ${escapeUserText(d.first)} … ${d.label} ${escapeUserText(d.second)}`,
  /** Beside a kind reported by a role, in 帮助 and 状态. */
  byRole: (role: string) => `（由各校${role}上报）`,
  /** A kind reported by a role (晨午检 by the 校医), sent by someone else: who reports it at his school. */
  reportedByRole: (taskName: string, role: string, schools: readonly { school: School; people: readonly string[] }[]) =>
    [
      `${taskName}由各校${role}上报，本条没有登记。`,
      ...schools.map(({ school, people }) =>
        people.length > 0 ? `${school.name}的${role}：${people.join("、")}` : `${school.name}的名单里没有${role}，请联系教育局管理员补上，或请领导代报。`,
      ),
    ].join("\n"),
  /** A school the task's `schools` leave out: it does not report the task at all. */
  notAssigned: (school: string, taskName: string) => `${school}不在${taskName}的上报学校之列，无需上报，本条没有登记。如认为本校应当上报，请联系教育局管理员。`,
  backfilled: (period: TaskPeriod) => `📅 这是 ${period.label} 的补报，已记入当天。`,
  notInSeason: (name: string) => `现在不在${name}的季节内，无需上报。`,
  missingDescription: "请写明异常情况，例如发生了什么、学生情况、已采取的措施。",
  descriptionTooLong: (chars: number, limit: number) =>
    `异常情况写了 ${chars} 个字，超过了 ${limit} 字的上限，没有登记。请只写要点：发生了什么、学生情况、已采取的措施；详细材料请另行报送。`,
  remarkTooLong: (chars: number, limit: number) =>
    `平安后面的备注写了 ${chars} 个字，超过了 ${limit} 字的上限，没有登记。请只写要点；有异常请发送“异常 具体情况”。`,
  drowningNumbers: "请写明已提醒的家长人数和应提醒人数，用“/”隔开。",
  reachedOverTotal: (reached: number, total: number) => `已提醒人数 ${reached} 不能超过应提醒人数 ${total}。`,
  totalZero: "应提醒人数必须大于 0。",
  studyNumbers: "请写明实到人数和应到人数，用“/”隔开。",
  attendedOverExpected: (attended: number, expected: number) => `实到人数 ${attended} 不能超过应到人数 ${expected}。`,
  leaveOverExpected: (attended: number, leave: number, expected: number) =>
    `实到 ${attended} 加请假 ${leave} 超过了应到人数 ${expected}。`,
  expectedZero: "应到人数必须大于 0。",
  withdrawWhich: (kinds: readonly string[]) => `请写明要撤销哪一项：${kinds.join("、")}。`,
} as const;

import type { School } from "../../config/roster.js";
import type { TaskPeriod } from "../../time/task-calendar.js";
import { formatDeadline, formatInstant } from "../../time/local-time.js";
import { formatPeriod } from "../../time/periods.js";
import { shortNameOf } from "../../config/school.js";

/**
 * Every word of the check-in card and of the answers to its taps. Cards are plain text:
 * WeCom shows a title of about 26 characters and button texts of about 10.
 */
export const cardText = {
  okButton: "今日平安 ✅",
  abnormalButton: "有异常，去填写",

  /** The card of a reminder and of the replies to 帮助 and 状态. */
  title: (period: TaskPeriod) => `${period.taskName} ${formatPeriod(period)}`,
  /** `past`: the deadline has passed, and a tap now is recorded late. */
  desc: (period: TaskPeriod, timeZone: string, past: boolean) =>
    `${formatDeadline(formatInstant(period.deadline, timeZone), past)}，${past ? "点一下即可补报（记为迟报）" : "点一下即可上报"}`,
  body: "今天无异常请点“今日平安 ✅”；有异常请点“有异常，去填写”，再发文字说明情况。",

  /** What the audit log and the ledger keep as the "typed" text of a report made by a tap. */
  tapRaw: "（点击卡片）今日平安 ✅",

  /** Above the check-in's own reply, which names the school in full. */
  recordedTitle: "✅ 今日平安已登记",
  alreadyTitle: (school: School) => `${shortNameOf(school)} 今天已经上报过了`,
  already: (report: { at: string; byName: string; value: string }, timeZone: string, botName: string) =>
    `${formatInstant(new Date(report.at), timeZone)} 由 ${report.byName} 上报：${report.value}。这次点击没有再登记。` +
    `如需更正，请直接发送 @${botName} 平安 或 @${botName} 异常 具体情况。`,

  abnormalTitle: "有异常，请发文字说明",
  abnormal: (botName: string, schools: readonly School[]) =>
    schools.length > 1
      ? `请在群里发送：@${botName} 异常 学校简称 具体情况（发生了什么、学生情况、已采取的措施），` +
        `例如：@${botName} 异常 ${shortNameOf(schools[0]!)} 一名学生课间摔伤，已送医。局领导会立即收到。`
      : `请在群里发送：@${botName} 异常 具体情况（发生了什么、学生情况、已采取的措施），` +
        `例如：@${botName} 异常 一名学生课间摔伤，已送医。局领导会立即收到。`,

  chooseTitle: "您负责多所学校，报哪一所？",
  choose: (reported: readonly School[], more: readonly School[], botName: string) =>
    [
      "点学校名称即为该校报今日平安。",
      reported.length > 0 ? `已报：${reported.map(shortNameOf).join("、")}。` : "",
      more.length > 0 ? `其余 ${more.length} 所（${more.map(shortNameOf).join("、")}）请发送 @${botName} 平安 学校简称。` : "",
    ].join(""),
  allReportedTitle: "您负责的学校今天都已上报",
  allReported: (schools: readonly School[]) => `${schools.map(shortNameOf).join("、")} 今天都已上报，这次点击没有再登记。`,
  /** A school's button on the choice card. */
  schoolButton: (school: School) => [...shortNameOf(school)].slice(0, 10).join(""),

  notRecordedTitle: "没有登记",
  expired: (period: TaskPeriod, botName: string) =>
    `这张卡片是 ${formatPeriod(period)} 的，已经过期，没有登记。今天的请点下面的按钮，或直接发送 @${botName} 平安。`,
  expiredUnknown: (botName: string) => `这张卡片已经过期，没有登记。今天的请点下面的按钮，或直接发送 @${botName} 平安。`,
  unreadable: (botName: string) => `看不懂这个按钮，没有登记。请点下面的按钮，或直接发送 @${botName} 平安。`,
  notYourSchool: (name: string, mine: readonly School[]) =>
    `您不是 ${name} 的上报人（您负责：${mine.map(shortNameOf).join("、")}），没有登记。`,
  forLeaders: (botName: string) =>
    `这个按钮是学校上报人用的，没有登记。替学校录入请发送 @${botName} 代报 学校 平安；查看各校情况请发送 @${botName} 汇总。`,

  // The card of any other declared kind (kind-card.ts): its answers as buttons and a dropdown.
  /** Under the title: the card records what the same words typed record. */
  kindBody: (botName: string, example: string) => `点按钮即可上报，与发送文字一样登记。要写更多，请直接发送，例如 @${botName} ${example}`,
  yesButton: (label: string) => `${label}了`,
  noButton: (label: string) => `未${label}`,
  submitButton: "提交",
  sameButton: "与上次相同",
  /** The figures of the school's last report on the button that repeats them. */
  sameAs: (figures: string) => `与上次相同（${figures}）`,
  /** What the audit log and the ledger keep as the "typed" text of a report made by a tap: the words it stands for. */
  kindTapRaw: (words: string) => `（点击卡片）${words}`,
  kindRecordedTitle: (kindName: string) => `✅ ${kindName}已登记`,
  sameTitle: "与上次相同？",
  same: (period: TaskPeriod, figures: string) => `上次（${formatPeriod(period)}）报的是 ${figures}。点下面的按钮即登记相同的数，与发送文字一样。`,
  noLast: (botName: string, example: string) => `没有找到本校上次的上报，没有登记。请直接发送，例如 @${botName} ${example}`,
  kindAbnormal: (botName: string, word: string) =>
    `请在群里发送：@${botName} ${word} 异常 具体情况（发生了什么、已采取的措施），局领导会立即收到。`,
  kindExpired: (period: TaskPeriod | undefined, botName: string, word: string) =>
    `这张卡片${period ? `是 ${formatPeriod(period)} 的，` : ""}已经过期，没有登记。本期的请点下面的按钮，或直接发送 @${botName} ${word}。`,
  kindUnreadable: (botName: string, word: string) => `看不懂这个按钮，没有登记。请点下面的按钮，或直接发送 @${botName} ${word}。`,
  kindForLeaders: (botName: string, word: string) =>
    `这个按钮是学校上报人用的，没有登记。替学校录入请发送 @${botName} 代报 学校 ${word} …；查看各校情况请发送 @${botName} 汇总。`,
  kindChoose: "点学校名称即为该校上报这一项。",
} as const;

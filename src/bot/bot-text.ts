import type { Config } from "../config/schema.js";
import { shortenUserText } from "../text/user-text.js";

/** What a leader or admin is most likely to want, for replies that point the way (a reporter's are his kinds', formatHints). */
const LEADER_HINTS = ["汇总", "未报", "代报 学校 平安", "帮助"];

/** Replies of the dispatcher itself: greetings, refusals, failures. */
export const botText = {
  welcome: (botName: string, name: string) =>
    `您好，${name}！我是${botName}。在群里 @${botName} 或在这里直接发送指令即可，发送“帮助”查看用法。`,

  unknownSender: (config: Config) => {
    const admins = config.admins.map((a) => a.name).join("、");
    return (
      `您的企业微信账号还不在${config.bot.name}的名单中，本条消息没有登记。\n` +
      `请联系信息中心${admins ? `（${admins}）` : "管理员"}把您加入学校名单（上报人一栏填写您的企业微信账号）。`
    );
  },

  /** `hints`: a reporter's own (formatHints); a leader's when none are given. */
  notUnderstood: (botName: string, text: string, hints: readonly string[] = LEADER_HINTS) => {
    return (
      `没有看懂“${shortenUserText(text, 30)}”，本条消息没有登记。\n` +
      `可以发送：${hints.map((h) => `@${botName} ${h}`).join("、")}`
    );
  },

  /** A message that names no command but seems to mean one (平按): asked, never done. */
  didYouMean: (botName: string, keyword: string) =>
    `您是想发“${keyword}”吗？本条消息没有登记。如果是，请发送：@${botName} ${keyword}`,

  /** A reporter sent a leader's command. */
  /** A reporter sent a leaders' command; `instead` is his message with his own command, where there is one (终报 for 结案). */
  forLeaders: (botName: string, keyword: string, instead?: { when: string; message: string }) =>
    `“${keyword}”是局领导和管理员用的指令，本条消息没有登记。` +
    (instead ? `${instead.when}请发送：\n> @${botName} ${shortenUserText(instead.message, 60)}` : `查看本校的上报情况请发送：@${botName} 状态`),

  /** A leader or admin sent a school's command; `onBehalf` is his message in the 代报 form. */
  forReporters: (botName: string, keyword: string, onBehalf?: string) =>
    `“${keyword}”是学校上报人用的指令，本条消息没有登记。` +
    (onBehalf
      ? `\n替学校录入请在前面写上“代报 学校”，例如：\n> @${botName} ${shortenUserText(onBehalf, 60)}`
      : `\n查看各校情况请发送：@${botName} 汇总，或 @${botName} 历史 学校`),

  nonText: (botName: string) =>
    `暂时只能识别文字消息，本条没有登记。请发送文字，例如：@${botName} 平安`,

  empty: (botName: string) => `您好，我是${botName}。请在 @ 我之后写上指令，例如：@${botName} 平安。发送“帮助”查看全部用法。`,

  usage: (problem: string, botName: string, examples: readonly string[]) =>
    `${problem}\n本条消息没有登记。正确示例：\n${examples.map((e) => `> @${botName} ${e}`).join("\n")}`,

  /** What the audit log keeps as the message of a tap on a card, until the card's handler names the button. */
  cardTapRaw: "（点击卡片按钮）",
  tapFailedTitle: "系统繁忙，请稍后再点一次",
  tapAgain: "再点一次",

  // Said when the outcome is unknown (Redis timed out mid-callback): "might not", never "was
  // not"; sending the same message again settles it and never records twice.
  failure: "系统暂时繁忙，本条消息可能没有登记成功，请稍后再发一次（同一条消息重发不会重复登记）。",

  // Said when Redis refused the record outright: nothing was written.
  notRecorded: "系统暂时无法保存，本条消息没有登记，请稍后再发。",
} as const;

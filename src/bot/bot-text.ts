import type { Config } from "../config/schema.js";
import { shortenUserText } from "./user-text.js";

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

  notUnderstood: (botName: string, text: string) =>
    `没有看懂“${shortenUserText(text, 30)}”，本条消息没有登记。\n发送 **@${botName} 帮助** 查看可用指令，例如：@${botName} 平安`,

  notAllowed: (keyword: string) => `“${keyword}”只对局领导和管理员开放，本条消息没有登记。`,

  nonText: (botName: string) =>
    `暂时只能识别文字消息，本条没有登记。请发送文字，例如：@${botName} 平安`,

  empty: (botName: string) => `您好，我是${botName}。请在 @ 我之后写上指令，例如：@${botName} 平安。发送“帮助”查看全部用法。`,

  usage: (problem: string, botName: string, examples: readonly string[]) =>
    `${problem}\n本条消息没有登记。正确示例：\n${examples.map((e) => `> @${botName} ${e}`).join("\n")}`,

  // Said when the outcome is unknown (Redis timed out mid-callback): "might not", never "was
  // not"; sending the same message again settles it and never records twice.
  failure: "系统暂时繁忙，本条消息可能没有登记成功，请稍后再发一次（同一条消息重发不会重复登记）。",

  // Said when Redis refused the record outright: nothing was written.
  notRecorded: "系统暂时无法保存，本条消息没有登记，请稍后再发。",
} as const;

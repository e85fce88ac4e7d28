import type { Config } from "../../config/schema.js";
import type { School } from "../../config/roster.js";
import { escapeUserText, shortenUserText } from "../../text/user-text.js";
import { formatClock, formatInstant } from "../../time/local-time.js";
import type { Incident, IncidentStep } from "../../store/incidents.js";
import { leaderText } from "../leaders/leader-text.js";

type People = Pick<Config, "leaders" | "admins">;

/** Characters of an incident's text a push or a listing shows; the whole of it is in 历史. */
export const INCIDENT_CHARS = 200;
/** Characters of the description a card shows: WeCom suggests about 112 below the title. */
const CARD_CHARS = 100;

/** How long ago an incident was reported: 已 25分钟, 已 3小时10分钟, 已 2天; 刚报 within its first minute (not 已 0分钟). */
const ago = (from: Date, now: Date) => {
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  if (minutes === 0) return "刚报";
  return `已 ${since(minutes)}`;
};

const since = (minutes: number) => {
  if (minutes < 60) return `${minutes}分钟`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}小时${minutes % 60 > 0 ? `${minutes % 60}分钟` : ""}` : `${Math.floor(hours / 24)}天`;
};

const STEP_NAMES: Record<IncidentStep["kind"], string> = {
  open: "首报",
  update: "更正",
  withdrawn: "撤销",
  corrected: "改报平安",
  "follow-up": "续报",
  final: "终报",
  close: "结案",
  ack: "收到",
  escalated: "催办",
  reminded: "提醒续报",
};

/** Every word of the incident feature a user reads. */
export const incidentText = {
  /** The line the alert that opened an incident ends with. */
  alertNumber: (number: number) => `事件 **#${number}**　领导回复「收到 #${number}」表示已阅`,
  urgentMark: (word: string) => `🚨 **紧急**（${escapeUserText(word)}）：请各位领导立即关注`,
  /** The first acknowledgement, told to the other leaders in the next message about the incident. */
  ackedBy: (by: string, at: Date, config: People, timeZone: string) => `（${leaderText.person(by, config)} 已于 ${formatClock(at, timeZone)} 收到）`,

  escalationTitle: (incident: Incident, school: School | undefined, minutes: number) =>
    `⏰ 事件 #${incident.number}（${schoolLabel(incident, school)}）报告已 ${Math.round(minutes)} 分钟，还没有领导回复「收到」`,
  escalationBody: (incident: Incident) => `异常：${shortenUserText(incident.description, INCIDENT_CHARS)}`,
  escalationAsk: (number: number) => `请值班领导回复「收到 #${number}」`,

  followUpTitle: (incident: Incident, school: School | undefined) => `📝 **续报 #${incident.number}：${schoolLabel(incident, school)}**`,
  finalTitle: (incident: Incident, school: School | undefined) => `✅ **终报 #${incident.number}：${schoolLabel(incident, school)}**（事件处理完毕）`,
  closedTitle: (incident: Incident, school: School | undefined) => `✅ **结案 #${incident.number}：${schoolLabel(incident, school)}**`,
  quote: (text: string) => `> ${shortenUserText(text, INCIDENT_CHARS)}`,
  stepBy: (kind: IncidentStep["kind"], by: string, at: Date, config: People, timeZone: string, school?: School) =>
    `${STEP_NAMES[kind]}：${leaderText.person(by, config, school)} ${formatInstant(at, timeZone)}`,

  reminder: (incident: Incident, school: School | undefined, hours: number) =>
    `事件 #${incident.number}（${schoolLabel(incident, school)}）已 ${hours} 个工作小时没有续报。请回复「续报 进展情况」说明处理进展；处理完毕请回复「终报 处理结果」。`,

  // The card under an alert over the long connection, and its answers to a tap (plain text).
  cardTitle: (incident: Incident, school: School | undefined) => `事件 #${incident.number}：${schoolLabel(incident, school)} 异常`,
  cardDesc: (incident: Incident, timeZone: string) => `报告于 ${formatInstant(new Date(incident.at), timeZone)}`,
  cardBody: (description: string) => {
    const chars = [...description.replace(/\s+/gu, " ").trim()];
    return chars.length <= CARD_CHARS ? chars.join("") : `${chars.slice(0, CARD_CHARS).join("")}…`;
  },
  ackButton: "收到",
  ackedButton: "已收到",
  ackedTitle: (number: number) => `已收到事件 #${number}`,
  notRecordedTitle: "没有记录",
  cardUnreadable: "看不懂这个按钮，没有记录。请回复「收到 #事件编号」。",
  cardForLeaders: "只有局领导可以点「收到」，本次没有记录。",

  // Replies.
  acked: (incident: Incident, school: School | undefined) => `✅ 已记录：您已收到事件 #${incident.number}（${schoolLabel(incident, school)}）。`,
  ackedAfter: (incident: Incident, school: School | undefined, first: string, at: Date, config: People, timeZone: string) =>
    `✅ 已记录您已阅事件 #${incident.number}（${schoolLabel(incident, school)}）；${leaderText.person(first, config)} 已于 ${formatClock(at, timeZone)} 先收到。`,
  followedUp: (incident: Incident, school: School | undefined) => `📝 已记录事件 #${incident.number}（${schoolLabel(incident, school)}）的续报，已转告局领导。`,
  finalled: (incident: Incident, school: School | undefined) => `✅ 已记录事件 #${incident.number}（${schoolLabel(incident, school)}）的终报，事件已结束。`,
  closed: (incident: Incident, school: School | undefined) => `✅ 事件 #${incident.number}（${schoolLabel(incident, school)}）已结案，已告知其他领导。`,

  // Refusals.
  followUpWhat: (keyword: string) => `请写上${keyword}的内容，例如：${keyword} 学生已转入县医院，家长已到场`,
  closeWhat: "请写上事件编号和结案意见，例如：结案 #12 已妥善处理，家长无异议",
  ackWhich: "请写上事件编号或学校，例如：收到 #12 或 收到 城关一小",
  noSuchIncident: (number: number) => `没有事件 #${number}，请核对编号（见汇总的“未结事件”）。`,
  notNumberedYet: (number: number) =>
    `还没有事件 #${number}，本次没有记录。编号随局领导群的异常通报一起发出：刚报的异常请看到带 #${number} 的通报后再发一次，否则请核对编号（见汇总的“未结事件”）。`,
  schoolNotOpenYet: (name: string) => `${name}的异常还在登记，事件编号随局领导群的异常通报一起发出。请看到带编号的通报后再发一次，本次没有记录。`,
  /** A leader's of a node asking about an incident of a school outside it: not his, nothing of it told. */
  outsideNode: (number: number, node: string) => `事件 #${number} 不在您负责的范围（${escapeUserText(node)}）内，不能查看或操作。`,
  notYourIncident: (number: number) => `事件 #${number} 不是您所在学校的事件。`,
  noOpenIncident: (name: string) => `${name}现在没有未结的事件。`,
  ended: (number: number, status: Incident["status"]) =>
    status === "closed" ? `事件 #${number} 已经结案，不再记录。` : `事件 #${number} 的异常报告已撤销或改报平安，不再记录。`,

  // Listings: 汇总, 历史, 看板.
  openHeading: (count: number) => `未结事件（${count}）`,
  openItem: (incident: Incident, school: School | undefined, now: Date, config: People, timeZone: string): string => {
    const last = incident.followUps > 0 ? `最近续报 ${formatInstant(new Date(incident.lastAt), timeZone)}` : "尚无续报";
    const ack = incident.ackBy ? `，${leaderText.person(incident.ackBy, config)}已收到` : "，无人收到";
    return `#${incident.number} ${schoolLabel(incident, school)}${incident.urgent ? " 🚨" : ""}：${ago(new Date(incident.at), now)}，${last}${ack}`;
  },
  historyStep: (number: number, step: IncidentStep, config: People, timeZone: string, school?: School) => {
    const who = step.by ? ` ${leaderText.person(step.by, config, school)}` : "";
    // The report and its corrections are entries of 历史 already: only what came by the incident shows its text.
    const text = step.text && (step.kind === "follow-up" || step.kind === "final" || step.kind === "close") ? `：${shortenUserText(step.text, INCIDENT_CHARS)}` : "";
    return `- ${formatInstant(new Date(step.at), timeZone)}${who} 事件 #${number} ${STEP_NAMES[step.kind]}${text}`;
  },
  stepName: (kind: IncidentStep["kind"]) => STEP_NAMES[kind],
  statusName: (status: Incident["status"]) => ({ open: "未结", closed: "已结案", withdrawn: "已撤销" })[status],
};

function schoolLabel(incident: Incident, school: School | undefined): string {
  return school ? leaderText.shortName(school) : escapeUserText(incident.school);
}

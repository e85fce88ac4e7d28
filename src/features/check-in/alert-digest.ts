import type { Roster, School } from "../../config/roster.js";
import type { Config } from "../../config/schema.js";
import type { MergeAlerts } from "../../push/mailbox.js";
import type { PushAbout } from "../../message/push.js";
import type { PushLine } from "../../message/push.js";
import { shortenUserText } from "../../text/user-text.js";
import type { IncidentStore } from "../../store/incidents.js";
import type { ReportStore } from "../../store/reports.js";
import { abnormalDescription, isAbnormal, type Report } from "../../store/report.js";
import { formatClock } from "../../time/local-time.js";
import { leaderText } from "../leaders/leader-text.js";

/** A description in a digest: short enough that a dozen schools fit one message. */
const DIGEST_CHARS = 60;

const digestText = {
  title: (count: number) => `⚠️ **异常动态（${count} 所）**：以下是各校现在的情况`,
  abnormal: (name: string, number: number | undefined, description: string, when: string) =>
    `> **${name}**${number === undefined ? "" : ` 事件 #${number}`}：⚠️ 异常 — ${description}（${when}）`,
  recovered: (name: string, when: string) => `> **${name}**：✅ 已恢复正常（${when} 报平安）`,
  withdrawn: (name: string) => `> **${name}**：已撤销异常报告，今日暂为未报`,
  footer: "各校经过详见：@平安助手 历史 <学校>",
  ackHint: "领导回复「收到 #编号」表示已阅",
};

/**
 * The message that replaces alerts which queued up behind the leaders' rate limit: each school
 * once, with its status read now, so the last word about a school is its state.
 */
export function createAlertDigest({
  store,
  incidents,
  roster,
  config,
}: {
  store: Pick<ReportStore, "get">;
  /** The incident an abnormal report opened, named by its number as in a single alert. */
  incidents: Pick<IncidentStore, "numberOf" | "read">;
  roster: Roster;
  config: Pick<Config, "timezone" | "leaders" | "admins">;
}): MergeAlerts {
  return async (_group, pushes) => {
    const schools = new Map<string, PushAbout>();
    for (const push of pushes) {
      if (!push.about) continue;
      // Each school where its latest alert stood.
      schools.delete(push.about.school);
      schools.set(push.about.school, push.about);
    }
    const lines: PushLine[] = [{ text: digestText.title(schools.size) }];
    const shown: string[] = [];
    let numbered = false;
    for (const about of schools.values()) {
      const report = await store.get(about.task, about.period, about.school);
      const school = roster.byCode(about.school);
      const number = isAbnormal(report) ? await incidentOf(about, report.msgid) : undefined;
      numbered ||= number !== undefined;
      lines.push({ text: statusLine(school ? leaderText.shortName(school) : about.school, report, school, number) });
      if (report) shown.push(report.msgid);
    }
    lines.push({ text: digestText.footer });
    if (numbered) lines.push({ text: digestText.ackHint });
    return { message: { msgtype: "markdown", lines }, shown };
  };

  /** The number of the open incident that stands for this report (the alerts' turn opened it before merging them). */
  async function incidentOf(about: PushAbout, msgid: string): Promise<number | undefined> {
    const number = await incidents.numberOf(about);
    const incident = number === undefined ? undefined : await incidents.read(number);
    return incident?.status === "open" && incident.msgid === msgid ? incident.number : undefined;
  }

  function statusLine(name: string, report: Report | undefined, school: School | undefined, number?: number): string {
    if (!report) return digestText.withdrawn(name);
    // The roster knows a reporter's name only by school.
    const by = school ? leaderText.reportedBy(report, config, school) : leaderText.person(report.by, config);
    const when = `${formatClock(new Date(report.at), config.timezone)} ${by}`;
    if (isAbnormal(report)) return digestText.abnormal(name, number, shortenUserText(abnormalDescription(report), DIGEST_CHARS), when);
    return digestText.recovered(name, formatClock(new Date(report.at), config.timezone));
  }
}

import { isDeepStrictEqual } from "node:util";
import type { Config } from "../../config/schema.js";
import type { Push } from "../../message/push.js";
import type { PushLine } from "../../message/push.js";
import type { Roster, School } from "../../config/roster.js";
import { areaKey, areaLabel, isUnder } from "../../config/roster-tree.js";
import { nodeOf } from "../../config/scope.js";
import { abnormalDescription, isAbnormal, type FieldValue, type Report } from "../../store/report.js";
import { leaderText } from "../leaders/leader-text.js";
import type { RuleDeclaration } from "../../config/kind-schema.js";
import type { ReportKind } from "../../config/kinds.js";
import { fieldsText } from "./fields-text.js";
import { toLocalDate } from "../../time/local-time.js";

/**
 * Characters of a description an alert shows: an alert is one short message to a busy group;
 * the whole text is in 历史, which the alert names.
 */
export const ALERT_CHARS = 200;

/** The idempotency key of the alert a message caused, per leaders group: `alert:<msgid>:leaders`. */
export function formatAlertKey(msgid: string, group: string): string {
  return `alert:${msgid}:${group}`;
}

/**
 * The pushes to every leaders group (role `leaders`) that a report causes, decided by its
 * kind's declared rules alone (平安日报's `status equals abnormal` as any other kind's): an
 * alert when the report meets a rule, an update when it replaces a report that met one (the
 * new text, or 已恢复正常, with only the first words of the old text); nothing otherwise. A
 * 平安日报 异常 keeps the wording leaders know (异常报告, its description). Keyed by the report's
 * msgid, so a retried job or a repeated callback alerts once.
 */
export function buildAbnormalAlerts(args: {
  config: Pick<Config, "groups" | "leaders" | "admins" | "timezone">;
  /** The roster whose tree the groups' nodes name. */
  roster: Pick<Roster, "root">;
  school: School;
  report: Report;
  /** The report it replaced, if any. */
  previous?: Report;
  /** The report's kind, whose rules decide. */
  kind: Pick<ReportKind, "name" | "fields" | "rules">;
}): Push[] {
  const { config, school, report, previous, kind } = args;
  // The same report again (a principal unsure the first went through, 发热5 实到1190 for 实到1190
  // 发热5) tells the leaders nothing new: an update saying what they know would be sent twice.
  if (previous && isDeepStrictEqual(previous.value, report.value)) return [];
  const met = metRules(kind, report.value);
  const before = previous ? metRules(kind, previous.value) : [];
  // Most reports meet no rule and replace none that did: nothing is written for them.
  if (met.length === 0 && before.length === 0) return [];
  const timeZone = config.timezone;
  const by = { text: leaderText.alertBy(report, config, timeZone, school) };
  // 原报 quotes what the replaced report said: a 平安日报 异常's description.
  const quoted = isAbnormal(previous) && previous.value.task === "safety" ? [{ text: leaderText.alertPrevious(previous, timeZone) }] : [];
  // The title names the school's 片区 as each group is shown it (areaLabel).
  let title: (area: string) => string;
  let lines: PushLine[];
  if (met.length > 0 && isAbnormal(report) && report.value.task === "safety") {
    title = (area) => (before.length > 0 ? leaderText.alertUpdateTitle(school, area) : leaderText.alertTitle(school, area));
    lines = [
      { text: leaderText.alertText(school, abnormalDescription(report), ALERT_CHARS) },
      by,
      ...quoted,
    ];
  } else if (met.length > 0) {
    title = (area) => leaderText.ruleAlertTitle(school, area, kind.name, met.map((rule) => rule.alert ?? kind.fields[rule.field]!.label), before.length > 0);
    lines = [
      { text: leaderText.alertText(school, fieldsText.describe(report.value, kind.fields, { madeOn: toLocalDate(new Date(report.at), timeZone) }), ALERT_CHARS) },
      by,
    ];
  } else {
    title = (area) => leaderText.alertRecoveredTitle(school, area);
    lines = [...quoted, by];
  }
  return toLeaders(args, report, title, lines, report.at);
}

/**
 * The declared rules a report meets: a field equal to the rule's value (a status `abnormal`, a
 * yes/no `false`, a choice among those chosen), or a count at least its figure (for named
 * counts, any one of them: 发热 3). A report's value is taken as what it is, its fields by id
 * (every reader records its declared fields under their ids), so no helper is walked into for it.
 */
export function metRules(kind: Pick<ReportKind, "rules">, value: Readonly<Record<string, FieldValue | undefined>>): RuleDeclaration[] {
  return kind.rules.filter((rule) => {
    const v = value[rule.field];
    if (rule.equals !== undefined) return Array.isArray(v) ? v.includes(rule.equals) : v === rule.equals;
    const least = rule.at_least!;
    if (typeof v === "number") return v >= least;
    return typeof v === "object" && !Array.isArray(v) && Object.values(v as Record<string, number>).some((n) => n >= least);
  });
}

/** The update to the leaders when a school withdraws an abnormal report (撤销); nothing otherwise. */
export function buildWithdrawalAlerts(args: {
  config: Pick<Config, "groups" | "leaders" | "admins" | "timezone">;
  /** The roster whose tree the groups' nodes name. */
  roster: Pick<Roster, "root">;
  school: School;
  withdrawn: Report;
  by: string;
  at: Date;
  msgid: string;
}): Push[] {
  const { config, school, withdrawn } = args;
  if (!isAbnormal(withdrawn)) return [];
  return toLeaders(args, { ...withdrawn, msgid: args.msgid }, (area) => leaderText.alertWithdrawnTitle(school, area), [
    { text: leaderText.alertPrevious(withdrawn, config.timezone) },
    { text: leaderText.alertWithdrawnBy(args.by, args.at, config, config.timezone, school) },
  ], args.at.toISOString());
}

/**
 * The alert to each leaders group whose node holds the school (none outside it hears of it), keyed by the message; `about` lets queued alerts merge, and
 * `causedAt` (when the school reported) is where the delivery log measures an alert's delay from.
 */
function toLeaders(
  { config, roster, school: about }: { config: Pick<Config, "groups">; roster: Pick<Roster, "root">; school: School },
  { msgid, school, task, period }: Pick<Report, "msgid" | "school" | "task" | "period">,
  title: (area: string) => string,
  lines: PushLine[],
  causedAt: string,
): Push[] {
  return Object.entries(config.groups)
    .map(([id, group]) => ({ id, group, node: nodeOf(roster, group) }))
    .filter(({ group, node }) => group.role === "leaders" && isUnder(node, about))
    .map(({ id, node }) => {
      const message = { msgtype: "markdown" as const, lines: [{ text: title(areaLabel(node, areaKey(about))) }, ...lines] };
      return { idempotencyKey: formatAlertKey(msgid, id), group: id, message, about: { school, task, period, msgid }, causedAt };
    });
}

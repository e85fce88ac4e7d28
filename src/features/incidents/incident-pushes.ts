import type { BotCard } from "../../message/card.js";
import type { Config } from "../../config/schema.js";
import type { Roster, School } from "../../config/roster.js";
import { resolveGroupSchools, nodeOf } from "../../config/scope.js";
import { isUnder } from "../../config/roster-tree.js";
import type { Push, PushLine } from "../../message/push.js";
import type { Incident, IncidentStep } from "../../store/incidents.js";
import { incidentText } from "./incident-text.js";

type PushConfig = Pick<Config, "groups" | "leaders" | "admins" | "timezone" | "incidents">;

/** The idempotency key of a push about an incident: one per step (its msgid) or per clock (`ack:1`, `remind:0`). */
export function formatIncidentPushKey(number: number, what: string): string {
  return `incident:${number}:${what}`;
}

/**
 * Whom an escalation @-mentions: the leaders whose node holds the school (a sibling county's are
 * none of its business), all of them when urgent, else those of them on duty (all of them when
 * none of them is).
 */
export function escalationMentions(config: Pick<Config, "leaders" | "incidents">, roster: Pick<Roster, "root">, school: School | undefined, urgent: boolean): string[] {
  const holding = config.leaders.filter((leader) => school !== undefined && isUnder(nodeOf(roster, leader), school)).map((leader) => leader.userid);
  const onDuty = holding.filter((userid) => config.incidents.on_duty.includes(userid));
  return urgent || onDuty.length === 0 ? holding : onDuty;
}

/**
 * An alert about the incident, as written (`whole`): in the group's mailbox, so that it keeps its
 * place after the school's earlier alerts and is tried until it goes out, like them.
 */
function incidentAlert(incident: Incident, key: string, group: string, message: Push["message"], causedAt: string, card?: BotCard): Push {
  const idempotencyKey = `${key}:${group}`;
  return { idempotencyKey, group, message, causedAt, whole: true, about: { school: incident.school, task: incident.task, period: incident.period, msgid: idempotencyKey }, ...(card && { card }) };
}

/** The incident's 收到 card to one leaders' group, as an alert of its own: in its place after the alert it follows. */
export function buildCardPush(incident: Incident, group: string, card: BotCard, causedAt: string): Push {
  return incidentAlert(incident, formatIncidentPushKey(incident.number, "card"), group, { msgtype: "markdown", lines: [] }, causedAt, card);
}

/** One alert to each leaders' group whose node holds the school, as its alerts go. */
function toLeaders(config: PushConfig, roster: Pick<Roster, "byCode" | "root">, incident: Incident, key: string, message: Push["message"], causedAt: string): Push[] {
  const school = roster.byCode(incident.school);
  return Object.entries(config.groups)
    .filter(([, group]) => group.role === "leaders" && school !== undefined && isUnder(nodeOf(roster, group), school))
    .map(([id]) => incidentAlert(incident, key, id, message, causedAt));
}

/**
 * What a step taken in the chat (续报, 终报, 结案) tells the leaders: its text, who and when, and
 * the first acknowledgement when this is the first message about the incident since it.
 */
export function buildStepPushes(args: {
  config: PushConfig;
  roster: Pick<Roster, "byCode" | "root">;
  incident: Incident;
  step: IncidentStep & { kind: "follow-up" | "final" | "close"; by: string; text: string };
  shown?: { by: string; at: string };
}): Push[] {
  const { config, incident, step, shown } = args;
  const school = args.roster.byCode(incident.school);
  const timeZone = config.timezone;
  const title = { "follow-up": incidentText.followUpTitle, final: incidentText.finalTitle, close: incidentText.closedTitle }[step.kind](incident, school);
  const lines: PushLine[] = [
    { text: title },
    { text: incidentText.quote(step.text) },
    { text: incidentText.stepBy(step.kind, step.by, new Date(step.at), config, timeZone, school) },
    ...(shown ? [{ text: incidentText.ackedBy(shown.by, new Date(shown.at), config, timeZone) }] : []),
  ];
  return toLeaders(config, args.roster, incident, formatIncidentPushKey(incident.number, step.msgid), { msgtype: "markdown", lines }, step.at);
}

/** The escalation of an incident no leader acknowledged: to the leaders' groups, @-mentioning those on duty (every leader when urgent). */
export function buildEscalationPushes(config: PushConfig, roster: Pick<Roster, "byCode" | "root">, incident: Incident, level: number, minutes: number): Push[] {
  const school = roster.byCode(incident.school);
  const lines: PushLine[] = [
    { text: incidentText.escalationTitle(incident, school, minutes) },
    { text: incidentText.escalationBody(incident) },
    { text: incidentText.escalationAsk(incident.number), mentions: escalationMentions(config, roster, school, incident.urgent) },
  ];
  return toLeaders(config, roster, incident, formatIncidentPushKey(incident.number, `ack:${level}`), { msgtype: "text", lines }, incident.at);
}

/** The reminder to the school's reporter, in each schools' group that holds the school, when no follow-up came. */
export function buildReminderPushes(config: PushConfig, roster: Roster, incident: Incident, hours: number): Push[] {
  const school = roster.byCode(incident.school);
  const message: Push["message"] = { msgtype: "text", lines: [{ text: incidentText.reminder(incident, school, hours), mentions: [incident.by] }] };
  return Object.entries(config.groups)
    .filter(([, group]) => group.role === "schools" && school !== undefined && resolveGroupSchools(group, roster).schools.includes(school))
    .map(([id]) => incidentAlert(incident, formatIncidentPushKey(incident.number, `remind:${incident.followUps}`), id, message, incident.lastAt));
}

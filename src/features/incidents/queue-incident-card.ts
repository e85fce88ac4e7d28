import type { Config } from "../../config/schema.js";
import type { Roster } from "../../config/roster.js";
import type { AlertDelivered } from "../../push/mailbox.js";
import type { Push } from "../../message/push.js";
import type { IncidentStore } from "../../store/incidents.js";
import { formatIncidentCard } from "./incident-card.js";
import { buildCardPush } from "./incident-pushes.js";

/**
 * Queues an incident's 收到 card once the alert of the report that stands for it was delivered
 * (alone or in a digest) to a leaders' group the smart bot pushes to: behind the alert in the
 * group's mailbox, so it never goes ahead of the alert's text, and never for an alert that
 * failed for good. Its key makes a repeated delivery queue it once.
 */
export function createQueueIncidentCard(deps: {
  config: Pick<Config, "groups" | "timezone">;
  roster: Pick<Roster, "byCode">;
  incidents: Pick<IncidentStore, "numberOf" | "read">;
  enqueue: (push: Push) => Promise<void>;
}): AlertDelivered {
  return async (alert) => {
    const about = alert.about;
    if (!about || deps.config.groups[alert.group]?.via !== "bot") return;
    const number = await deps.incidents.numberOf(about);
    const incident = number === undefined ? undefined : await deps.incidents.read(number);
    // Not an alert it replaced (a correction's), nor a 续报 or escalation about it.
    if (!incident || incident.status !== "open" || incident.msgid !== about.msgid) return;
    const card = formatIncidentCard({ incident, school: deps.roster.byCode(incident.school), group: alert.group, timeZone: deps.config.timezone });
    await deps.enqueue(buildCardPush(incident, alert.group, card, alert.causedAt ?? incident.at));
  };
}

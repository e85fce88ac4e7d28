import type { Config } from "../../config/schema.js";
import type { PrepareAlert } from "../../push/mailbox.js";
import type { IncidentStore } from "../../store/incidents.js";
import type { ReportStore } from "../../store/reports.js";
import { abnormalDescription, isAbnormal } from "../../store/report.js";
import type { Clock } from "../../clock/clock.js";
import { findUrgency } from "./find-urgency.js";
import { incidentText } from "./incident-text.js";
import type { IncidentTimers } from "./incident-timers.js";

/**
 * An abnormal report's alert, as it goes out (the alert job): the school's incident is
 * brought in line with its report in force (opened, updated, or noted as withdrawn), and the
 * alert of the report that stands for it ends with its number, @-mentioning every leader when
 * urgent. Nothing is added to the check-in itself; a repeated turn syncs to the same incident.
 * The 收到 card follows once the alert is delivered (queue-incident-card.ts).
 */
export function createPrepareIncidentAlert(deps: {
  config: Pick<Config, "leaders" | "incidents" | "limits">;
  store: Pick<ReportStore, "get">;
  incidents: IncidentStore;
  timers: Pick<IncidentTimers, "schedule">;
  clock: Clock;
}): PrepareAlert {
  const { config, incidents } = deps;
  return async (push) => {
    const about = push.about;
    if (!about) return push.message;
    const report = await deps.store.get(about.task, about.period, about.school);
    const abnormal = isAbnormal(report) ? report : undefined;
    const description = abnormal ? abnormalDescription(abnormal) : "";
    const urgent = abnormal && findUrgency(description, config.incidents.urgent_words);
    const synced = await incidents.sync(
      about,
      abnormal && { msgid: abnormal.msgid, description, by: abnormal.by, at: abnormal.at, urgent: urgent !== undefined },
      // When the school corrected or withdrew it (the push's event), whenever this turn runs.
      {
        at: push.causedAt ? new Date(push.causedAt) : deps.clock.now(),
        by: report?.by ?? "",
        msgid: about.msgid,
        noted: report ? "corrected" : "withdrawn",
        keepFrom: new Date(deps.clock.now().getTime() - config.limits.history_days * 86_400_000),
      },
    );
    if (!abnormal || abnormal.msgid !== about.msgid || synced.number === 0) return push.message;
    const incident = await incidents.read(synced.number);
    if (incident) await deps.timers.schedule(incident);
    const leaders = config.leaders.map((leader) => leader.userid);
    return {
      ...push.message,
      lines: [
        ...push.message.lines,
        ...(urgent ? [{ text: incidentText.urgentMark(urgent), mentions: leaders }] : []),
        { text: incidentText.alertNumber(synced.number) },
      ],
    };
  };
}

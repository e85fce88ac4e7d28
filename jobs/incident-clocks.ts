import type { Job } from "bullmq";
import type { Logger } from "pino";
import type { Pusher } from "../src/bot/command.js";
import type { Config } from "../src/config/schema.js";
import type { Roster } from "../src/config/roster.js";
import type { Clock } from "../src/clock/clock.js";
import type { Incident, IncidentStore } from "../src/store/incidents.js";
import { ackDueAt } from "../src/features/incidents/incident-clock.js";
import { buildEscalationPushes, buildReminderPushes } from "../src/features/incidents/incident-pushes.js";
import type { IncidentJobData, IncidentTimers } from "../src/features/incidents/incident-timers.js";

/** How many escalations an unacknowledged incident gets: at ack_minutes, and at twice that. */
const ESCALATIONS = 2;

export interface IncidentClockDeps {
  config: Pick<Config, "groups" | "leaders" | "admins" | "timezone" | "incidents">;
  roster: Roster;
  incidents: IncidentStore;
  push: Pick<Pusher, "enqueue">;
  /** Where the next escalation is set. */
  timers: Pick<IncidentTimers, "scheduleEscalation">;
  clock: Clock;
  log: Pick<Logger, "info">;
}

/**
 * The incident queue's processor: a clock that runs out on an incident still open escalates it
 * (while unacknowledged) or reminds its reporter (while no follow-up came), and records the step.
 * A clock finds the incident as it is now, so one overtaken by an acknowledgement, a follow-up or
 * the close does nothing. Here, beside the other jobs' processors; incident-timers.ts hosts it.
 */
export function processIncidentJob(deps: IncidentClockDeps) {
  const { config, incidents, clock, log } = deps;
  const ackMinutes = (incident: Incident, level: number) => ackDueAt(new Date(0), level, { ackMinutes: config.incidents.ack_minutes, urgent: incident.urgent }).getTime() / 60_000;
  return async function processIncidentJob(job: Job<IncidentJobData>): Promise<string> {
    const data = job.data;
    const incident = await incidents.read(data.number);
    if (!incident || incident.status !== "open") return "ended";
    const now = clock.now();
    if (data.kind === "ack") {
      if (incident.ackBy) return "acknowledged";
      for (const push of buildEscalationPushes(config, deps.roster, incident, data.level, ackMinutes(incident, data.level))) await deps.push.enqueue(push);
      await incidents.step(incident.number, { kind: "escalated", at: now.toISOString(), msgid: `escalate:${incident.number}:${data.level}` });
      if (data.level < ESCALATIONS) await deps.timers.scheduleEscalation(incident, data.level + 1);
      log.info({ incident: incident.number, level: data.level }, "incident escalated");
      return `escalated ${data.level}`;
    }
    if (incident.followUps !== data.followUps) return "followed up";
    for (const push of buildReminderPushes(config, deps.roster, incident, config.incidents.follow_up_hours)) await deps.push.enqueue(push);
    await incidents.step(incident.number, { kind: "reminded", at: now.toISOString(), msgid: `remind:${incident.number}:${data.followUps}` });
    log.info({ incident: incident.number, followUps: data.followUps }, "incident reporter reminded");
    return "reminded";
  };
}

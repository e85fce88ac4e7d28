import { Queue, Worker, type Processor } from "bullmq";
import type { Cluster, Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../../config/schema.js";
import type { Incident } from "../../store/incidents.js";
import type { Clock } from "../../clock/clock.js";
import type { TaskCalendar } from "../../time/task-calendar.js";
import { ackDueAt, followUpDueAt, sendableAt } from "./incident-clock.js";

/** The braces are a Redis Cluster hash tag: all of the queue's keys land in one slot. */
export const INCIDENT_QUEUE_NAME = "{incidents}";

/** A clock of one incident: escalation `level` (1, 2) if still unacknowledged; the reminder if no follow-up came after the `followUps`th. */
export type IncidentJobData = { kind: "ack"; number: number; level: number } | { kind: "follow-up"; number: number; followUps: number };

/** A finished clock's job id stays this long, so that setting the same clock again is a no-op. */
const KEEP_DONE_SECONDS = 8 * 24 * 3600;

export interface IncidentTimerDeps {
  config: Pick<Config, "timezone" | "incidents" | "working_hours">;
  /** Whose working days the follow-up clock counts. */
  calendar: Pick<TaskCalendar, "isWorkday">;
  clock: Clock;
}

/**
 * The incidents' clocks, as delayed jobs on a queue of their own: each clock is one job under a
 * stable id (the incident, the escalation level or the follow-up count), so setting it again, from
 * a retry or another process, changes nothing, and what it sends carries a stable push key. What a
 * clock does when it runs out is jobs/incident-clocks.ts; this module sets clocks and hosts its worker.
 */
export interface IncidentTimers {
  readonly queue: Queue<IncidentJobData>;
  /** Sets the clocks an open incident runs on now: its next escalation while unacknowledged, its follow-up reminder. */
  schedule(incident: Incident): Promise<void>;
  /** Sets the clock of escalation `level` of an unacknowledged incident. */
  scheduleEscalation(incident: Incident, level: number): Promise<void>;
  /** Starts the worker that runs `process` when a clock runs out. */
  startWorker(process: Processor<IncidentJobData, string>, log: Pick<Logger, "warn" | "error">): Worker<IncidentJobData>;
  close(): Promise<void>;
}

export function createIncidentTimers({ connection, prefix, deps }: { connection: Redis | Cluster; prefix: string; deps: IncidentTimerDeps }): IncidentTimers {
  const { config, clock } = deps;
  const queue = new Queue<IncidentJobData>(INCIDENT_QUEUE_NAME, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 8, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: { age: KEEP_DONE_SECONDS }, removeOnFail: { age: KEEP_DONE_SECONDS } },
  });
  const workers: Worker<IncidentJobData>[] = [];

  const addAt = async (data: IncidentJobData, jobId: string, due: Date, urgent: boolean) => {
    const at = sendableAt(due, urgent, config);
    await queue.add(data.kind, data, { jobId, delay: Math.max(0, at.getTime() - clock.now().getTime()) });
  };
  const scheduleEscalation = (incident: Incident, level: number) =>
    addAt({ kind: "ack", number: incident.number, level }, `ack#${incident.number}#${level}`, ackDueAt(new Date(incident.at), level, { ackMinutes: config.incidents.ack_minutes, urgent: incident.urgent }), incident.urgent);

  const schedule = async (incident: Incident) => {
    if (incident.status !== "open") return;
    if (!incident.ackBy) await scheduleEscalation(incident, 1);
    const due = followUpDueAt(new Date(incident.lastAt), { followUpHours: config.incidents.follow_up_hours, urgent: incident.urgent, config, isWorkday: (date) => deps.calendar.isWorkday(date) });
    await addAt({ kind: "follow-up", number: incident.number, followUps: incident.followUps }, `follow#${incident.number}#${incident.followUps}`, due, incident.urgent);
  };

  return {
    queue,
    schedule,
    scheduleEscalation,
    startWorker(process, log) {
      const worker = new Worker<IncidentJobData>(INCIDENT_QUEUE_NAME, process, { connection, prefix, concurrency: 2 });
      worker.on("error", (error) => log.warn({ err: error }, "incident worker error"));
      worker.on("failed", (job, error) => log.error({ incident: job?.data.number, reason: error.message }, "incident clock failed"));
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.close()));
      await queue.close();
    },
  };
}

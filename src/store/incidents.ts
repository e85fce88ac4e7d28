import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import { TTL, type Keys } from "./keys.js";
import { loadScript, packArgument } from "./scripts.js";

/** Where an incident stands: open until 终报 or 结案 (closed), or its report withdrawn or corrected to 平安. */
export type IncidentStatus = "open" | "closed" | "withdrawn";

/** One 异常 followed until it is closed: opened by a school's abnormal report. */
export interface Incident {
  number: number;
  school: string;
  task: TaskId;
  period: string;
  /** The report it stands for now (a correction replaces it), its text and reporter. */
  msgid: string;
  description: string;
  by: string;
  /** ISO: when it was reported. */
  at: string;
  /** ISO: its last step that was news from the school (the report, a correction, a 续报). */
  lastAt: string;
  status: IncidentStatus;
  urgent: boolean;
  followUps: number;
  /** The first leader who acknowledged it (收到), and when. */
  ackBy?: string;
  ackAt?: string;
  closedAt?: string;
  closedBy?: string;
}

/** What happened to an incident, by whom and when. */
export interface IncidentStep {
  /** `final`: the school's 终报; `close`: a leader's 结案. */
  kind: "open" | "update" | "withdrawn" | "corrected" | "follow-up" | "final" | "close" | "ack" | "escalated" | "reminded";
  /** A userid; the service's own steps (escalated, reminded) name no one. */
  by?: string;
  at: string;
  msgid: string;
  /** As typed: the report's description, a 续报's or 终报's text. */
  text?: string;
}

/** What a sync did to the report's incident. */
export interface SyncResult {
  /** 0: there is none. */
  number: number;
  action: "opened" | "updated" | "same" | "noted" | "none";
}

/** What a step came to; `shown` is the first acknowledgement this step's message carries (see incident-step.lua). */
export type StepResult =
  | { outcome: "ok"; shown?: { by: string; at: string } }
  | { outcome: "duplicate" | "missing" }
  | { outcome: "closed"; status: IncidentStatus };

/** The report an incident is synced with: the school's abnormal report in force. */
export interface IncidentReport {
  msgid: string;
  description: string;
  by: string;
  at: string;
  urgent: boolean;
}

const syncScript = loadScript("incident-sync", {
  keys: (k: { seq: string; byReport: string; open: string; ofSchool: string }) => [k.seq, k.byReport, k.open, k.ofSchool],
  args: (a: { prefix: string; ref: string; values: object }) => [a.prefix, a.ref, packArgument(a.values)],
});

const stepScript = loadScript("incident-step", {
  keys: (k: { msgids: string; open: string }) => [k.msgids, k.open],
  args: (a: { prefix: string; number: number; step: IncidentStep; ttl: number }) => [a.prefix, a.number, packArgument(a.step), a.ttl],
});

/** Kept as long as the reports they stand for. */
const INCIDENT_TTL_SECONDS = TTL.periodSeconds;

/** Incidents (#12): numbered per deployment, each with its steps, who took them and when. */
export interface IncidentStore {
  /**
   * Brings the incident of a school's task and period in line with its report in force
   * (`report`: the abnormal one; none: withdrawn or corrected). Idempotent: any number of syncs
   * with the same report open one incident. Opening one forgets the school's incidents opened
   * before `keepFrom` (the retention's edge) in the lists that find them.
   */
  sync(
    ref: { school: string; task: TaskId; period: string },
    report: IncidentReport | undefined,
    event: { at: Date; by: string; msgid: string; noted: "withdrawn" | "corrected"; keepFrom: Date },
  ): Promise<SyncResult>;
  step(number: number, step: IncidentStep): Promise<StepResult>;
  read(number: number): Promise<Incident | undefined>;
  steps(number: number): Promise<IncidentStep[]>;
  /** The number of a report's latest incident (see sync), open or not; undefined when it opened none. */
  numberOf(ref: { school: string; task: TaskId; period: string }): Promise<number | undefined>;
  /** The highest number given so far: an incident above it is not open yet. */
  lastNumber(): Promise<number>;
  /** The open incidents, oldest first. */
  listOpen(): Promise<Incident[]>;
  /** A school's incidents opened at or after `since`, newest first. */
  ofSchool(school: string, since: Date, limit?: number): Promise<Incident[]>;
  /** Every incident opened in [from, to), oldest first (the ledger's sheet). */
  opened(from: Date, to: Date): Promise<Incident[]>;
}

export function createIncidentStore({ redis, keys }: { redis: RedisClient; keys: Keys }): IncidentStore {
  const prefix = keys.incidentPrefix();
  const read = async (number: number): Promise<Incident | undefined> => {
    const h = await redis.hgetall(`${prefix}${number}`);
    return h.number ? toIncident(h) : undefined;
  };
  const lastNumber = async () => Number((await redis.get(keys.incidentSeq())) ?? 0);
  const readAll = async (numbers: readonly string[]) => (await Promise.all(numbers.map((n) => read(Number(n))))).filter((i): i is Incident => i !== undefined);
  return {
    async sync(ref, report, event) {
      const values = {
        school: ref.school,
        task: ref.task,
        period: ref.period,
        at: event.at.toISOString(),
        atMs: report ? Date.parse(report.at) : event.at.getTime(),
        ttl: INCIDENT_TTL_SECONDS,
        by: event.by,
        msgid: event.msgid,
        noted: event.noted,
        keepFromMs: event.keepFrom.getTime(),
        ...(report && { report }),
      };
      const [number, action] = (await syncScript(
        redis,
        { seq: keys.incidentSeq(), byReport: keys.incidentByReport(), open: keys.incidentsOpen(), ofSchool: keys.incidentsOfSchool(ref.school) },
        { prefix, ref: reportRef(ref), values },
      )) as [string, SyncResult["action"]];
      return { number: Number(number), action };
    },
    async step(number, step) {
      const [outcome, by = "", at = ""] = (await stepScript(redis, { msgids: keys.incidentMsgids(), open: keys.incidentsOpen() }, { prefix, number, step, ttl: INCIDENT_TTL_SECONDS })) as string[];
      if (outcome === "ok") return { outcome, ...(by !== "" && { shown: { by, at } }) };
      if (outcome === "closed") return { outcome, status: by as IncidentStatus };
      return { outcome: outcome as "duplicate" | "missing" };
    },
    read,
    async steps(number) {
      return (await redis.lrange(`${prefix}${number}:steps`, 0, -1)).map((s) => JSON.parse(s) as IncidentStep);
    },
    async numberOf(ref) {
      const number = await redis.hget(keys.incidentByReport(), reportRef(ref));
      return number === null ? undefined : Number(number);
    },
    lastNumber,
    async listOpen() {
      return readAll(await redis.zrange(keys.incidentsOpen(), "0", "-1"));
    },
    async ofSchool(school, since, limit = 30) {
      return readAll(await redis.zrevrangebyscore(keys.incidentsOfSchool(school), "+inf", since.getTime(), "LIMIT", 0, limit));
    },
    async opened(from, to) {
      // Every incident's number is below the counter: the sheet reads them by number, none missed.
      const last = await lastNumber();
      const all = await readAll(Array.from({ length: last }, (_, i) => String(i + 1)));
      return all.filter((i) => Date.parse(i.at) >= from.getTime() && Date.parse(i.at) < to.getTime());
    },
  };
}

/** The field of a report's incident in the by-report hash (see incident-sync.lua). */
function reportRef(ref: { school: string; task: TaskId; period: string }): string {
  return `${ref.task}:${ref.period}:${ref.school}`;
}

function toIncident(h: Record<string, string>): Incident {
  return {
    number: Number(h.number),
    school: h.school!,
    task: h.task as TaskId,
    period: h.period!,
    msgid: h.msgid!,
    description: h.description ?? "",
    by: h.by!,
    at: h.at!,
    lastAt: h.lastAt ?? h.at!,
    status: h.status as IncidentStatus,
    urgent: h.urgent === "1",
    followUps: Number(h.followUps ?? 0),
    ...(h.ackBy && { ackBy: h.ackBy, ackAt: h.ackAt! }),
    ...(h.closedAt && { closedAt: h.closedAt }),
    ...(h.closedBy && { closedBy: h.closedBy }),
  };
}

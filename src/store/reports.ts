import type { Redis, Cluster } from "ioredis";
import type { TaskId } from "../config/schema.js";
import { readJsonHash, readJsonList } from "./json-values.js";
import { TTL, type Keys } from "./keys.js";
import { defineScript } from "./scripts.js";
import { isAbnormal, type Report, type ReportEvent } from "./report.js";

/**
 * Appends the audit event and updates the current state in one step, idempotent per msgid:
 * a callback that is delivered twice records once. All four keys share the period's hash tag.
 * KEYS: state, log, msgids, abnormal. ARGV: school, msgid, report JSON ('' to withdraw), event
 * JSON, ttl, '1' when the report is an abnormal one (it is then also kept in the abnormal hash).
 */
const recordScript = defineScript(`
if redis.call('SADD', KEYS[3], ARGV[2]) == 0 then
  return {'duplicate', redis.call('HGET', KEYS[1], ARGV[1]) or ''}
end
local previous = redis.call('HGET', KEYS[1], ARGV[1]) or ''
local outcome
if ARGV[3] == '' then
  if previous == '' then
    redis.call('SREM', KEYS[3], ARGV[2])
    return {'nothing', ''}
  end
  redis.call('HDEL', KEYS[1], ARGV[1])
  outcome = 'withdraw'
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
  outcome = previous == '' and 'report' or 'replace'
  if ARGV[6] == '1' then
    redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
    redis.call('EXPIRE', KEYS[4], tonumber(ARGV[5]))
  end
end
redis.call('XADD', KEYS[2], '*', 'type', outcome, 'event', ARGV[4], 'previous', previous)
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[5])) end
return {outcome, previous}
`);

const HISTORY_LENGTH = 200;

export type PutOutcome = "report" | "replace" | "duplicate";
export type WithdrawOutcome = "withdraw" | "nothing" | "duplicate";

/** Identifies one message's withdrawal of a school's current report. */
export interface Withdrawal {
  task: TaskId;
  period: string;
  school: string;
  by: string;
  at: string;
  msgid: string;
  raw: string;
}

/** The system of record: reports per school, task and period, and their audit log. */
export interface ReportStore {
  put(report: Report): Promise<{ outcome: PutOutcome; previous?: Report }>;
  withdraw(w: Withdrawal): Promise<{ outcome: WithdrawOutcome; previous?: Report }>;
  get(task: TaskId, period: string, school: string): Promise<Report | undefined>;
  /** Every current report of a task and period, by school code. */
  list(task: TaskId, period: string): Promise<Map<string, Report>>;
  /** The audit log of a task and period, oldest first. */
  log(task: TaskId, period: string): Promise<ReportEvent[]>;
  /** Each school's latest abnormal report of a task and period (safety), by school code. */
  abnormal(task: TaskId, period: string): Promise<Map<string, Report>>;
  /** A school's latest events, newest first. */
  history(school: string, limit?: number): Promise<ReportEvent[]>;
}

export function createReportStore({ redis, keys }: { redis: Redis | Cluster; keys: Keys }): ReportStore {
  const record = async (
    task: TaskId,
    period: string,
    school: string,
    msgid: string,
    reportJson: string,
    event: Omit<ReportEvent, "type" | "previous">,
  ) => {
    const report = (event as { report?: Report }).report;
    const abnormal = isAbnormal(report);
    const [outcome, previous] = (await recordScript(
      redis,
      [keys.periodState(task, period), keys.periodLog(task, period), keys.periodMsgids(task, period), keys.periodAbnormal(task, period)],
      [school, msgid, reportJson, JSON.stringify(event), TTL.periodSeconds, abnormal ? "1" : "0"],
    )) as [string, string];
    const prev = previous ? (JSON.parse(previous) as Report) : undefined;
    if (outcome === "report" || outcome === "replace" || outcome === "withdraw") {
      await addToHistory(school, { type: outcome, ...event, ...(prev && { previous: prev }) });
    } else if (outcome === "duplicate") {
      await repairHistory(task, period, school, msgid);
    }
    return { outcome, previous: prev };
  };

  const addToHistory = async (school: string, entry: ReportEvent) => {
    const historyKey = keys.schoolHistory(school);
    await redis.multi().lpush(historyKey, JSON.stringify(entry)).ltrim(historyKey, 0, HISTORY_LENGTH - 1).exec();
  };

  /**
   * The history list has its own hash tag, so it is written after the script: a crash between
   * the two leaves the event out of 历史. The retry of that callback (same msgid) puts it back.
   */
  const repairHistory = async (task: TaskId, period: string, school: string, msgid: string) => {
    const listed = await redis.lrange(keys.schoolHistory(school), 0, HISTORY_LENGTH - 1);
    if (listed.some((json) => (JSON.parse(json) as ReportEvent).msgid === msgid)) return;
    const entries = await redis.xrange(keys.periodLog(task, period), "-", "+");
    const event = entries.map(([, fields]) => toEvent(fields)).find((e) => e.msgid === msgid);
    if (event) await addToHistory(school, event);
  };

  return {
    async put(report) {
      const event = {
        school: report.school,
        task: report.task,
        period: report.period,
        by: report.by,
        at: report.at,
        msgid: report.msgid,
        raw: report.raw,
        report,
      };
      const { outcome, previous } = await record(
        report.task,
        report.period,
        report.school,
        report.msgid,
        JSON.stringify(report),
        event,
      );
      return { outcome: outcome as PutOutcome, ...(previous && { previous }) };
    },

    async withdraw(w) {
      const { outcome, previous } = await record(w.task, w.period, w.school, w.msgid, "", w);
      return { outcome: outcome as WithdrawOutcome, ...(previous && { previous }) };
    },

    async get(task, period, school) {
      const json = await redis.hget(keys.periodState(task, period), school);
      return json ? (JSON.parse(json) as Report) : undefined;
    },

    list: (task, period) => readJsonHash<Report>(redis, keys.periodState(task, period)),

    async log(task, period) {
      const entries = await redis.xrange(keys.periodLog(task, period), "-", "+");
      return entries.map(([, fields]) => toEvent(fields));
    },

    abnormal: (task, period) => readJsonHash<Report>(redis, keys.periodAbnormal(task, period)),

    history: (school, limit = 30) => readJsonList<ReportEvent>(redis, keys.schoolHistory(school), limit),
  };
}

function toEvent(fields: string[]): ReportEvent {
  const get = (name: string) => fields[fields.indexOf(name) + 1] ?? "";
  const previous = get("previous");
  return {
    type: get("type") as ReportEvent["type"],
    ...(JSON.parse(get("event")) as Omit<ReportEvent, "type">),
    ...(previous && { previous: JSON.parse(previous) as ReportEvent["previous"] }),
  };
}

import type { Logger } from "pino";
import type { Push } from "../push/push.js";
import type { RedisClient } from "./connect-redis.js";
import type { TaskId } from "../config/schema.js";
import { readJsonHash, readJsonList } from "./json-values.js";
import { TTL, type Keys } from "./keys.js";
import { defineScript } from "./scripts.js";
import { countReport, encodeCounted, isListedReport } from "./report-counts.js";
import { readPeriodAggregate, type PeriodAggregate } from "./period-aggregate.js";
import type { SchoolPlaces } from "./school-numbers.js";
import { isAbnormal, type Report, type ReportEvent } from "./report.js";

/**
 * Records one message in one step, idempotent per msgid: the current state, the audit event,
 * the reply given to it and what it owes (alerts, its 历史 entry) in the period's outbox, so
 * that either all of it is written or none of it. All keys share the period's hash tag.
 * KEYS: state, log, msgids, abnormal, outbox, replies, counts, counted, reported, listed. ARGV:
 * school, msgid, report JSON ('' to withdraw), event JSON, ttl, '1' when the report is abnormal
 * (also kept in the abnormal hash), the previous report expected ('*' for any), the reply, its
 * ttl, what the report counts (encodeCounted; '' for none), the school's number ('' for none),
 * '1' when 汇总 lists it by name, then outbox entries. The counts of the report it replaces are
 * undone first, so the period's counts always add up the reports in force. A
 * previous report other than the one expected (someone else's message came first) writes
 * nothing and answers 'conflict': the caller reads again and retries. Answers the outcome, the
 * previous report, the reply kept for a duplicate, then the ids of the outbox entries it wrote.
 */
const recordScript = defineScript(`#!lua
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 1 then
  return {'duplicate', redis.call('HGET', KEYS[1], ARGV[1]) or '', redis.call('HGET', KEYS[6], ARGV[2]) or ''}
end
local previous = redis.call('HGET', KEYS[1], ARGV[1]) or ''
if ARGV[7] ~= '*' and previous ~= ARGV[7] then return {'conflict', previous, ''} end
local outcome
if ARGV[3] == '' then
  if previous == '' then return {'nothing', '', ''} end
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
redis.call('SADD', KEYS[3], ARGV[2])
redis.call('XADD', KEYS[2], '*', 'type', outcome, 'event', ARGV[4], 'previous', previous)
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[6], ARGV[2], ARGV[8])
  redis.call('EXPIRE', KEYS[6], tonumber(ARGV[9]))
end
local owed = {redis.call('XADD', KEYS[5], '*', 'kind', 'history', 'school', ARGV[1], 'msgid', ARGV[2], 'type', outcome, 'event', ARGV[4], 'previous', previous)}
for i = 13, #ARGV do
  owed[#owed + 1] = redis.call('XADD', KEYS[5], '*', 'kind', 'push', 'msgid', ARGV[2], 'body', ARGV[i])
end
local function count(entry, sign)
  local area, name
  for part in string.gmatch(entry, '[^\t]+') do
    if not area then area = part
    elseif not name then name = part
    else
      redis.call('HINCRBY', KEYS[7], name .. ':' .. area, sign * tonumber(part))
      name = nil
    end
  end
end
local counted = redis.call('HGET', KEYS[8], ARGV[1])
if counted then count(counted, -1) end
if ARGV[10] ~= '' then
  count(ARGV[10], 1)
  redis.call('HSET', KEYS[8], ARGV[1], ARGV[10])
elseif counted then
  redis.call('HDEL', KEYS[8], ARGV[1])
end
if ARGV[11] ~= '' then redis.call('SETBIT', KEYS[9], tonumber(ARGV[11]), ARGV[3] == '' and 0 or 1) end
if ARGV[12] == '1' then redis.call('HSET', KEYS[10], ARGV[1], ARGV[3]) else redis.call('HDEL', KEYS[10], ARGV[1]) end
for _, i in ipairs({1, 2, 3, 5, 7, 8, 9, 10}) do redis.call('EXPIRE', KEYS[i], tonumber(ARGV[5])) end
return {outcome, previous, '', unpack(owed)}
`);

/** Appends a 历史 entry once per msgid. KEYS: history list, ids set. ARGV: msgid, entry JSON, length, ttl. */
const historyScript = defineScript(`#!lua
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('LPUSH', KEYS[1], ARGV[2])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
return 1
`);

const HISTORY_LENGTH = 200;

export type PutOutcome = "report" | "replace" | "duplicate" | "conflict";
export type WithdrawOutcome = "withdraw" | "nothing" | "duplicate" | "conflict";

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

/** What a message's record commits beside the report itself. */
export interface RecordCommit {
  /** The school's report this message was answered against (null: none); omitted: any. */
  expected?: Report | null;
  /** The reply given to the message, kept for a retry of it. */
  reply?: string;
  /** Pushes the message owes (alerts), relayed to the push queue after the record. */
  pushes?: readonly Push[];
}

/** What a record came to; `reply` is the one kept for a duplicate msgid. */
export interface RecordResult<O> {
  outcome: O;
  previous?: Report;
  reply?: string;
}

/** The system of record: reports per school, task and period, and their audit log. */
export interface ReportStore {
  put(report: Report, commit?: RecordCommit): Promise<RecordResult<PutOutcome>>;
  withdraw(w: Withdrawal, commit?: RecordCommit): Promise<RecordResult<WithdrawOutcome>>;
  /**
   * Hands what the period's outbox holds to the push queue and the schools' 历史, in order,
   * once each; entries stay until handed on. Returns how many were relayed.
   */
  relay(task: TaskId, period: string): Promise<number>;
  get(task: TaskId, period: string, school: string): Promise<Report | undefined>;
  /** Every current report of a task and period, by school code. */
  list(task: TaskId, period: string): Promise<Map<string, Report>>;
  /** The audit log of a task and period, oldest first. */
  log(task: TaskId, period: string): Promise<ReportEvent[]>;
  /** Each school's latest abnormal report of a task and period (safety), by school code. */
  abnormal(task: TaskId, period: string): Promise<Map<string, Report>>;
  /** A school's latest events, newest first. */
  history(school: string, limit?: number): Promise<ReportEvent[]>;
  /**
   * What the period's counts hold (by area, the reported bitmap, the reports 汇总 lists by name),
   * and what the `uncounted` schools' reports added (exempt schools, whose reports do not count).
   */
  aggregate(task: TaskId, period: string, uncounted?: readonly string[]): Promise<PeriodAggregate>;
}

export interface ReportStoreOptions {
  redis: RedisClient;
  keys: Keys;
  /**
   * The roster's schools with their numbers (loadSchoolPlaces): where each report is counted.
   * Without it nothing is counted (tests of other parts of the store); 汇总 needs it.
   */
  places?: SchoolPlaces;
  /** Where owed pushes go; without it they wait in the outbox for a store that has one. */
  enqueue?: (push: Push) => Promise<void>;
  log?: Pick<Logger, "warn">;
}

export function createReportStore({ redis, keys, places, enqueue, log }: ReportStoreOptions): ReportStore {
  const record = async (
    task: TaskId,
    period: string,
    school: string,
    msgid: string,
    reportJson: string,
    event: Omit<ReportEvent, "type" | "previous">,
    commit: RecordCommit,
  ): Promise<RecordResult<string>> => {
    const report = (event as { report?: Report }).report;
    const expected = commit.expected === undefined ? "*" : commit.expected === null ? "" : JSON.stringify(commit.expected);
    const place = places?.of(school);
    const [outcome, previous, reply, ...owed] = (await recordScript(
      redis,
      [
        keys.periodState(task, period),
        keys.periodLog(task, period),
        keys.periodMsgids(task, period),
        keys.periodAbnormal(task, period),
        keys.periodOutbox(task, period),
        keys.periodReplies(task, period),
        keys.periodCounts(task, period),
        keys.periodCounted(task, period),
        keys.periodReported(task, period),
        keys.periodListed(task, period),
      ],
      [
        school,
        msgid,
        reportJson,
        JSON.stringify(event),
        TTL.periodSeconds,
        isAbnormal(report) ? "1" : "0",
        expected,
        commit.reply ?? "",
        TTL.callbackReplySeconds,
        report && place ? encodeCounted(place.area, countReport(report)) : "",
        place ? place.number : "",
        report && isListedReport(report) ? "1" : "0",
        ...(commit.pushes ?? []).map((push) => JSON.stringify(push)),
      ],
    )) as string[];
    if (owed.length > 0) {
      // What this message owes goes out from here, or from the workers' sweep if this process
      // cannot (the record stands either way). Only its own entries: relaying the whole outbox
      // on every check-in made concurrent check-ins relay each other's, over and over.
      const outbox = keys.periodOutbox(task, period);
      await redis
        .xrange(outbox, owed[0]!, owed[owed.length - 1]!)
        .then((entries) => relayEntries(outbox, entries.filter(([id]) => owed.includes(id))))
        .catch((error: unknown) => log?.warn({ err: error, task, period }, "outbox not relayed yet"));
    }
    return { outcome: outcome!, ...(previous && { previous: JSON.parse(previous) as Report }), ...(reply && { reply }) };
  };

  /** Hands outbox entries on, in order, deleting each once handed; stops at a push it cannot hand on. */
  const relayEntries = async (outbox: string, entries: readonly [string, string[]][]): Promise<number> => {
    let relayed = 0;
    for (const [id, fields] of entries) {
      const get = (name: string) => fields[fields.indexOf(name) + 1] ?? "";
      if (get("kind") === "history") {
        const school = get("school");
        const entry = JSON.stringify(toEvent(fields));
        await historyScript(redis, [keys.schoolHistory(school), keys.schoolHistoryIds(school)], [get("msgid"), entry, HISTORY_LENGTH, TTL.periodSeconds]);
      } else if (enqueue) {
        await enqueue(JSON.parse(get("body")) as Push);
      } else {
        break;
      }
      await redis.xdel(outbox, id);
      relayed += 1;
    }
    return relayed;
  };

  const relay = async (task: TaskId, period: string): Promise<number> => {
    const outbox = keys.periodOutbox(task, period);
    return relayEntries(outbox, await redis.xrange(outbox, "-", "+"));
  };

  return {
    async put(report, commit = {}) {
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
      const result = await record(report.task, report.period, report.school, report.msgid, JSON.stringify(report), event, commit);
      return result as RecordResult<PutOutcome>;
    },

    async withdraw(w, commit = {}) {
      return (await record(w.task, w.period, w.school, w.msgid, "", w, commit)) as RecordResult<WithdrawOutcome>;
    },

    relay,

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

    aggregate(task, period, uncounted = []) {
      if (!places) throw new Error("the report store counts nothing without the schools' places");
      return readPeriodAggregate({ redis, keys, places }, task, period, uncounted);
    },
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

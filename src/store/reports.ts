import type { Logger } from "pino";
import type { Push } from "../push/push.js";
import type { RedisClient } from "./connect-redis.js";
import type { TaskId } from "../config/schema.js";
import { readJsonHash } from "./json-values.js";
import { TTL, type Keys } from "./keys.js";
import { defineScript } from "./scripts.js";
import { countReport, encodeCounted } from "./report-counts.js";
import { readPeriodAggregate, type AggregateFirst, type PeriodAggregate } from "./period-aggregate.js";
import type { SchoolPlaces } from "./school-numbers.js";
import { hasRemark, isAbnormal, type Report, type ReportEvent } from "./report.js";
import { isFinalState, packReport, readStateIds, unpackReport, type WithdrawalFields } from "./stored-report.js";

/**
 * Lua: the report in force of a school, as its log entry's fields (`event`, `counted`), from
 * the state hash (KEYS[1]) and the log (KEYS[2]); a reduced period's final report as `event`.
 */
const CURRENT_LUA = `
local function field(fields, name)
  for i = 1, #fields, 2 do if fields[i] == name then return fields[i + 1] end end
  return nil
end
local function current(school)
  local ids = redis.call('HGET', KEYS[1], school)
  if not ids then return nil, nil end
  if string.sub(ids, 1, 1) == '{' then return ids, nil end
  local last = string.match(ids, '(%S+)$')
  if not last or string.sub(last, 1, 1) == '-' then return nil, ids end
  local entry = redis.call('XRANGE', KEYS[2], last, last)[1]
  if not entry then return nil, ids end
  return entry[2], ids
end
`;

/**
 * Records one message in one step, idempotent per msgid: the audit event (the school's
 * history), the state (its log ids), the reply given to it, the period's counts, and what it
 * owes (alerts) in the period's outbox, so that either all of it is written or none of it. All
 * keys share the period's hash tag.
 * KEYS: state, log, msgids, abnormal, outbox, replies, counts, reported, listed, on-behalf,
 * abnormal-at, resolved, remarked. ARGV: school, msgid, the report packed ('' to withdraw), the withdrawal packed, ttl, '1' when
 * the report is abnormal (kept in full, as the school's last abnormal one and as listed while in
 * force), the report in force expected (its msgid as it is in its JSON, '"msgid":"…"'; '*' for any, '' for none), the reply, its
 * ttl, what the report counts (encodeCounted; '' for none), the school's number ('' for none),
 * the report's full JSON (for the abnormal hashes), how long msgids are kept against repeats,
 * when it was made (ms; '' to withdraw), '1' if a leader entered it (代报), the school's area
 * ('' when the roster has it not), '1' if it is a 平安 with a remark, then outbox entries.
 * Beside the counts it keeps, ordered by time, the abnormal reports and the 代报 in force, and the
 * schools whose abnormal report was corrected, so 汇总 reads only what it shows. The counts of the report it replaces are undone
 * first, what that report's log entry says it counted, from the school's area now: the counts are
 * kept under the roster in force (after a change the recount at start moves them), so the undo
 * takes them from where they are, and the counts always add up the reports in force.
 * A report in force other than the one expected (someone else's message came first) writes
 * nothing and answers 'conflict' with it: the caller answers again and retries. Answers the
 * outcome, the report it replaced (packed), the reply kept for a duplicate, then the ids of
 * the outbox entries it wrote.
 */
const recordScript = defineScript(`#!lua
${CURRENT_LUA}
-- Keeps a key (when there is one) at least ttl seconds from now. Each EXPIRE is written to the AOF (and fsynced):
-- renewing only when under ttl, to 1.1 ttl, writes it about once per tenth of the ttl instead
-- of with every check-in (eleven commands fewer).
local function keep(key, ttl)
  ttl = tonumber(ttl)
  local left = redis.call('TTL', key)
  if left ~= -2 and left < ttl then redis.call('EXPIRE', key, math.floor(ttl * 1.1)) end
end
local school = ARGV[1]
if redis.call('SISMEMBER', KEYS[3], ARGV[2]) == 1 then
  local fields = current(school)
  local previous = type(fields) == 'table' and field(fields, 'event') or (fields or '')
  return {'duplicate', previous, redis.call('HGET', KEYS[6], ARGV[2]) or ''}
end
local fields, ids = current(school)
local previous, undo = '', nil
if type(fields) == 'table' then
  previous = field(fields, 'event')
  undo = field(fields, 'counted')
end
-- Found, not decoded: the stored report is whatever was typed (a stored text cjson cannot decode
-- would stop every later record of the school). ARGV[7] is '"msgid":' and the msgid as JSON,
-- which the report's JSON holds only as its own msgid (inside a string every quote is escaped).
if ARGV[7] ~= '*' then
  local same = ARGV[7] == '' and previous == '' or ARGV[7] ~= '' and previous ~= '' and string.find(previous, ARGV[7], 1, true) ~= nil
  if not same then return {'conflict', previous, ''} end
end
local outcome, id
if ARGV[3] == '' then
  if previous == '' then return {'nothing', '', ''} end
  outcome = 'withdraw'
  id = redis.call('XADD', KEYS[2], '*', 'type', outcome, 'school', school, 'event', ARGV[4], 'counted', '')
  ids = ids .. ' -' .. id
else
  outcome = previous == '' and 'report' or 'replace'
  id = redis.call('XADD', KEYS[2], '*', 'type', outcome, 'school', school, 'event', ARGV[3], 'counted', ARGV[10])
  ids = (ids and ids .. ' ' or '') .. id
  if ARGV[6] == '1' then
    redis.call('HSET', KEYS[4], school, ARGV[12])
    keep(KEYS[4], ARGV[5])
  end
end
redis.call('HSET', KEYS[1], school, ids)
redis.call('SADD', KEYS[3], ARGV[2])
keep(KEYS[3], ARGV[13])
if ARGV[8] ~= '' then
  redis.call('HSET', KEYS[6], ARGV[2], ARGV[8])
  keep(KEYS[6], ARGV[9])
end
-- An entry is counter/value pairs; one written before the area was left out starts with its area.
local function count(entry, sign)
  local parts = {}
  for part in string.gmatch(entry, '[^\\t]+') do parts[#parts + 1] = part end
  for i = #parts % 2 + 1, #parts - 1, 2 do
    redis.call('HINCRBY', KEYS[7], parts[i] .. ':' .. ARGV[16], sign * tonumber(parts[i + 1]))
  end
end
if ARGV[16] ~= '' then
  if undo and undo ~= '' then count(undo, -1) end
  if ARGV[10] ~= '' then count(ARGV[10], 1) end
end
if ARGV[11] ~= '' then redis.call('SETBIT', KEYS[8], tonumber(ARGV[11]), ARGV[3] == '' and 0 or 1) end
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[9], school, ARGV[12])
  redis.call('ZADD', KEYS[11], tonumber(ARGV[14]), school)
  redis.call('SREM', KEYS[12], school)
else
  redis.call('HDEL', KEYS[9], school)
  redis.call('ZREM', KEYS[11], school)
  if ARGV[3] ~= '' and redis.call('HEXISTS', KEYS[4], school) == 1 then
    redis.call('SADD', KEYS[12], school)
  else
    redis.call('SREM', KEYS[12], school)
  end
end
if ARGV[15] == '1' then redis.call('ZADD', KEYS[10], tonumber(ARGV[14]), school) else redis.call('ZREM', KEYS[10], school) end
if ARGV[17] == '1' then redis.call('ZADD', KEYS[13], tonumber(ARGV[14]), school) else redis.call('ZREM', KEYS[13], school) end
local owed = {}
for i = 18, #ARGV do
  owed[#owed + 1] = redis.call('XADD', KEYS[5], '*', 'kind', 'push', 'msgid', ARGV[2], 'body', ARGV[i])
end
for _, i in ipairs({1, 2, 5, 7, 8, 9, 10, 11, 12, 13}) do keep(KEYS[i], ARGV[5]) end
return {outcome, previous, '', unpack(owed)}
`);

/** The reports in force of some schools (packed; '' for none). KEYS: state, log. ARGV: school codes. */
const currentScript = defineScript(`#!lua
${CURRENT_LUA}
local out = {}
for i = 1, #ARGV do
  local fields = current(ARGV[i])
  out[i] = type(fields) == 'table' and field(fields, 'event') or (fields or '')
end
return out
`);

/**
 * Reduces a period past the retention to its final state, a slice of schools per call so Redis
 * is never held long: each school's state becomes its report in force (packed), a withdrawn
 * one's goes; with the last slice the audit log, msgids, replies and outbox go, and what
 * remains (state, counts, reported bitmap, abnormal and 代报 reports in force, each school's last
 * abnormal report, so a corrected incident still shows) is kept for good.
 * KEYS: as the record script's. ARGV: HSCAN
 * cursor, count. Returns the next cursor ('0': done).
 */
const reduceScript = defineScript(`#!lua
${CURRENT_LUA}
local scan = redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', tonumber(ARGV[2]))
local values = scan[2]
for i = 1, #values, 2 do
  local school, value = values[i], values[i + 1]
  if string.sub(value, 1, 1) ~= '{' then
    local fields = current(school)
    if type(fields) == 'table' then
      redis.call('HSET', KEYS[1], school, field(fields, 'event'))
    else
      redis.call('HDEL', KEYS[1], school)
    end
  end
end
if scan[1] == '0' then
  for _, i in ipairs({2, 3, 5, 6}) do redis.call('DEL', KEYS[i]) end
  for _, i in ipairs({1, 4, 7, 8, 9, 10, 11, 12, 13}) do redis.call('PERSIST', KEYS[i]) end
end
return scan[1]
`);

/** Schools reduced per script call: a province's day in 50 short steps. */
const REDUCE_SLICE = 2000;

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
  /** The report in force before (for a conflict: the one in force now). */
  previous?: Report;
  reply?: string;
}

/** A task's period, as the store names it. */
export interface PeriodRef {
  task: TaskId;
  period: string;
}

/** The system of record: reports per school, task and period, and their audit log. */
export interface ReportStore {
  put(report: Report, commit?: RecordCommit): Promise<RecordResult<PutOutcome>>;
  withdraw(w: Withdrawal, commit?: RecordCommit): Promise<RecordResult<WithdrawOutcome>>;
  /** Hands what the period's outbox holds to the push queue, in order, once each; entries stay until handed on. Returns how many were relayed. */
  relay(task: TaskId, period: string): Promise<number>;
  get(task: TaskId, period: string, school: string): Promise<Report | undefined>;
  /** The reply kept with a message recorded in the period, if it was. */
  keptReply(task: TaskId, period: string, msgid: string): Promise<string | undefined>;
  /** The reports in force of some schools of a period, by school code (the few 汇总 needs by name). */
  current(task: TaskId, period: string, schools: readonly string[]): Promise<Map<string, Report>>;
  /** Every current report of a task and period, by school code. */
  list(task: TaskId, period: string): Promise<Map<string, Report>>;
  /** The audit log of a task and period, oldest first. */
  log(task: TaskId, period: string): Promise<ReportEvent[]>;
  /** Each school's latest abnormal report of a task and period (safety), by school code. */
  abnormal(task: TaskId, period: string): Promise<Map<string, Report>>;
  /** A school's latest events in the periods given (its audit log there), newest first. */
  history(school: string, periods: readonly PeriodRef[], limit?: number): Promise<ReportEvent[]>;
  /**
   * Reduces a period past the retention to each school's final report, for good (the audit
   * log, msgids and replies go). Idempotent; a reduced period reads as before, without its log.
   */
  reduce(task: TaskId, period: string): Promise<void>;
  /**
   * What the period's counts hold (by area, the reported bitmap, the first abnormal reports, 代报
   * and remarks in force by time, as many as `first` says, default all; the corrected abnormal ones),
   * and the reports in force of the `uncounted` schools (exempt schools, whose reports do not count).
   */
  aggregate(task: TaskId, period: string, uncounted?: readonly string[], first?: AggregateFirst): Promise<PeriodAggregate>;
  /** How many abnormal reports, 代报 and remarks are in force in the period (what `aggregate` can list). */
  listedCounts(task: TaskId, period: string): Promise<{ abnormal: number; onBehalf: number; remarked: number }>;
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

const field = (fields: string[], name: string) => fields[fields.indexOf(name) + 1] ?? "";

export function createReportStore({ redis, keys, places, enqueue, log }: ReportStoreOptions): ReportStore {
  const periodKeys = (task: TaskId, period: string) => [keys.periodState(task, period), keys.periodLog(task, period)];
  /** The KEYS of the record and reduce scripts, in their order. */
  const everyPeriodKey = (task: TaskId, period: string) => [
    ...periodKeys(task, period),
    keys.periodMsgids(task, period),
    keys.periodAbnormal(task, period),
    keys.periodOutbox(task, period),
    keys.periodReplies(task, period),
    keys.periodCounts(task, period),
    keys.periodReported(task, period),
    keys.periodListed(task, period),
    keys.periodOnBehalf(task, period),
    keys.periodAbnormalAt(task, period),
    keys.periodResolved(task, period),
    keys.periodRemarked(task, period),
  ];

  const record = async (
    task: TaskId,
    period: string,
    school: string,
    msgid: string,
    report: Report | undefined,
    withdrawal: WithdrawalFields | undefined,
    commit: RecordCommit,
  ): Promise<RecordResult<string>> => {
    const expected = commit.expected === undefined ? "*" : commit.expected === null ? "" : `"msgid":${JSON.stringify(commit.expected.msgid)}`;
    const place = places?.of(school);
    const [outcome, previous, reply, ...owed] = (await recordScript(
      redis,
      everyPeriodKey(task, period),
      [
        school,
        msgid,
        report ? packReport(report) : "",
        withdrawal ? JSON.stringify(withdrawal) : "",
        TTL.periodSeconds,
        isAbnormal(report) ? "1" : "0",
        expected,
        commit.reply ?? "",
        TTL.callbackReplySeconds,
        report ? encodeCounted(countReport(report)) : "",
        place ? place.number : "",
        isAbnormal(report) ? JSON.stringify(report) : "",
        // A repeat comes within WeCom's retries (seconds) or an operator's replay (days), never later.
        TTL.callbackReplySeconds,
        report ? Date.parse(report.at) : "",
        report?.onBehalf ? "1" : "0",
        place ? place.area : "",
        hasRemark(report) ? "1" : "0",
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
    return { outcome: outcome!, ...(previous && { previous: unpackReport(previous, task, period, school) }), ...(reply && { reply }) };
  };

  /** Hands outbox entries on, in order, deleting each once handed; stops at a push it cannot hand on. */
  const relayEntries = async (outbox: string, entries: readonly [string, string[]][]): Promise<number> => {
    let relayed = 0;
    for (const [id, fields] of entries) {
      if (!enqueue) break;
      await enqueue(JSON.parse(field(fields, "body")) as Push);
      await redis.xdel(outbox, id);
      relayed += 1;
    }
    return relayed;
  };

  const current = async (task: TaskId, period: string, schools: readonly string[]) => {
    const found = new Map<string, Report>();
    if (schools.length === 0) return found;
    const packed = (await currentScript(redis, periodKeys(task, period), schools)) as string[];
    schools.forEach((school, i) => {
      if (packed[i]) found.set(school, unpackReport(packed[i]!, task, period, school));
    });
    return found;
  };

  /** The period's log as events, each with the report it replaced or withdrew. */
  const readLog = async (task: TaskId, period: string): Promise<Map<string, ReportEvent>> => {
    const entries = await redis.xrange(keys.periodLog(task, period), "-", "+");
    const inForce = new Map<string, Report>();
    const events = new Map<string, ReportEvent>();
    for (const [id, fields] of entries) events.set(id, toEvent(task, period, fields, inForce));
    return events;
  };

  return {
    put: (report, commit = {}) => record(report.task, report.period, report.school, report.msgid, report, undefined, commit) as Promise<RecordResult<PutOutcome>>,

    withdraw: (w, commit = {}) =>
      record(w.task, w.period, w.school, w.msgid, undefined, { by: w.by, at: w.at, msgid: w.msgid, raw: w.raw }, commit) as Promise<RecordResult<WithdrawOutcome>>,

    async relay(task, period) {
      const outbox = keys.periodOutbox(task, period);
      return relayEntries(outbox, await redis.xrange(outbox, "-", "+"));
    },

    async get(task, period, school) {
      return (await current(task, period, [school])).get(school);
    },

    async keptReply(task, period, msgid) {
      return (await redis.hget(keys.periodReplies(task, period), msgid)) ?? undefined;
    },

    current,

    async list(task, period) {
      const state = await redis.hgetall(keys.periodState(task, period));
      const values = Object.entries(state);
      const reports = new Map<string, Report>();
      // A reduced period holds each final report itself; a live one, log ids.
      if (values.every(([, value]) => isFinalState(value))) {
        for (const [school, json] of values) reports.set(school, unpackReport(json, task, period, school));
        return reports;
      }
      const events = await readLog(task, period);
      for (const [school, value] of values) {
        if (isFinalState(value)) {
          reports.set(school, unpackReport(value, task, period, school));
          continue;
        }
        const id = readStateIds(value).current;
        const report = id ? events.get(id)?.report : undefined;
        if (report) reports.set(school, report);
      }
      return reports;
    },

    async log(task, period) {
      return [...(await readLog(task, period)).values()];
    },

    abnormal: (task, period) => readJsonHash<Report>(redis, keys.periodAbnormal(task, period)),

    async history(school, periods, limit = 30) {
      const states = await Promise.all(periods.map(({ task, period }) => redis.hget(keys.periodState(task, period), school)));
      const lists = await Promise.all(
        periods.map(async ({ task, period }, i) => {
          const value = states[i];
          if (!value || isFinalState(value)) return [];
          const ids = readStateIds(value).ids.map((id) => id.replace(/^-/, ""));
          const entries = await Promise.all(ids.map((id) => redis.xrange(keys.periodLog(task, period), id, id)));
          const inForce = new Map<string, Report>();
          return entries.flatMap((found) => found.map(([, fields]) => toEvent(task, period, fields, inForce)));
        }),
      );
      // Newest first; events of the same instant in the reverse of their log order.
      return lists
        .flat()
        .reverse()
        .sort((a, b) => b.at.localeCompare(a.at))
        .slice(0, limit);
    },

    async reduce(task, period) {
      let cursor = "0";
      do cursor = (await reduceScript(redis, everyPeriodKey(task, period), [cursor, REDUCE_SLICE])) as string;
      while (cursor !== "0");
    },

    aggregate(task, period, uncounted = [], first = {}) {
      if (!places) throw new Error("the report store counts nothing without the schools' places");
      return readPeriodAggregate({ redis, keys, places, current }, task, period, uncounted, first);
    },

    async listedCounts(task, period) {
      const [abnormal, onBehalf, remarked] = await Promise.all([
        redis.zcard(keys.periodAbnormalAt(task, period)),
        redis.zcard(keys.periodOnBehalf(task, period)),
        redis.zcard(keys.periodRemarked(task, period)),
      ]);
      return { abnormal, onBehalf, remarked };
    },
  };
}

/**
 * One log entry as an event; `inForce` (each school's report in force so far, updated here)
 * supplies what it replaced or withdrew, the entries being read oldest first.
 */
function toEvent(task: TaskId, period: string, fields: string[], inForce: Map<string, Report>): ReportEvent {
  const type = field(fields, "type") as ReportEvent["type"];
  const school = field(fields, "school");
  const previous = inForce.get(school);
  const base = { type, school, task, period, ...(previous && { previous }) };
  if (type === "withdraw") {
    inForce.delete(school);
    return { ...base, ...(JSON.parse(field(fields, "event")) as WithdrawalFields) };
  }
  const report = unpackReport(field(fields, "event"), task, period, school);
  inForce.set(school, report);
  return { ...base, by: report.by, at: report.at, msgid: report.msgid, raw: report.raw, report };
}

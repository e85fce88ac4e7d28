import type { School } from "../config/roster.js";
import type { Logger } from "pino";
import type { Push } from "../message/push.js";
import { isRefusedByRedis, type RedisClient } from "./connect-redis.js";
import { CodedError, ErrorCode } from "../errors.js";
import type { TaskId } from "../config/schema.js";
import type { Exemption } from "./exemptions.js";
import { readJsonHash } from "./json-values.js";
import { TTL, type Keys } from "./keys.js";
import { currentReports, isFinalState, packReport, periodKeys, readStateIds, recordReport, reducePeriod, unpackReport, type RecordArgs, type WithdrawalFields } from "./report-scripts.js";
import { readField, readFields, readTogether, runTogether, type ScriptCall } from "./scripts.js";
import { bytesHolding, isBitSet, nodeRead, readPeriodAggregate, readPeriodCounts, type AggregateFirst, type CountsRequest, type PeriodAggregate, type PeriodCounts } from "./period-aggregate.js";
import type { SchoolPlaces } from "./school-numbers.js";
import { countReport, encodeCounted, type Report, type ReportEvent } from "./report.js";

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

/** A report's record, with what the school owes in the other periods asked about, and its 免报 in the report's own. */
export interface PutResult extends RecordResult<PutOutcome> {
  /** In the order asked: whether the school owes nothing there (a report in force, or exempt). */
  settled: boolean[];
  /** The school's exemption (免报) in the report's own period: the counts take it over the report. */
  exempt?: Pick<Exemption, "reason">;
}

/** A task's period, as the store names it. */
export interface PeriodRef {
  task: TaskId;
  period: string;
}

/** One school's history asked of ReportStore.histories: the periods its events are read in. */
export interface HistoryAsk {
  school: string;
  periods: readonly PeriodRef[];
}

/** The system of record: reports per school, task and period, and their audit log. */
export interface ReportStore {
  /**
   * Records a report. `ask`: other periods where whether the same school has a report in force
   * or an exemption is read in the same round trip (what else it owes), as is its exemption in
   * the report's own period; a refusal by Redis is ErrorCode.NotRecorded.
   */
  put(report: Report, commit?: RecordCommit, ask?: readonly PeriodRef[]): Promise<PutResult>;
  withdraw(w: Withdrawal, commit?: RecordCommit): Promise<RecordResult<WithdrawOutcome>>;
  /**
   * The school's report in force in the period as this store last recorded or was answered it
   * (null: none); undefined when it has not seen it lately. A guess for a record's first try:
   * another process may have recorded since, and a record expecting it then answers 'conflict'.
   */
  recalled(task: TaskId, period: string, school: string): Report | null | undefined;
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
  /**
   * How many replacements and withdrawals the period's audit log holds per school (the ledger's
   * 更正次数): the log read a page at a time, so what is held is one count per school.
   */
  changes(task: TaskId, period: string): Promise<Map<string, number>>;
  /** Each school's latest abnormal report of a task and period (safety), by school code. */
  abnormal(task: TaskId, period: string): Promise<Map<string, Report>>;
  /** A school's latest events in the periods given (its audit log there), newest first. */
  history(school: string, periods: readonly PeriodRef[], limit?: number): Promise<ReportEvent[]>;
  /**
   * The histories of several schools, in the order asked, each as `history` reads it: in two
   * round trips however many schools (one HMGET per period, then one XRANGE per event).
   */
  histories(asks: readonly HistoryAsk[], limit?: number): Promise<ReportEvent[][]>;
  /**
   * Reduces a period past the retention to each school's final report, for good (the audit
   * log, msgids and replies go). Idempotent; a reduced period reads as before, without its log.
   */
  reduce(task: TaskId, period: string): Promise<void>;
  /**
   * What a tally reads first of each period, all in one round trip (readPeriodCounts): its
   * exemptions, counts by area (with `areas`, only theirs), the reported bitmap, the corrected
   * schools and how many abnormal reports, 代报 and remarks `aggregate` can list (with `node`, a
   * part of the deployment: of its schools only, and only its bytes of the bitmap).
   */
  counts(periods: readonly CountsRequest[], areas?: readonly string[], node?: { among: (code: string) => boolean; schools: readonly School[] }): Promise<PeriodCounts[]>;
  /**
   * The rest of a period's aggregate, given its counts: the first abnormal reports, 代报 and
   * remarks in force by time, as many as `first` says, default all; the corrected abnormal ones;
   * and the reports in force of the `uncounted` schools (exempt schools, whose reports do not count).
   */
  aggregate(counts: PeriodCounts, uncounted?: readonly string[], first?: AggregateFirst): Promise<PeriodAggregate>;
  /**
   * Which of the schools have a report in force in the period or are exempt, in the order given:
   * their bytes of the reported bitmap and the exemptions' codes, in one round trip. A reminder
   * needs nothing else of a period (no counts decoded, no exemption's reason).
   */
  reportedOrExempt(task: TaskId, period: string, schools: readonly School[]): Promise<boolean[]>;
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
  enqueue?: (push: Push) => Promise<unknown>;
  log?: Pick<Logger, "warn">;
}

const field = (fields: string[], name: string) => fields[fields.indexOf(name) + 1] ?? "";

/** Audit-log entries read per round trip by a reader that walks a whole log (changes). */
const LOG_PAGE = 1000;

/**
 * Reports in force a store recalls (RecordCommit's first guess), the latest first to stay: a
 * correction follows its school's report by minutes, and a re-report guessed right is one
 * script call instead of a refused one and another. A day of a 24,000-school county's reports,
 * each kept packed (as its log entry holds it): one string a school rather than a report's
 * objects, which every check-in promoted to the old heap and every re-report left there as garbage.
 */
const RECALLED = 30_000;

export function createReportStore({ redis, keys, places, enqueue, log }: ReportStoreOptions): ReportStore {
  const record = async (
    task: TaskId,
    period: string,
    school: string,
    msgid: string,
    report: Report | undefined,
    withdrawal: WithdrawalFields | undefined,
    commit: RecordCommit,
    ask: readonly PeriodRef[] = [],
  ): Promise<RecordResult<string> & Pick<PutResult, "settled" | "exempt">> => {
    const expected = commit.expected === undefined ? undefined : commit.expected === null ? "" : `"msgid":${JSON.stringify(commit.expected.msgid)}`;
    const place = places?.of(school);
    // What the report counts says whether it is abnormal and has a remark (report.ts countReport decides).
    const counts = report && countReport(report);
    const packed = report && packReport(report);
    // Field by field rather than spreads of objects made for the purpose (a check-in's argument is
    // packed as JSON, so the order of its fields is the order written here).
    const args: RecordArgs = { school, msgid, ttl: TTL.periodSeconds, replyTtl: TTL.callbackReplySeconds, msgidTtl: TTL.callbackReplySeconds, onBehalf: false, remarked: false, pushes: [] };
    if (report) {
      args.report = packed;
      args.counted = encodeCounted(counts!);
      args.at = Date.parse(report.at);
      args.onBehalf = report.onBehalf === true;
      args.remarked = counts!.remarked === 1;
      if (counts!.abnormal) args.abnormal = JSON.stringify(report);
    }
    if (withdrawal) args.withdrawal = JSON.stringify(withdrawal);
    if (expected !== undefined) args.expected = expected;
    if (commit.reply) args.reply = commit.reply;
    if (place) {
      args.number = place.number;
      args.area = place.area;
      args.roster = places!.version;
      if (place.nodes.length > 0) args.nodes = place.nodes;
    }
    // A repeat comes within WeCom's retries (seconds) or an operator's replay (days), never later (msgidTtl).
    if (commit.pushes && commit.pushes.length > 0) args.pushes = commit.pushes.map((push) => JSON.stringify(push));
    const own = periodKeys(keys, task, period);
    const recording = recordReport.call(own, args);
    // A school owes nothing in a period where its state's last id is unmarked (or a reduced
    // period's report), or where it is exempt (exemptions.ts keeps a period's by school).
    const exemptHere = report ? [readField(own.exemptions, school)] : [];
    const asking = ask.flatMap((ref) => {
      const { state, exemptions } = periodKeys(keys, ref.task, ref.period);
      return [readField(state, school), readField(exemptions, school)];
    });
    const [recorded, ...found] = await runTogether(redis, [recording, ...exemptHere, ...asking]).catch((error: unknown) => {
      // The record is one script: refused, it wrote nothing, and the message may be sent again.
      throw isRefusedByRedis(error) ? new CodedError(ErrorCode.NotRecorded, "redis refused the record") : error;
    });
    const [outcome, previous, reply, ...owed] = recorded as string[];
    const exemption = report ? (found.shift() as string | null) : null;
    const { reason } = exemption === null ? {} : (JSON.parse(exemption) as Exemption);
    const settled = ask.map((_, i) => {
      const [state, exempt] = [found[2 * i], found[2 * i + 1]];
      return exempt !== null || (typeof state === "string" && (isFinalState(state) || readStateIds(state).current !== undefined));
    });
    // A record made against a report found that one in force (the script matched its msgid): it is what was replaced, not decoded again.
    const matched = commit.expected && (outcome === "replace" || outcome === "withdraw") ? commit.expected : undefined;
    const replaced = matched ?? (previous ? unpackReport(previous, task, period, school) : undefined);
    // What is in force now: this report once recorded, none once withdrawn, else the one the script answered.
    recall(task, period, school, outcome === "report" || outcome === "replace" ? packed! : outcome === "withdraw" || outcome === "nothing" ? null : previous || null);
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
    return {
      outcome: outcome!,
      ...(replaced && { previous: replaced }),
      ...(reply && { reply }),
      settled,
      ...(exemption !== null && { exempt: reason === undefined ? {} : { reason } }),
    };
  };

  const recalled = new Map<string, string | null>();
  const recall = (task: TaskId, period: string, school: string, report: string | null) => {
    const id = `${task}\t${period}\t${school}`;
    recalled.delete(id);
    if (recalled.size >= RECALLED) recalled.delete(recalled.keys().next().value!);
    recalled.set(id, report);
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
    const packed = (await currentReports(redis, periodKeys(keys, task, period), { schools })) as string[];
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

  const histories = async (asks: readonly HistoryAsk[], limit = 30): Promise<ReportEvent[][]> => {
    // Each period's state is read once, for every school asking it.
    const asked = new Map<string, string[]>();
    for (const { school, periods } of asks) {
      for (const { task, period } of periods) {
        const key = keys.periodState(task, period);
        const schools = asked.get(key) ?? [];
        if (!schools.includes(school)) schools.push(school);
        asked.set(key, schools);
      }
    }
    const answers = (await runTogether(redis, [...asked].map(([key, schools]) => readFields(key, schools)))) as (string | null)[][];
    const states = new Map([...asked].map(([key, schools], i) => [key, new Map(schools.map((school, j) => [school, answers[i]![j]]))]));
    // Each school's entries in each period, in its state's order (a withdrawn id is marked '-').
    const wanted = asks.map(({ school, periods }) =>
      periods.map((ref) => {
        const value = states.get(keys.periodState(ref.task, ref.period))!.get(school);
        return { ref, ids: !value || isFinalState(value) ? [] : readStateIds(value).ids.map((id) => id.replace(/^-/, "")) };
      }),
    );
    const entryReads = wanted.flatMap((periods) =>
      periods.flatMap(({ ref, ids }) => ids.map((id): ScriptCall => ({ run: (redis) => redis.xrange(keys.periodLog(ref.task, ref.period), id, id) }))),
    );
    const entries = (await runTogether(redis, entryReads)) as [string, string[]][][];
    let next = 0;
    return wanted.map((periods) =>
      periods
        .flatMap(({ ref, ids }) => {
          const inForce = new Map<string, Report>();
          return ids.flatMap(() => entries[next++]!.map(([, fields]) => toEvent(ref.task, ref.period, fields, inForce)));
        })
        // Newest first; events of the same instant in the reverse of their log order.
        .reverse()
        .sort((a, b) => b.at.localeCompare(a.at))
        .slice(0, limit),
    );
  };

  return {
    put: (report, commit = {}, ask = []) => record(report.task, report.period, report.school, report.msgid, report, undefined, commit, ask) as Promise<PutResult>,

    withdraw: (w, commit = {}) =>
      record(w.task, w.period, w.school, w.msgid, undefined, { by: w.by, at: w.at, msgid: w.msgid, raw: w.raw }, commit) as Promise<RecordResult<WithdrawOutcome>>,

    recalled(task, period, school) {
      const packed = recalled.get(`${task}\t${period}\t${school}`);
      return packed === undefined || packed === null ? packed : unpackReport(packed, task, period, school);
    },

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

    async changes(task, period) {
      const counts = new Map<string, number>();
      const log = keys.periodLog(task, period);
      for (let from = "-"; ; ) {
        const page = await redis.xrange(log, from, "+", "COUNT", LOG_PAGE);
        for (const [, fields] of page) {
          if (field(fields, "type") === "report") continue;
          const school = field(fields, "school");
          counts.set(school, (counts.get(school) ?? 0) + 1);
        }
        if (page.length < LOG_PAGE) return counts;
        from = `(${page[page.length - 1]![0]}`;
      }
    },

    abnormal: (task, period) => readJsonHash<Report>(redis, keys.periodAbnormal(task, period)),

    history: async (school, periods, limit) => (await histories([{ school, periods }], limit))[0]!,

    histories,

    async reduce(task, period) {
      let cursor = "0";
      do cursor = (await reducePeriod(redis, periodKeys(keys, task, period), { cursor, count: REDUCE_SLICE })) as string;
      while (cursor !== "0");
    },

    counts(periods, areas, node) {
      return readPeriodCounts(redis, keys, periods, areas, node && (places ? nodeRead(node.among, places.numbersOf(node.schools)) : { among: node.among }));
    },

    aggregate(counts, uncounted = [], first = {}) {
      if (!places) throw new Error("the report store counts nothing without the schools' places");
      return readPeriodAggregate({ redis, keys, places, current }, counts, uncounted, first);
    },

    async reportedOrExempt(task, period, schools) {
      if (!places) throw new Error("the report store knows no school's bit without the schools' places");
      const numbers = places.numbersOf(schools);
      const { from, to } = bytesHolding(numbers);
      const [codes, bits] = await readTogether(redis, [
        ["hkeys", keys.exemptions(task, period)],
        ["getrangeBuffer", keys.periodReported(task, period), from, to],
      ]);
      const exempt = new Set(codes as string[]);
      const bitmap = bits as Buffer;
      return schools.map((school, i) => exempt.has(school.code) || (numbers[i]! >= from * 8 && isBitSet(bitmap, numbers[i]! - from * 8)));
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

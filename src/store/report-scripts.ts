import type { TaskId } from "../config/schema.js";
import type { Keys } from "./keys.js";
import type { Report, ReportEvent } from "./report.js";
import { loadScript, namedInOrder, packedInOne } from "./scripts.js";

/*
 * How reports lie in Redis: a period's keys, a report as its log keeps it, and the scripts that
 * record, read and reduce them. One module, so that the record path reads its layout in one place.
 */

/** The keys of one task's period that the record and reduce scripts touch (record-report.lua names each). */
export interface PeriodKeys {
  state: string;
  log: string;
  msgids: string;
  abnormal: string;
  outbox: string;
  replies: string;
  counts: string;
  reported: string;
  listed: string;
  onBehalf: string;
  abnormalAt: string;
  resolved: string;
  remarked: string;
  countedUnder: string;
}

/** Each prefix's period keys, made once per period: every record names all fourteen. */
const madeKeys = new WeakMap<Keys, Map<string, PeriodKeys>>();
/** Periods whose keys are kept per prefix: a day's and a week's of every kind, many times over. */
const KEPT_PERIODS = 256;

export function periodKeys(keys: Keys, task: TaskId, period: string): PeriodKeys {
  let made = madeKeys.get(keys);
  if (!made) madeKeys.set(keys, (made = new Map()));
  const id = `${task}\t${period}`;
  let named = made.get(id);
  if (!named) {
    if (made.size >= KEPT_PERIODS) made.clear();
    named = Object.freeze(nameKeys(keys, task, period));
    made.set(id, named);
  }
  return named;
}

function nameKeys(keys: Keys, task: TaskId, period: string): PeriodKeys {
  return {
    state: keys.periodState(task, period),
    log: keys.periodLog(task, period),
    msgids: keys.periodMsgids(task, period),
    abnormal: keys.periodAbnormal(task, period),
    outbox: keys.periodOutbox(task, period),
    replies: keys.periodReplies(task, period),
    counts: keys.periodCounts(task, period),
    reported: keys.periodReported(task, period),
    listed: keys.periodListed(task, period),
    onBehalf: keys.periodOnBehalf(task, period),
    abnormalAt: keys.periodAbnormalAt(task, period),
    resolved: keys.periodResolved(task, period),
    remarked: keys.periodRemarked(task, period),
    countedUnder: keys.periodCountedUnder(task, period),
  };
}

/** In the order of the scripts' KEYS. */
const everyPeriodKey = namedInOrder<keyof PeriodKeys>(
  "state",
  "log",
  "msgids",
  "abnormal",
  "outbox",
  "replies",
  "counts",
  "reported",
  "listed",
  "onBehalf",
  "abnormalAt",
  "resolved",
  "remarked",
  "countedUnder",
);

/** What record-report.lua is given, one packed argument; its header says what each field means. */
export interface RecordArgs {
  school: string;
  msgid: string;
  report?: string;
  withdrawal?: string;
  ttl: number;
  abnormal?: string;
  expected?: string;
  reply?: string;
  replyTtl: number;
  counted?: string;
  number?: number;
  msgidTtl: number;
  at?: number;
  onBehalf: boolean;
  area?: string;
  nodes?: readonly string[];
  roster?: string;
  remarked: boolean;
  pushes: readonly string[];
}

/** Records one message's report or withdrawal; answers the outcome, the report replaced, the kept reply, the outbox ids. */
export const recordReport = loadScript("record-report", {
  keys: everyPeriodKey,
  args: packedInOne<RecordArgs>(),
});

/** The reports in force of some schools, packed ('' for none). */
export const currentReports = loadScript("current-reports", {
  keys: namedInOrder("state", "log"),
  args: namedInOrder("schools"),
});

/** Reduces one slice of a period past the retention; answers the next cursor ('0': done). */
export const reducePeriod = loadScript("reduce-period", {
  keys: everyPeriodKey,
  args: ({ cursor, count }: { cursor: string; count: number }) => [cursor, count],
});

/**
 * How a report is kept in its period's audit log: without what its key and entry already say
 * (school, task, period, the value's task where the task implies it: valueTaskOf), without
 * `late` when it was on time, its instant as epoch ms, and each text of its value found in the
 * message as typed kept as where it is there (`[start, end]`): a text is kept once, in `raw`,
 * whatever a kind declares. One school-day of history must stay within 400 bytes.
 */
export function packReport(report: Report): string {
  const { school: _school, task, period: _period, value, late, at, raw, ...rest } = report;
  const { task: valueTask, ...figures } = value;
  const kept = valueTask === valueTaskOf(task) ? figures : value;
  return JSON.stringify({ value: referToRaw(kept, raw), ...(late && { late }), ...rest, at: packInstant(at), raw });
}

export function unpackReport(json: string, task: TaskId, period: string, school: string): Report {
  const { value, late = false, at, raw, ...rest } = JSON.parse(json) as Omit<Report, "school" | "task" | "period" | "late" | "at"> & { late?: boolean; at: string | number };
  const texts = Object.fromEntries(Object.entries(value as object).map(([id, v]) => [id, isRawSpan(v) ? raw.slice(v[0], v[1]) : v]));
  return { school, task, period, value: { task: valueTaskOf(task), ...texts } as Report["value"], late, ...rest, at: typeof at === "number" ? new Date(at).toISOString() : at, raw };
}

/** The value with each text found in `raw` as its span there, where that is shorter. No field holds two numbers otherwise (a choice's are texts). */
function referToRaw(value: object, raw: string): object {
  return Object.fromEntries(
    Object.entries(value).map(([id, v]) => {
      const start = typeof v === "string" && v !== "" ? raw.indexOf(v) : -1;
      if (start < 0) return [id, v];
      const span = [start, start + (v as string).length];
      return [id, JSON.stringify(span).length < Buffer.byteLength(JSON.stringify(v)) ? span : v];
    }),
  );
}

const isRawSpan = (v: unknown): v is [number, number] => Array.isArray(v) && v.length === 2 && typeof v[0] === "number" && typeof v[1] === "number";

/** An instant as epoch ms where that reads back as the same ISO text (toISOString's), else as given. */
function packInstant(at: string): string | number {
  const ms = Date.parse(at);
  return Number.isFinite(ms) && new Date(ms).toISOString() === at ? ms : at;
}

/** The readers of today's three kinds, whose reports' values carry their kind's own id. */
const OWN_READERS: ReadonlySet<string> = new Set(["safety", "drowning", "study"]);

/**
 * The value's task a stored report leaves out: the kind's own for today's three kinds (their
 * reports, written before declarations, have none), else the declared fields' reader. A value
 * of another reader keeps its task, and so does one written before it was left out.
 */
function valueTaskOf(task: TaskId): Report["value"]["task"] {
  return OWN_READERS.has(task) ? (task as Report["value"]["task"]) : "fields";
}

/** Who withdrew a report, when, with which message: a withdrawal's log entry. */
export type WithdrawalFields = Pick<ReportEvent, "by" | "at" | "msgid" | "raw">;

/**
 * A period's state value: the school's log entry ids, oldest first, a withdrawal's marked `-`;
 * the report in force is the last id when unmarked. A period reduced to its final state
 * (after the retention) holds the report itself instead (`{…}`).
 */
export function readStateIds(value: string): { ids: string[]; current?: string } {
  const ids = value.split(" ");
  const last = ids[ids.length - 1]!;
  return { ids, ...(last !== "" && !last.startsWith("-") && { current: last }) };
}

export const isFinalState = (value: string) => value.startsWith("{");

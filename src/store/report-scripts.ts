import type { TaskId } from "../config/schema.js";
import type { Keys } from "./keys.js";
import type { Report, ReportEvent } from "./report.js";
import { loadScript, namedInOrder, packedWithApart } from "./scripts.js";

/*
 * How reports lie in Redis: a period's keys, a report as its log keeps it, and the scripts that
 * record, read and reduce them. One module, so that the record path reads its layout in one place.
 */

/**
 * The keys of one task's period that the record and reduce scripts touch (record-report.lua names
 * each), and its exemptions' hash, in another slot, which a check-in reads beside the record.
 */
export interface PeriodKeys {
  exemptions: string;
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

/** Each prefix's period keys, made once per period: every record names all fourteen, and reads the exemptions beside. */
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
    exemptions: keys.exemptions(task, period),
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

/** Records one message's report or withdrawal; answers the outcome, the report replaced ('' when it was the one expected), the kept reply, the outbox ids. */
export const recordReport = loadScript("record-report", {
  keys: everyPeriodKey,
  // The report, the reply and the abnormal report: a check-in's longest texts (ARGV[2..4]).
  args: packedWithApart<RecordArgs, "report" | "reply" | "abnormal">("report", "reply", "abnormal"),
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
  const { task, value, late, at, raw } = report;
  // Built field by field in the order a spread wrote them (the stored bytes stay the same): the
  // rests and entries of spreads cost a check-in 3 µs of its 5 here.
  const dropTask = value.task === valueTaskOf(task);
  const kept: Record<string, unknown> = {};
  for (const id of Object.keys(value)) if (!(dropTask && id === "task")) kept[id] = referToRaw((value as Record<string, unknown>)[id], raw);
  const packed: Record<string, unknown> = { value: kept };
  if (late) packed.late = late;
  for (const name of Object.keys(report)) if (!PACKED_APART.has(name)) packed[name] = report[name as keyof Report];
  packed.at = packInstant(at);
  packed.raw = raw;
  return JSON.stringify(packed);
}

/** A report's fields that its packing leaves out (the entry's key says them) or writes itself. */
const PACKED_APART: ReadonlySet<string> = new Set(["school", "task", "period", "value", "late", "at", "raw"]);

export function unpackReport(json: string, task: TaskId, period: string, school: string): Report {
  const stored = JSON.parse(json) as Record<string, unknown> & { value: Record<string, unknown>; raw: string; at: string | number; late?: boolean };
  const { value, raw, at } = stored;
  const texts: Record<string, unknown> = { task: valueTaskOf(task) };
  for (const id of Object.keys(value)) {
    const v = value[id];
    texts[id] = isRawSpan(v) ? raw.slice(v[0], v[1]) : v;
  }
  // In the order a spread of the stored fields wrote them (a report's JSON is compared as written).
  const report: Record<string, unknown> = { school, task, period, value: texts, late: stored.late === undefined ? false : stored.late };
  for (const name of Object.keys(stored)) if (!UNPACKED_APART.has(name)) report[name] = stored[name];
  report.at = typeof at === "number" ? new Date(at).toISOString() : at;
  report.raw = raw;
  return report as unknown as Report;
}

/** The stored fields unpackReport writes itself. */
const UNPACKED_APART: ReadonlySet<string> = new Set(["value", "late", "at", "raw"]);

/** A text of the value found in `raw`, as its span there where that is shorter. No field holds two numbers otherwise (a choice's are texts). */
function referToRaw(v: unknown, raw: string): unknown {
  const start = typeof v === "string" && v !== "" ? raw.indexOf(v) : -1;
  if (start < 0) return v;
  const span = [start, start + (v as string).length];
  return JSON.stringify(span).length < Buffer.byteLength(JSON.stringify(v)) ? span : v;
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

import type { TaskId } from "../config/schema.js";
import type { Keys } from "./keys.js";
import { loadScript, namedInOrder, packArgument } from "./scripts.js";

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
const everyPeriodKey = (k: PeriodKeys) => [k.state, k.log, k.msgids, k.abnormal, k.outbox, k.replies, k.counts, k.reported, k.listed, k.onBehalf, k.abnormalAt, k.resolved, k.remarked, k.countedUnder];

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
  args: (values: RecordArgs) => [packArgument(values)],
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

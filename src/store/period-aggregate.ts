import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import type { Report } from "./report.js";
import { COUNTER_NAMES, decodeCounted, zeroCounts, type ReportCounts } from "./report-counts.js";
import type { SchoolPlaces } from "./school-numbers.js";

/** What the record script keeps of one task and period, as 汇总 reads it. */
export interface PeriodAggregate {
  /** Counts of the reports in force, by area (exempt schools' reports included). */
  byArea: ReadonlyMap<string, ReportCounts>;
  /** Whether the school has a report in force. */
  isReported(code: string): boolean;
  /** The reports in force that 汇总 lists by name (abnormal, 代报), by school code. */
  listed: ReadonlyMap<string, Report>;
  /** Safety: each school's latest abnormal report of the period, and the report now in force of each. */
  lastAbnormal?: ReadonlyMap<string, Report>;
  current: ReadonlyMap<string, Report>;
  /** Of the schools asked about (exempt ones), where their report in force was counted and what it added. */
  counted: ReadonlyMap<string, { area: string; counts: ReportCounts }>;
}

const parseAll = (all: Record<string, string>) => new Map(Object.entries(all).map(([code, json]) => [code, JSON.parse(json) as Report]));

/**
 * Reads a period's counts: one small hash by area, the reported bitmap (one bit a school), the
 * listed reports; then, for the few schools that need it, their counted entries and reports in
 * force. Its cost grows with the areas and what is listed, not with the schools.
 */
export async function readPeriodAggregate(
  store: { redis: RedisClient; keys: Keys; places: SchoolPlaces },
  task: TaskId,
  period: string,
  uncounted: readonly string[],
): Promise<PeriodAggregate> {
  const { redis, keys, places } = store;
  const [counts, bitmap, listedAll, abnormalAll] = await Promise.all([
    redis.hgetall(keys.periodCounts(task, period)),
    redis.getBuffer(keys.periodReported(task, period)),
    redis.hgetall(keys.periodListed(task, period)),
    task === "safety" ? redis.hgetall(keys.periodAbnormal(task, period)) : undefined,
  ]);
  const byArea = new Map<string, ReportCounts>();
  for (const [field, value] of Object.entries(counts)) {
    const colon = field.indexOf(":");
    const name = field.slice(0, colon) as (typeof COUNTER_NAMES)[number];
    const area = field.slice(colon + 1);
    if (!byArea.has(area)) byArea.set(area, zeroCounts());
    byArea.get(area)![name] = Number(value);
  }
  const listed = parseAll(listedAll);
  const lastAbnormal = abnormalAll && parseAll(abnormalAll);
  // A school whose last abnormal report is not in force any more: read what is (resolved, or withdrawn).
  const unlisted = lastAbnormal ? [...lastAbnormal.keys()].filter((code) => !listed.has(code)) : [];
  const [countedValues, currentValues] = await Promise.all([
    uncounted.length > 0 ? redis.hmget(keys.periodCounted(task, period), ...uncounted) : [],
    unlisted.length > 0 ? redis.hmget(keys.periodState(task, period), ...unlisted) : [],
  ]);
  const counted = new Map<string, { area: string; counts: ReportCounts }>();
  uncounted.forEach((code, i) => {
    const text = countedValues[i];
    if (text) counted.set(code, decodeCounted(text));
  });
  const current = new Map(listed);
  unlisted.forEach((code, i) => {
    const json = currentValues[i];
    if (json) current.set(code, JSON.parse(json) as Report);
  });
  const bits = bitmap ?? Buffer.alloc(0);
  const isReported = (code: string) => {
    const number = places.of(code)?.number;
    if (number === undefined) return false;
    const byte = number >> 3;
    // SETBIT numbers bits from the most significant of each byte.
    return byte < bits.length && (bits[byte]! & (0x80 >> (number & 7))) !== 0;
  };
  return { byArea, isReported, listed, ...(lastAbnormal && { lastAbnormal }), current, counted };
}

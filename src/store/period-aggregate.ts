import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import type { Report } from "./report.js";
import { countReport, zeroCounts, type ReportCounts } from "./report-counts.js";
import type { SchoolPlaces } from "./school-numbers.js";

/** What the record script keeps of one task and period, as 汇总 reads it. */
export interface PeriodAggregate {
  /** Counts of the reports in force, by area (exempt schools' reports included). */
  byArea: ReadonlyMap<string, ReportCounts>;
  /** Whether the school has a report in force. */
  isReported(code: string): boolean;
  /** The abnormal reports in force, by school code. */
  listed: ReadonlyMap<string, Report>;
  /** The first 代报 reports in force by when they were made (as many as asked), oldest first. */
  onBehalf: readonly Report[];
  /** Safety: each school's latest abnormal report of the period, and the report now in force of each. */
  lastAbnormal?: ReadonlyMap<string, Report>;
  current: ReadonlyMap<string, Report>;
  /** Of the schools asked about (exempt ones), what their report in force added to the counts. */
  counted: ReadonlyMap<string, { area: string; counts: ReportCounts }>;
}

const parseAll = (all: Record<string, string>) => new Map(Object.entries(all).map(([code, json]) => [code, JSON.parse(json) as Report]));

/**
 * Reads a period's counts: one small hash by area, the reported bitmap (one bit a school), the
 * abnormal reports in force, the first 代报; then, for the few schools that need it, their
 * reports in force. Its cost grows with the areas and what is listed, not with the schools.
 */
export async function readPeriodAggregate(
  store: {
    redis: RedisClient;
    keys: Keys;
    places: SchoolPlaces;
    current: (task: TaskId, period: string, schools: readonly string[]) => Promise<Map<string, Report>>;
  },
  task: TaskId,
  period: string,
  uncounted: readonly string[],
  onBehalfFirst: number,
): Promise<PeriodAggregate> {
  const { redis, keys, places } = store;
  const [counts, bitmap, listedAll, abnormalAll, onBehalfCodes] = await Promise.all([
    redis.hgetall(keys.periodCounts(task, period)),
    redis.getBuffer(keys.periodReported(task, period)),
    redis.hgetall(keys.periodListed(task, period)),
    task === "safety" ? redis.hgetall(keys.periodAbnormal(task, period)) : undefined,
    onBehalfFirst > 0 ? redis.zrange(keys.periodOnBehalf(task, period), "0", String(Number.isFinite(onBehalfFirst) ? onBehalfFirst - 1 : -1)) : [],
  ]);
  const byArea = new Map<string, ReportCounts>();
  for (const [name, value] of Object.entries(counts)) {
    const colon = name.indexOf(":");
    const area = name.slice(colon + 1);
    if (!byArea.has(area)) byArea.set(area, zeroCounts());
    byArea.get(area)![name.slice(0, colon) as keyof ReportCounts] = Number(value);
  }
  const listed = parseAll(listedAll);
  const lastAbnormal = abnormalAll && parseAll(abnormalAll);
  // Schools whose last abnormal report is no longer in force (resolved, or withdrawn), exempt
  // schools (their reports are taken back out of the counts) and the first 代报: read what is in force.
  const unlisted = lastAbnormal ? [...lastAbnormal.keys()].filter((code) => !listed.has(code)) : [];
  const asked = [...new Set([...unlisted, ...uncounted, ...onBehalfCodes])].filter((code) => !listed.has(code));
  const read = await store.current(task, period, asked);
  const current = new Map([...listed, ...read]);
  const counted = new Map<string, { area: string; counts: ReportCounts }>();
  for (const code of uncounted) {
    const report = current.get(code);
    const place = places.of(code);
    if (report && place) counted.set(code, { area: place.area, counts: countReport(report) });
  }
  const bits = bitmap ?? Buffer.alloc(0);
  const isReported = (code: string) => {
    const number = places.of(code)?.number;
    if (number === undefined) return false;
    const byte = number >> 3;
    // SETBIT numbers bits from the most significant of each byte.
    return byte < bits.length && (bits[byte]! & (0x80 >> (number & 7))) !== 0;
  };
  const onBehalf = onBehalfCodes.flatMap((code) => current.get(code) ?? []);
  return { byArea, isReported, listed, onBehalf, ...(lastAbnormal && { lastAbnormal }), current, counted };
}

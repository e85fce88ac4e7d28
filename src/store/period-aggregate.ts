import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import type { Report } from "./report.js";
import { addCounter, COUNTER_NAMES, countReport, zeroCounts, type ReportCounts } from "./report-counts.js";
import type { SchoolPlaces } from "./school-numbers.js";
import type { School } from "../config/roster.js";

/** What the record script keeps of one task and period, as 汇总 reads it. */
export interface PeriodAggregate {
  /**
   * Counts of the reports in force, by area (exempt schools' reports included); read for the
   * nodes above the areas (AggregateFirst.areas), by node too (nodeKey).
   */
  byArea: ReadonlyMap<string, ReportCounts>;
  /** Whether the school of this number (SchoolPlaces) has a report in force; -1: no school. */
  isReportedAt(number: number): boolean;
  /** The schools' numbers, in order (SchoolPlaces.numbersOf). */
  numbersOf(schools: readonly School[]): Int32Array;
  /** The first abnormal reports in force by when they were made (as many as asked), oldest first. */
  abnormal: readonly Report[];
  /** The first 代报 reports in force by when they were made (as many as asked), oldest first. */
  onBehalf: readonly Report[];
  /** The first 平安 reports in force with a remark by when they were made (as many as asked), oldest first. */
  remarked: readonly Report[];
  /** Safety: the schools whose abnormal report a 无异常 one corrected, with both. */
  resolved: readonly { abnormal: Report; report: Report }[];
  /** Of the schools asked about (exempt ones), what their report in force added to the counts. */
  counted: ReadonlyMap<string, { area: string; counts: ReportCounts }>;
}

/** How many of the abnormal reports and 代报 in force to read, the first by time (default all). */
export interface AggregateFirst {
  abnormal?: number;
  onBehalf?: number;
  remarked?: number;
  /**
   * Only the schools a node holds (a roster's part, scope.ts): the period's lists hold the whole
   * deployment's, so their codes are read whole and the first of the node's kept; only those
   * schools' reports are read.
   */
  among?: (code: string) => boolean;
  /**
   * The keys whose counts alone are read of the period's hash (default all): the node's areas
   * (areaKey), or the nodes its summary shows as rows (nodeKey: the record script keeps each
   * node's totals, so a province reads its cities', not its 1,000 areas').
   */
  areas?: readonly string[];
  /** With `areas`: the kind's sum counters (sumCounters), read beside the fixed ones. */
  sums?: readonly string[];
}

/**
 * Reads a period's counts: one small hash by area, the reported bitmap (one bit a school), the
 * first abnormal reports, 代报 and remarks in force, the corrected ones; then, for the few schools that
 * need it, their reports in force. Its cost grows with the areas and what is shown, not with
 * the schools.
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
  first: AggregateFirst,
): Promise<PeriodAggregate> {
  const { redis, keys, places } = store;
  const { among } = first;
  const firstOf = async (key: string, n = Number.POSITIVE_INFINITY): Promise<string[]> => {
    if (n <= 0) return [];
    if (!among) return redis.zrange(key, "0", String(Number.isFinite(n) ? n - 1 : -1));
    return (await redis.zrange(key, "0", "-1")).filter(among).slice(0, n);
  };
  // A node's own areas' fields only: a county of a province reads its 10 areas, not the province's 1,000.
  const readCounts = async (): Promise<Record<string, string>> => {
    if (!first.areas) return redis.hgetall(keys.periodCounts(task, period));
    const names = [...COUNTER_NAMES, ...(first.sums ?? [])];
    const fields = first.areas.flatMap((area) => names.map((name) => `${name}:${area}`));
    if (fields.length === 0) return {};
    const values = await redis.hmget(keys.periodCounts(task, period), ...fields);
    return Object.fromEntries(fields.flatMap((field, i) => (values[i] === null || values[i] === undefined ? [] : [[field, values[i]]])));
  };
  const [counts, bitmap, abnormalCodes, onBehalfCodes, remarkedCodes, resolvedCodes] = await Promise.all([
    readCounts(),
    redis.getBuffer(keys.periodReported(task, period)),
    firstOf(keys.periodAbnormalAt(task, period), first.abnormal),
    firstOf(keys.periodOnBehalf(task, period), first.onBehalf),
    firstOf(keys.periodRemarked(task, period), first.remarked),
    redis.smembers(keys.periodResolved(task, period)).then((codes) => (among ? codes.filter(among) : codes)),
  ]);
  const byArea = new Map<string, ReportCounts>();
  for (const [name, value] of Object.entries(counts)) {
    const colon = name.indexOf(":");
    const area = name.slice(colon + 1);
    if (!byArea.has(area)) byArea.set(area, zeroCounts());
    addCounter(byArea.get(area)!, name.slice(0, colon), Number(value));
  }
  const asked = [...new Set([...abnormalCodes, ...onBehalfCodes, ...remarkedCodes, ...resolvedCodes, ...uncounted])];
  const [current, lastAbnormal] = await Promise.all([
    store.current(task, period, asked),
    resolvedCodes.length > 0 ? redis.hmget(keys.periodAbnormal(task, period), ...resolvedCodes) : [],
  ]);
  const inForce = (codes: readonly string[]) => codes.flatMap((code) => current.get(code) ?? []);
  const resolved = resolvedCodes.flatMap((code, i) => {
    const json = lastAbnormal[i];
    const report = current.get(code);
    return json && report ? [{ abnormal: JSON.parse(json) as Report, report }] : [];
  });
  const counted = new Map<string, { area: string; counts: ReportCounts }>();
  for (const code of uncounted) {
    const report = current.get(code);
    const place = places.of(code);
    if (report && place) counted.set(code, { area: place.area, counts: countReport(report) });
  }
  const bits = bitmap ?? Buffer.alloc(0);
  const isReportedAt = (number: number) => number >= 0 && isBitSet(bits, number);
  const numbersOf = (schools: readonly School[]) => places.numbersOf(schools);
  return {
    byArea,
    isReportedAt,
    numbersOf,
    abnormal: inForce(abnormalCodes),
    onBehalf: inForce(onBehalfCodes),
    remarked: inForce(remarkedCodes),
    resolved,
    counted,
  };
}

/** Whether bit `number` of a bitmap is set, numbered as SETBIT numbers them (most significant bit of each byte first). */
export function isBitSet(bitmap: Buffer, number: number): boolean {
  const byte = number >> 3;
  return byte < bitmap.length && (bitmap[byte]! & (0x80 >> (number & 7))) !== 0;
}

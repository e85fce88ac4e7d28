import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import { countedEntries, countReport, hasRemark, isAbnormal, type Report } from "./report.js";
import type { ReportStore } from "./reports.js";
import type { SchoolPlaces } from "./school-numbers.js";
import { isBitSet } from "./period-aggregate.js";
import { loadScript } from "./scripts.js";
import { packReport, periodKeys, unpackReport, type PeriodKeys } from "./report-scripts.js";

/** How one period's counts compared with a recount of its reports in force. */
export interface RecountOutcome {
  task: TaskId;
  period: string;
  reports: number;
  /** What differed, one line each (empty: exact). */
  differences: string[];
  repaired: boolean;
}

type Recount = ReturnType<typeof recount>;

/**
 * Rewrites a period's counts from a recount, unless a report was recorded since the recount
 * read the reports (`last`, the audit log's last id as read, moved): then nothing is written
 * and the caller recounts again.
 */
const repairScript = loadScript("recount-repair", {
  keys: (k: Pick<PeriodKeys, "log" | "counts" | "reported" | "listed" | "onBehalf" | "abnormalAt" | "resolved" | "remarked">) => [
    k.log,
    k.counts,
    k.reported,
    k.listed,
    k.onBehalf,
    k.abnormalAt,
    k.resolved,
    k.remarked,
  ],
  args: ({ last, wanted }: { last: string; wanted: Recount }) => [
    last,
    wanted.counts.size * 2,
    ...[...wanted.counts].flatMap(([field, n]) => [field, n]),
    wanted.bits.length,
    ...wanted.bits,
    wanted.onBehalf.size * 2,
    ...[...wanted.onBehalf].flatMap(([code, at]) => [at, code]),
    wanted.abnormalAt.size * 2,
    ...[...wanted.abnormalAt].flatMap(([code, at]) => [at, code]),
    wanted.resolved.size,
    ...wanted.resolved.keys(),
    wanted.remarked.size * 2,
    ...[...wanted.remarked].flatMap(([code, at]) => [at, code]),
    ...[...wanted.listed].flat(),
  ],
});

/**
 * What the record script would hold had it recorded exactly these reports in force under the
 * roster in force (each school's counts under its area and the nodes above it). A school the roster no longer has is counted and listed nowhere: 汇总 reads
 * the first 代报 and abnormal reports by time, and one of a removed school would take the place
 * of one it shows.
 */
function recount(reports: ReadonlyMap<string, Report>, places: SchoolPlaces, everAbnormal: ReadonlySet<string>) {
  const counts = new Map<string, number>();
  const bits: number[] = [];
  const listed = new Map<string, string>();
  const onBehalf = new Map<string, string>();
  const abnormalAt = new Map<string, string>();
  const resolved = new Map<string, string>();
  const remarked = new Map<string, string>();
  for (const [code, report] of reports) {
    const place = places.of(code);
    if (!place) continue;
    for (const [name, n] of countedEntries(countReport(report))) {
      for (const key of [place.area, ...place.nodes]) counts.set(`${name}:${key}`, (counts.get(`${name}:${key}`) ?? 0) + n);
    }
    bits.push(place.number);
    if (isAbnormal(report)) {
      listed.set(code, canonical(JSON.stringify(report)));
      abnormalAt.set(code, String(Date.parse(report.at)));
    } else if (everAbnormal.has(code)) {
      resolved.set(code, "1");
    }
    if (report.onBehalf) onBehalf.set(code, String(Date.parse(report.at)));
    if (hasRemark(report)) remarked.set(code, String(Date.parse(report.at)));
  }
  return { counts, bits, listed, onBehalf, abnormalAt, resolved, remarked };
}

/** A ZRANGE … WITHSCORES answer as member → score. */
function scored(pairs: readonly string[]): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) map.set(pairs[i]!, pairs[i + 1]!);
  return map;
}

/** A report's JSON with its fields in one order. */
function canonical(json: string): string {
  const report = JSON.parse(json) as Report;
  return JSON.stringify(unpackReport(packReport(report), report.task, report.period, report.school));
}

/** The bit numbers set in a bitmap. */
function bitsOf(bitmap: Buffer | null): Set<number> {
  const set = new Set<number>();
  for (let number = 0; bitmap && number < bitmap.length * 8; number += 1) if (isBitSet(bitmap, number)) set.add(number);
  return set;
}

function compareMaps(what: string, stored: ReadonlyMap<string, string>, wanted: ReadonlyMap<string, string>, out: string[]): void {
  for (const [field, value] of wanted) if (stored.get(field) !== value) out.push(`${what} ${field}: ${stored.get(field) ?? "（无）"} → ${value}`);
  for (const [field, value] of stored) if (!wanted.has(field)) out.push(`${what} ${field}: ${value} → （无）`);
}

/**
 * Recounts one period from its reports in force and compares the counts the record script kept
 * (`pingan verify-aggregates`, after a restore); with `repair`, rewrites them from the recount.
 */
export async function recountAggregate(
  store: { redis: RedisClient; keys: Keys; places: SchoolPlaces; reports: Pick<ReportStore, "list"> },
  task: TaskId,
  period: string,
  options: { repair?: boolean } = {},
): Promise<RecountOutcome> {
  const { redis, keys, places, reports } = store;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const last = await redis.xrevrange(keys.periodLog(task, period), "+", "-", "COUNT", 1);
    const [inForce, counts, bitmap, listed, onBehalf, abnormalAt, resolved, everAbnormal, remarked] = await Promise.all([
      reports.list(task, period),
      redis.hgetall(keys.periodCounts(task, period)),
      redis.getBuffer(keys.periodReported(task, period)),
      redis.hgetall(keys.periodListed(task, period)),
      redis.zrange(keys.periodOnBehalf(task, period), "0", "-1", "WITHSCORES"),
      redis.zrange(keys.periodAbnormalAt(task, period), "0", "-1", "WITHSCORES"),
      redis.smembers(keys.periodResolved(task, period)),
      redis.hkeys(keys.periodAbnormal(task, period)),
      redis.zrange(keys.periodRemarked(task, period), "0", "-1", "WITHSCORES"),
    ]);
    const wanted = recount(inForce, places, new Set(everAbnormal));
    const differences: string[] = [];
    const nonZero = new Map(Object.entries(counts).filter(([, value]) => value !== "0"));
    compareMaps("counts", nonZero, new Map([...wanted.counts].map(([field, n]) => [field, String(n)])), differences);
    // The same report may be written with its fields in another order: compare what they say.
    const storedListed = new Map(Object.entries(listed).map(([code, json]) => [code, canonical(json)]));
    compareMaps("listed", storedListed, wanted.listed, differences);
    compareMaps("on-behalf", scored(onBehalf), wanted.onBehalf, differences);
    compareMaps("abnormal-at", scored(abnormalAt), wanted.abnormalAt, differences);
    compareMaps("resolved", new Map(resolved.map((code) => [code, "1"])), wanted.resolved, differences);
    compareMaps("remarked", scored(remarked), wanted.remarked, differences);
    const storedBits = bitsOf(bitmap);
    const wantedBits = new Set(wanted.bits);
    for (const bit of wantedBits) if (!storedBits.has(bit)) differences.push(`reported bit ${bit}: 0 → 1`);
    for (const bit of storedBits) if (!wantedBits.has(bit)) differences.push(`reported bit ${bit}: 1 → 0`);
    const outcome = { task, period, reports: inForce.size, differences, repaired: false };
    if (!options.repair || differences.length === 0) return outcome;
    if ((await repairScript(redis, periodKeys(keys, task, period), { last: last[0]?.[0] ?? "", wanted })) === 1) return { ...outcome, repaired: true };
  }
  throw new Error(`${task} ${period} kept changing while it was recounted`);
}

import type { TaskId } from "../config/schema.js";
import type { RedisClient } from "./connect-redis.js";
import type { Keys } from "./keys.js";
import { addCounter, COUNTER_NAMES, countReport, zeroCounts, type Report, type ReportCounts } from "./report.js";
import type { SchoolPlaces } from "./school-numbers.js";
import type { School } from "../config/roster.js";
import type { Exemption } from "./exemptions.js";
import { decodeJsonHash } from "./json-values.js";
import { readTogether, type ReadCommand } from "./scripts.js";


/** What the record script keeps of one task and period, as 汇总 reads it. */
export interface PeriodAggregate {
  /**
   * Counts of the reports in force, by area (exempt schools' reports included); read for the
   * nodes above the areas (readPeriodCounts' `areas`), by node too (nodeKey).
   */
  byArea: ReadonlyMap<string, ReportCounts>;
  /** Whether the school of this number (SchoolPlaces) has a report in force; -1: no school. */
  isReportedAt(number: number): boolean;
  /**
   * Byte `byte` of the reported bitmap: the bits of numbers 8·byte to 8·byte + 7, the first in its
   * most significant bit (as SETBIT numbers them); 0 where none was read. A reader after the few
   * schools without a report skips the bytes of eight with one (0xff).
   */
  reportedByte(byte: number): number;
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
   * deployment's, so they are read from their start in growing slices until the node's first are
   * found (or all it has: PeriodCounts.listed); only those schools' reports are read.
   */
  among?: (code: string) => boolean;
}

/** Something of each list a period's aggregate shows from: its abnormal reports, 代报 and remarks in force. */
export interface OfLists<T> {
  abnormal: T;
  onBehalf: T;
  remarked: T;
}

const LISTS = ["abnormal", "onBehalf", "remarked"] as const;

/** The keys of a period's lists (OfLists), each its reports' codes by when they were made. */
function listKeys(keys: Keys, task: TaskId, period: string): OfLists<string> {
  return { abnormal: keys.periodAbnormalAt(task, period), onBehalf: keys.periodOnBehalf(task, period), remarked: keys.periodRemarked(task, period) };
}

/** A list's first codes as read with its counts: `asked` asked for, the list's first up to that. */
export interface FirstCodes {
  asked: number;
  codes: readonly string[];
}

const NO_CODES: FirstCodes = { asked: 0, codes: [] };

/** What a tally reads first of a period (readPeriodCounts): what the rest it reads depends on. */
export interface PeriodCounts {
  task: TaskId;
  period: string;
  /** The period's exemptions, by school code. */
  exemptions: ReadonlyMap<string, Exemption>;
  /**
   * How many abnormal reports, 代报 and remarks are in force in the period (what an aggregate can
   * list); read for a node, its own, from its counts.
   */
  listed: OfLists<number>;
  /**
   * Each list's first codes, read beside its size as CountsRequest.first asked (none for a node):
   * the aggregate reads a list again only to show more of it than that.
   */
  first: OfLists<FirstCodes>;
  /** Counts of the reports in force, by area (exempt schools' reports included). */
  byArea: ReadonlyMap<string, ReportCounts>;
  /** One bit a school (SchoolPlaces): set where it has a report in force; for a node, only the bytes of its schools' bits, from `reportedFrom`. */
  reported: Buffer;
  /** The byte of the whole bitmap `reported` starts at (0 unless read for a node). */
  reportedFrom: number;
  /** Safety: the schools whose abnormal report a 无异常 one corrected. */
  resolved: readonly string[];
}

/** A field of a period's counts, '<counter>:<area>', split. */
interface CountsField {
  counter: string;
  area: string;
}

/**
 * The fields of the period counts read so far, split once: a week of seven kinds reads some
 * 6,000 of them each 汇总, the same names every time (as many as the areas and nodes times the
 * counters), and splitting each anew was a third of reading them.
 */
const countsFields = new Map<string, CountsField>();

/** The most field names countsFields keeps (a province's areas and nodes times its kinds' counters); past it, it starts again. */
const COUNTS_FIELDS_KEPT = 200_000;

function fieldOf(name: string): CountsField {
  let field = countsFields.get(name);
  if (!field) {
    if (countsFields.size >= COUNTS_FIELDS_KEPT) countsFields.clear();
    const colon = name.indexOf(":");
    field = { counter: name.slice(0, colon), area: name.slice(colon + 1) };
    countsFields.set(name, field);
  }
  return field;
}

/** A period whose counts to read, and, with `areas`, its kind's sum counters (sumCounters), read beside the fixed ones. */
export interface CountsRequest {
  task: TaskId;
  period: string;
  sums?: readonly string[];
  /**
   * How many of each list's first codes to read in the same round trip (PeriodCounts.first): as
   * many as the aggregate will show, as far as they are known before the counts (countKinds, load-tally.ts).
   * Not read for a node, whose first are found among the deployment's (readFirstOf).
   */
  first?: Partial<OfLists<number>>;
}

/**
 * Reads the periods' counts, all in one round trip: each one's exemptions, its small hash of
 * counts by area (with `areas`, only the fields of those keys: a node's areas (areaKey), or the
 * nodes its summary shows as rows (nodeKey: the record script keeps each node's totals, so a
 * province reads its cities', not its 1,000 areas')), the reported bitmap, the corrected schools
 * and how many reports each list holds (a node: how many of its own, which its counts say). Its
 * cost grows with the areas and the exemptions, not with the schools.
 */
export async function readPeriodCounts(redis: RedisClient, keys: Keys, periods: readonly CountsRequest[], areas?: readonly string[], node?: NodeRead): Promise<PeriodCounts[]> {
  // A node's bytes of the bitmap only: a county's 1,000 bits, not a province's 100,000.
  const span = node?.bytes;
  const bits = (key: string): ReadCommand => (span ? ["getrangeBuffer", key, span.from, span.to] : ["getBuffer", key]);
  const fieldsOf = ({ sums = [] }: CountsRequest) => areas?.flatMap((area) => [...COUNTER_NAMES, ...sums].map((name) => `${name}:${area}`));
  const reads = periods.map((request) => {
    const { task, period } = request;
    const fields = fieldsOf(request);
    const lists = listKeys(keys, task, period);
    const codesAsked = LISTS.map((list) => (node ? 0 : (request.first?.[list] ?? 0)));
    const commands: ReadCommand[] = [
      ["hgetall", keys.exemptions(task, period)],
      fields && fields.length > 0 ? ["hmget", keys.periodCounts(task, period), ...fields] : ["hashAsJson", keys.periodCounts(task, period)],
      bits(keys.periodReported(task, period)),
      ["smembers", keys.periodResolved(task, period)],
      // The lists hold the whole deployment's reports: a node's own are as many as its counts say,
      // which it reads anyway (reading the lists whole to count them made a city's week cost more
      // than the province's). Beside each size, its first codes: the aggregate's next round trip
      // is then needed only to show more of a list than asked here.
      ...LISTS.flatMap((list, l): ReadCommand[] => {
        if (node) return [];
        const n = codesAsked[l]!;
        return n > 0 ? [["zcard", lists[list]], firstOf(lists[list], n)] : [["zcard", lists[list]]];
      }),
    ];
    return { fields, codesAsked, commands };
  });
  const answers = await readTogether(redis, reads.flatMap(({ commands }) => commands));
  // Looked up for each counter of each period: a week of seven kinds parses some 20,000.
  const asked = areas && new Set(areas);
  let at = 0;
  return periods.map((request, i) => {
    const { task, period } = request;
    const { fields, codesAsked, commands } = reads[i]!;
    const [exemptions, counts, reported, resolved, ...ofLists] = answers.slice(at, (at += commands.length));
    const listed = { abnormal: 0, onBehalf: 0, remarked: 0 };
    const first: OfLists<FirstCodes> = { abnormal: NO_CODES, onBehalf: NO_CODES, remarked: NO_CODES };
    if (!node) {
      let read = 0;
      LISTS.forEach((list, l) => {
        listed[list] = Number(ofLists[read++]);
        if (codesAsked[l]! > 0) first[list] = { asked: codesAsked[l]!, codes: ofLists[read++] as string[] };
      });
    }
    const byArea = new Map<string, ReportCounts>();
    const add = (name: string, value: string | null) => {
      if (value === null) return;
      const { area, counter } = fieldOf(name);
      // Asked for no keys, the whole hash is read, and none of it counted.
      if (asked && !asked.has(area)) return;
      let counted = byArea.get(area);
      if (!counted) byArea.set(area, (counted = zeroCounts()));
      addCounter(counted, counter, Number(value));
    };
    const values = counts as (string | null)[];
    if (fields && fields.length > 0) fields.forEach((field, f) => add(field, values[f] ?? null));
    else for (let f = 0; f < values.length; f += 2) add(values[f]!, values[f + 1]!);
    const own = (counter: "abnormal" | "onBehalf" | "remarked") => [...byArea.values()].reduce((sum, counted) => sum + counted[counter], 0);
    return {
      task,
      period,
      exemptions: decodeJsonHash<Exemption>(exemptions as Record<string, string>),
      listed: node ? { abnormal: own("abnormal"), onBehalf: own("onBehalf"), remarked: own("remarked") } : listed,
      first,
      byArea,
      reported: (reported as Buffer | null) ?? Buffer.alloc(0),
      reportedFrom: span?.from ?? 0,
      resolved: resolved as string[],
    };
  });
}
/**
 * Reads the rest of a period's aggregate, given its counts: the first abnormal reports, 代报
 * and remarks in force (as many as asked, in one round trip); then, for the few schools that
 * need it, their reports in force. Its cost grows with what is shown, not with the schools.
 */
export async function readPeriodAggregate(
  store: {
    redis: RedisClient;
    places: SchoolPlaces;
    keys: Keys;
    current: (task: TaskId, period: string, schools: readonly string[]) => Promise<Map<string, Report>>;
  },
  counts: PeriodCounts,
  uncounted: readonly string[],
  first: AggregateFirst,
): Promise<PeriodAggregate> {
  const { redis, keys, places } = store;
  const { task, period } = counts;
  const { among } = first;
  const keyOf = listKeys(keys, task, period);
  const lists = LISTS.map((list) => ({ key: keyOf[list], n: Math.min(first[list] ?? Number.POSITIVE_INFINITY, counts.listed[list]), read: counts.first[list] }));
  const [abnormalCodes = [], onBehalfCodes = [], remarkedCodes = []] = among
    ? await Promise.all(lists.map(({ key, n }) => readFirstOf(redis, key, n, among)))
    : await readFirst(redis, lists);
  const resolvedCodes = among ? counts.resolved.filter(among) : counts.resolved;
  const asked = [...new Set([...abnormalCodes, ...onBehalfCodes, ...remarkedCodes, ...resolvedCodes, ...uncounted])];
  const [current, lastAbnormal] = await Promise.all([
    asked.length > 0 ? store.current(task, period, asked) : new Map<string, Report>(),
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
  const bits = counts.reported;
  const from = counts.reportedFrom * 8;
  return {
    byArea: counts.byArea,
    isReportedAt: (number: number) => number >= from && isBitSet(bits, number - from),
    reportedByte: (byte: number) => bits[byte - counts.reportedFrom] ?? 0,
    numbersOf: (schools: readonly School[]) => places.numbersOf(schools),
    abnormal: inForce(abnormalCodes),
    onBehalf: inForce(onBehalfCodes),
    remarked: inForce(remarkedCodes),
    resolved,
    counted,
  };
}

/** What a node's read of the counts keeps to its schools: its own counts of the lists, its bytes of the bitmap (nodeRead). */
export interface NodeRead {
  among: (code: string) => boolean;
  /** The bytes of the reported bitmap that hold its schools' bits (the first alone when none has a number). */
  bytes?: { from: number; to: number };
}

/**
 * The first `n` codes of each list, by time: those read with the counts when they hold as many
 * as asked (the same codes a read now would give, but for reports made since), the rest read
 * again from the start, all in one round trip.
 */
async function readFirst(redis: RedisClient, lists: readonly { key: string; n: number; read: FirstCodes }[]): Promise<readonly string[][]> {
  const wanted = lists.filter(({ n, read }) => n > read.asked);
  const again = (await readTogether(redis, wanted.map(({ key, n }) => firstOf(key, n)))) as string[][];
  return lists.map((list) => (list.n <= list.read.asked ? list.read.codes.slice(0, list.n) : again[wanted.indexOf(list)]!));
}

/** The read of a list's first `n` codes (infinite: all). */
function firstOf(key: string, n: number): ReadCommand {
  return ["zrange", key, "0", Number.isFinite(n) ? String(n - 1) : "-1"];
}

/** The codes a node's read of a list starts with, doubled each slice after. */
const FIRST_SLICE = 128;

/**
 * A node's first `n` codes of a list of the whole deployment's, by time: read from its start in
 * slices, each twice the last, until `n` are found or the list ends. `n` is at most how many the
 * node has (its counts), so a county's 10 代报 cost a slice or two of a province's 500.
 */
async function readFirstOf(redis: RedisClient, key: string, n: number, among: (code: string) => boolean): Promise<string[]> {
  const found: string[] = [];
  let from = 0;
  for (let slice = FIRST_SLICE; found.length < n; slice *= 2) {
    const codes = await redis.zrange(key, String(from), String(from + slice - 1));
    for (const code of codes) if (among(code) && found.length < n) found.push(code);
    if (codes.length < slice) break;
    from += slice;
  }
  return found;
}

/** A node's read (NodeRead): its schools' codes, and the bytes between its lowest and highest numbers. */
export function nodeRead(among: (code: string) => boolean, numbers: Int32Array): NodeRead {
  return { among, bytes: bytesHolding(numbers) };
}

/** The bytes of the reported bitmap that hold these schools' bits (their SchoolPlaces numbers; -1, none). */
export function bytesHolding(numbers: Int32Array): { from: number; to: number } {
  let low = Number.POSITIVE_INFINITY;
  let high = -1;
  for (const number of numbers) {
    if (number < 0) continue;
    low = Math.min(low, number);
    high = Math.max(high, number);
  }
  return high < 0 ? { from: 0, to: 0 } : { from: low >> 3, to: high >> 3 };
}

/** Whether bit `number` of a bitmap is set, numbered as SETBIT numbers them (most significant bit of each byte first). */
export function isBitSet(bitmap: Buffer, number: number): boolean {
  const byte = number >> 3;
  return byte < bitmap.length && (bitmap[byte]! & (0x80 >> (number & 7))) !== 0;
}

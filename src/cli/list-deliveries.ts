import type { Records } from "../main/open-records.js";
import { createDeliveryLog, isUndelivered, type DeliveryEntry, type DeliveryOutcome, type DeliveryWay } from "../push/delivery-log.js";
import { describeFailureReason, KIND_NAMES } from "../push/push-warnings.js";
import { toLocalDate, toLocalTime } from "../time/local-time.js";

/** What `pingan deliveries` prints, in its one place. */
export const deliveriesText = {
  none: "没有符合条件的推送记录。",
  header: (count: number) => `共 ${count} 条推送记录（只记正文的摘要，不记正文）：`,
  outcome: {
    queued: "排队中",
    retrying: "重试中",
    sent: "已送达",
    settled: "无需再发",
    failed: "未送达",
    cleared: "已清除",
  } satisfies Record<DeliveryOutcome, string>,
  way: {
    webhook: "群机器人",
    bot: "智能机器人长连接",
    "bot→webhook": "长连接被拒，改由群机器人",
  } satisfies Record<DeliveryWay, string>,
  mayHaveArrived: (digests: readonly string[]) => `可能重复送达：另有 ${digests.length} 份可能已到群（摘要 ${digests.join("、")}）`,
  badSince: (value: string) => `--since ${value} 无效，写成数字加单位：30m（分钟）、2h（小时）或 3d（天），例如 --since 2h`,
  unknownGroup: (value: string, ids: readonly string[]) => `没有群 ${value}。可写群的 id 或名称：${ids.join("、")}`,
  cleared: (id: string) => `已清除 ${id}：不再补发，也不再提示。`,
  notClearable: (id: string) => `没有可清除的未送达推送 ${id}（已送达、已清除或编号不对）。编号见 pingan deliveries --failed 每行末尾。`,
};

/** What the command was asked. */
export interface DeliveriesOptions {
  failed?: boolean;
  since?: string;
  group?: string;
  clear?: string;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `2h` → ms; undefined when it is not a count and a unit (m, h, d). */
export function parseSince(value: string): number | undefined {
  const match = /^(\d{1,4})([mhd])$/.exec(value.trim());
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

/** One entry as an admin reads it: times local, the group by name, what became of it, and its id last. */
export function formatDeliveryLine(entry: DeliveryEntry, groupName: string, timeZone: string): string {
  const at = (iso: string) => {
    const date = new Date(iso);
    return `${toLocalDate(date, timeZone)} ${toLocalTime(date, timeZone)}`;
  };
  const kind = KIND_NAMES[entry.kind] ?? "推送";
  const part = entry.part === "1/1" ? "" : `第 ${entry.part.replace("/", "/共 ")} 段`;
  const facts = [
    `${at(entry.enqueuedAt)} ${groupName} ${kind}${part}：${deliveriesText.outcome[entry.outcome]}`,
    entry.way ? `经${deliveriesText.way[entry.way]}` : undefined,
    `试 ${entry.attempts} 次`,
    entry.latencyMs !== undefined ? `用时 ${formatSeconds(entry.latencyMs)}` : undefined,
    entry.merged !== undefined && entry.merged > 1 ? `与另 ${entry.merged - 1} 条合并发出` : undefined,
    isUndelivered(entry) && (entry.errcode !== undefined || entry.reason !== undefined) ? describeFailureReason(entry) : undefined,
    entry.errcode !== undefined ? `errcode ${entry.errcode}` : undefined,
    entry.mayHaveArrived?.length ? deliveriesText.mayHaveArrived(entry.mayHaveArrived) : undefined,
    `摘要 ${entry.digest}`,
    `编号 ${entry.id}`,
  ];
  return facts.filter((fact) => fact !== undefined).join("，");
}

function formatSeconds(ms: number): string {
  return ms < 60_000 ? `${Math.round(ms / 1000)} 秒` : `${Math.round(ms / 60_000)} 分钟`;
}

/**
 * `pingan deliveries [--failed] [--since 2h] [--group …]`: the delivery log, oldest first, in
 * Chinese with groups by name; `--clear <id>` gives up on one undelivered push (it is no longer
 * sent again nor warned about). Returns the exit code.
 */
export async function listDeliveries(records: Records, options: DeliveriesOptions, out: (line: string) => void): Promise<number> {
  const { config, redis, keys, clock } = records;
  const log = createDeliveryLog({ redis, keys, clock, retentionDays: config.limits.history_days });
  if (options.clear !== undefined) {
    const cleared = await log.clear(options.clear);
    out(cleared ? deliveriesText.cleared(options.clear) : deliveriesText.notClearable(options.clear));
    return cleared ? 0 : 1;
  }
  const sinceMs = options.since === undefined ? undefined : parseSince(options.since);
  if (options.since !== undefined && sinceMs === undefined) throw new Error(deliveriesText.badSince(options.since));
  const group = options.group === undefined ? undefined : groupIdOf(config.groups, options.group);
  const entries = await log.list({
    ...(sinceMs !== undefined && { since: new Date(clock.now().getTime() - sinceMs) }),
    ...(group !== undefined && { group }),
    ...(options.failed && { failed: true }),
  });
  if (entries.length === 0) {
    out(deliveriesText.none);
    return 0;
  }
  out(deliveriesText.header(entries.length));
  for (const entry of entries) out(formatDeliveryLine(entry, config.groups[entry.group]?.name ?? entry.group, config.timezone));
  return 0;
}

/** A group named by its id or its name. */
function groupIdOf(groups: Records["config"]["groups"], value: string): string {
  if (Object.hasOwn(groups, value)) return value;
  const byName = Object.entries(groups).find(([, group]) => group.name === value);
  if (byName) return byName[0];
  throw new Error(deliveriesText.unknownGroup(value, Object.entries(groups).map(([id, group]) => `${id}（${group.name}）`)));
}

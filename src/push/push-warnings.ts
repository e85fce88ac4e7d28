import type { RedisClient } from "../store/connect-redis.js";
import type { Keys } from "../store/keys.js";
import { readLateAlerts, readPushStatus, type AlertsWaiting, type DeliveryEntry, type GroupFailure, type GroupPushStatus } from "./delivery-log.js";

/** Pushes by kind (the idempotency key's first word), as admins and leaders read them. */
export const KIND_NAMES: Record<string, string> = {
  alert: "异常提醒",
  remind: "催报提醒",
  tally: "统计",
  weekly: "周汇总",
  "late-note": "补报通知",
  incident: "事件通报",
  card: "收到卡片",
};

/** Why pushes to a group fail, in words an admin can act on. */
export function describeFailureReason(failure: Pick<GroupFailure, "errcode" | "reason">): string {
  if (failure.errcode === 93000) return "群机器人 key 无效（机器人可能被移出群或重新生成了 key）";
  if (failure.errcode === 45009) return "推送超过企业微信每分钟 20 条的限制，重试用尽";
  if (failure.errcode !== undefined) return `企业微信拒绝了推送（errcode ${failure.errcode}）`;
  if (failure.reason === "unknown group") return "配置里没有这个群";
  return "连不上企业微信（网络不通或超时），重试用尽";
}

/** `⚠️ 局领导群推送失败：群机器人 key 无效…，1 条异常提醒未送达`: one line for leaders, admins and /healthz. */
export function formatPushFailure(groupName: string, failure: GroupFailure): string {
  const lost = Object.entries(failure.lost)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} 条${KIND_NAMES[kind] ?? "推送"}`)
    .join("、");
  return `⚠️ ${groupName}推送失败：${describeFailureReason(failure)}${lost ? `，${lost}未送达` : ""}。请信息中心检查群机器人设置。`;
}

/** Why alerts are not taken yet, in words an admin can act on. */
function describeWaitReason(waiting: Pick<AlertsWaiting, "errcode">): string {
  if (waiting.errcode === 45009) return "超过企业微信每分钟 20 条的限制";
  if (waiting.errcode !== undefined) return `企业微信暂时不接收（errcode ${waiting.errcode}）`;
  return "连不上企业微信（网络不通或超时）";
}

/** `⚠️ 局领导群有 1 条异常提醒还没送达：连不上企业微信…，正在重试（已试 3 次）…`: for leaders, admins and /healthz. */
export function formatAlertsWaiting(groupName: string, waiting: AlertsWaiting): string {
  return (
    `⚠️ ${groupName}有 ${waiting.alerts} 条异常提醒还没送达：${describeWaitReason(waiting)}，正在重试（已试 ${waiting.tries} 次），送达后本提示消失。` +
    "请信息中心检查网络和群机器人设置。"
  );
}

/**
 * `⚠️ 局领导群有 2 条异常提醒超过 1 分钟还没送达（最久的已等 12 分钟，群机器人 key 无效…）…`: alerts
 * not delivered a minute after their report, for /healthz and the leaders' replies, until they
 * are delivered or an admin clears them (pingan deliveries).
 */
export function formatLateAlerts(groupName: string, late: readonly DeliveryEntry[], now: Date): string {
  const oldest = Math.min(...late.map((entry) => Date.parse(entry.causedAt)));
  const minutes = Math.max(1, Math.floor((now.getTime() - oldest) / 60_000));
  const failed = late.find((entry) => entry.outcome === "failed" || entry.errcode !== undefined || entry.reason !== undefined);
  const why = failed ? `，${describeFailureReason(failed)}` : "";
  return (
    `⚠️ ${groupName}有 ${late.length} 条${KIND_NAMES[late[0]!.kind] ?? "推送"}超过 1 分钟还没送达（最久的已等 ${minutes} 分钟${why}）。` +
    "群能收到时会补发；运行 pingan deliveries --failed 查看，送达或清除后本提示消失。"
  );
}

/**
 * One line per group whose alerts are late, whose pushes are failing or whose alerts wait, by
 * group name: for /healthz and the leaders' replies. Late alerts say it all for their group.
 */
export function listPushWarnings(
  status: Readonly<Record<string, GroupPushStatus>>,
  groupNames: Readonly<Record<string, string>>,
  late?: { alerts: readonly DeliveryEntry[]; now: Date },
): string[] {
  return Object.entries(groupNames).flatMap(([id, name]) => {
    const lateHere = late?.alerts.filter((entry) => entry.group === id) ?? [];
    if (late && lateHere.length > 0) return [formatLateAlerts(name, lateHere, late.now)];
    const { failing, waiting } = status[id] ?? {};
    return [...(waiting ? [formatAlertsWaiting(name, waiting)] : []), ...(failing ? [formatPushFailure(name, failing)] : [])];
  });
}

/** listPushWarnings, read from Redis as of `now`. */
export async function readPushWarnings(redis: RedisClient, keys: Keys, groupNames: Readonly<Record<string, string>>, now: Date): Promise<string[]> {
  const [status, late] = await Promise.all([readPushStatus(redis, keys), readLateAlerts(redis, keys, now)]);
  return listPushWarnings(status, groupNames, { alerts: late, now });
}

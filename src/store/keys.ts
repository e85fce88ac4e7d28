import { createHash } from "node:crypto";
import { DEFAULT_BOT } from "../config/list-bots.js";
import type { TaskId } from "../config/schema.js";

/**
 * Every Redis key of the product. Keys that are touched together carry the same hash tag
 * (`{…}`) so that a Lua script or MULTI over them stays in one Redis Cluster slot.
 */
export function createKeys(prefix = "pa", bot = DEFAULT_BOT) {
  const ns = (tag: string, rest: string) => `${prefix}:{${tag}}:${rest}`;
  return {
    /**
     * Hash school code → the school's audit log ids in this task and period, oldest first (a
     * withdrawal's marked `-`; the last unmarked one is the report in force); after the
     * retention, the final report itself (JSON). See report-scripts.ts.
     */
    periodState: (task: TaskId, period: string) => ns(`${task}:${period}`, "state"),
    /** Stream: the audit log of one task and period (report, replace, withdraw events: who, when, raw text, parsed value, msgid). */
    periodLog: (task: TaskId, period: string) => ns(`${task}:${period}`, "log"),
    /** Set of msgids recorded in this task and period lately (a repeat records nothing); kept as long as replies. */
    periodMsgids: (task: TaskId, period: string) => ns(`${task}:${period}`, "msgids"),
    /**
     * Hash school code → the school's latest abnormal safety report (JSON) in one task and
     * period, kept beside the audit log so that 汇总 finds corrected reports without reading it.
     */
    periodAbnormal: (task: TaskId, period: string) => ns(`${task}:${period}`, "abnormal"),
    /**
     * Hash `<counter>:<area>` → number: the period's counts by area (reported, late, 代报,
     * abnormal, and the figures summed), kept by the record script as reports come, so that
     * 汇总 reads one small hash instead of every report (report.ts countReport decides what counts).
     */
    periodCounts: (task: TaskId, period: string) => ns(`${task}:${period}`, "counts"),
    /** Bitmap by school number (school-numbers.ts): the schools with a report in force. */
    periodReported: (task: TaskId, period: string) => ns(`${task}:${period}`, "reported"),
    /**
     * The roster version (SchoolPlaces.version) the period's counts are kept under, or `stale`
     * once a process under another roster recorded a report there (it counted nothing): the
     * workers then recount the period (ops/recount-after-roster-change.ts).
     */
    periodCountedUnder: (task: TaskId, period: string) => ns(`${task}:${period}`, "counted-under"),
    /** Hash school code → the abnormal report in force (JSON), which 汇总 shows in full. */
    periodListed: (task: TaskId, period: string) => ns(`${task}:${period}`, "listed"),
    /** Sorted set school code → when its report in force, entered by a leader (代报), was made (ms): 汇总 names the first few. */
    periodOnBehalf: (task: TaskId, period: string) => ns(`${task}:${period}`, "on-behalf"),
    /** Sorted set school code → when its abnormal report in force was made (ms): 汇总 shows the first in full. */
    periodAbnormalAt: (task: TaskId, period: string) => ns(`${task}:${period}`, "abnormal-at"),
    /** Sorted set school code → when its report in force, a 平安 with a remark, was made (ms): 汇总 shows the first. */
    periodRemarked: (task: TaskId, period: string) => ns(`${task}:${period}`, "remarked"),
    /** Set of the schools whose report in force is 无异常 after an abnormal one this period (corrected). */
    periodResolved: (task: TaskId, period: string) => ns(`${task}:${period}`, "resolved"),
    /** Hash school code → its number, a bit index that never changes (assigned once, at start). */
    schoolNumbers: () => ns("schools", "numbers"),
    /** The first day the service ran (roster-days.ts): nothing is owed before it. */
    liveSince: () => ns("schools", "live-since"),
    /** Hash school code → the day it first appeared on the roster, for the schools that came after the first day. */
    schoolsJoined: () => ns("schools", "joined"),
    /** The roster (codes and areas) the counts were last recounted under (ops/recount-after-roster-change.ts). */
    rosterFingerprint: () => ns("schools", "counted-under"),
    /** Held by the one process recounting the counts after a roster change. */
    rosterRecountLock: () => ns("schools", "recount-lock"),
    /** The reply sent for a callback msgid, so a repeated callback gets the same answer. */
    callbackReply: (msgid: string) => ns(`msg:${msgid}`, "reply"),
    /**
     * Stream: what a recorded report still owes the world (its alerts), written
     * by the same script as the report and relayed by whoever gets there first.
     */
    periodOutbox: (task: TaskId, period: string) => ns(`${task}:${period}`, "outbox"),
    /** Hash msgid → the reply given to it, written with the report (the same reply on a retry). */
    periodReplies: (task: TaskId, period: string) => ns(`${task}:${period}`, "replies"),
    /**
     * Hash school code → exemption (JSON) for one task and period (免报). Every exemption key
     * of a task shares the task's tag, so a date range is written in one step.
     */
    exemptions: (task: TaskId, period: string) => ns(`exempt:${task}`, `period:${period}`),
    /** Stream: the audit log of a task's exemptions (exempt, revoke events). */
    exemptionLog: (task: TaskId) => ns(`exempt:${task}`, "log"),
    /** Set of the messages (each with its school) already applied to a task's exemptions: idempotent per message and school. */
    exemptionMsgids: (task: TaskId) => ns(`exempt:${task}`, "msgids"),
    /** List: the school's recent exemption events, newest first (for 历史). */
    schoolExemptions: (code: string) => ns(`school:${code}`, "exemptions"),
    /** Sorted set: send times in the last minute for one webhook (sliding-window limit). */
    pushWindow: (webhookKey: string) => ns(`push:${digest(webhookKey)}`, "window"),
    /** Marker that a logical push (idempotency key) was delivered. */
    pushDone: (idempotencyKey: string) => ns(`pushed:${idempotencyKey}`, "done"),
    /** State of one part of a logical push: a sending lease, `sent` or `failed:…`. */
    pushPart: (idempotencyKey: string, part: number) => ns(`pushed:${idempotencyKey}`, `part:${part}`),
    /** Hash: the last push result per group, for /healthz. */
    pushStatus: () => ns("push", "status"),
    /**
     * Stream: a group's alerts in the order of their events, delivered one message at a time
     * (or merged when they queue up); with the set of those already added, the id of the last
     * delivered one, and the lease of whoever is delivering. One hash tag per group.
     */
    mailbox: (group: string) => ns(`mail:${group}`, "alerts"),
    mailboxSeen: (group: string) => ns(`mail:${group}`, "seen"),
    mailboxCursor: (group: string) => ns(`mail:${group}`, "cursor"),
    mailboxLease: (group: string) => ns(`mail:${group}`, "lease"),
    /** Set of the msgids whose report a merged message already showed (their own alerts are then news of the past). */
    mailboxShown: (group: string) => ns(`mail:${group}`, "shown"),
    /**
     * The delivery log (see delivery-log.ts): hash entry id → entry JSON, with its index by
     * enqueueing time (trimmed after the retention), the alerts not yet delivered (by the time
     * of their report), and the alerts that failed for good, whole, to be sent again.
     */
    deliveries: () => ns("deliveries", "log"),
    deliveriesByTime: () => ns("deliveries", "by-time"),
    deliveriesOpen: () => ns("deliveries", "open"),
    deliveriesOwed: () => ns("deliveries", "owed"),
    /**
     * Incidents (incidents.ts), all under one hash tag so that each script touches one slot:
     * the deployment's counter of incident numbers; hash `<task>:<period>:<school>` → the number
     * of that report's latest incident; the open ones (sorted by when they opened); each
     * school's (sorted likewise, for 历史); the prefix of one incident's hash (`<prefix><n>`)
     * and its steps (`<prefix><n>:steps`, a list of JSON, oldest first); hash msgid → the
     * incident a message's step went to (a repeated message steps once).
     */
    incidentSeq: () => ns("incidents", "seq"),
    incidentByReport: () => ns("incidents", "by-report"),
    incidentsOpen: () => ns("incidents", "open"),
    incidentsOfSchool: (code: string) => ns("incidents", `school:${code}`),
    incidentPrefix: () => ns("incidents", "n:"),
    incidentMsgids: () => ns("incidents", "msgids"),
    /** A short-lived key /healthz writes to find out whether Redis accepts writes. */
    healthProbe: () => ns("health", "probe"),
    /** JSON: whether the workers can draw the week chart (font found, last drawing), for /healthz. */
    chartStatus: () => ns("health", "chart"),
    /** Set of school codes whose report after the period's tally went into a 补报 note. */
    lateNoted: (task: TaskId, period: string) => ns(`${task}:${period}`, "late-noted"),
    /** Marker that a scheduled job (task, period, slot) has run. */
    jobDone: (jobKey: string) => ns(`job:${jobKey}`, "done"),
    /**
     * The last reminder of a task's period to one group (JSON: when, how many schools, its push),
     * so that a repeat within the cooldown sends nothing. Expires with the cooldown
     * (`limits.remind_cooldown_minutes`).
     */
    remindCooldown: (task: TaskId, period: string, group: string) => ns(`remind:${task}:${period}`, `last:${group}`),
    ...connectionKeys(ns, bot),
    /** Sorted set process → until when it counts as alive (ms, Redis time): the processes the bots' leases are spread over. */
    connectionProcesses: () => ns("lc-spread", "processes"),
    /** BullMQ prefix; BullMQ adds the queue name, which carries its own hash tag. */
    bullPrefix: () => prefix,
  };
}

export type Keys = ReturnType<typeof createKeys>;

/** The same keys, with the long connection's of bot `bot` (each bot its own lease, outbox and status). */
export function keysForBot(keys: Keys, bot: string): Keys {
  return createKeys(keys.bullPrefix(), bot);
}

/**
 * The long connection (one per bot, held by one process): the lease (`<fence>|<owner>`,
 * expiring unless renewed), the fencing counter, the holder's status hash for /healthz,
 * the list of frames other processes hand the holder, the frames each holder (by fence) has
 * taken and not finished, the sorted set of those fences, owed replies waiting to be tried
 * again, each request's answer, and the hash chatid → the chat's last speaker (`pingan
 * chats`). One hash tag per bot.
 */
function connectionKeys(ns: (tag: string, rest: string) => string, bot: string) {
  const tag = bot === DEFAULT_BOT ? "lc" : `lc:${bot}`;
  return {
    connectionLease: () => ns(tag, "lease"),
    connectionFence: () => ns(tag, "fence"),
    connectionStatus: () => ns(tag, "status"),
    connectionOutbox: () => ns(tag, "outbox"),
    connectionTaken: (fence: number | string) => ns(tag, `taken:${fence}`),
    connectionTakers: () => ns(tag, "takers"),
    connectionRetries: () => ns(tag, "retries"),
    connectionAnswer: (id: string) => ns(tag, `answer:${id}`),
    connectionChats: () => ns(tag, "chats"),
  };
}

/** Webhook keys are secrets: never put them into a Redis key or a log in the clear. */
function digest(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 16);
}

/** Days each kind of record is kept. */
export const TTL = {
  callbackReplySeconds: 3 * 24 * 3600,
  /** Live period keys: the longest retention (limits.history_days ≤ 400) and 30 days for the nightly job to reduce them. */
  periodSeconds: 430 * 24 * 3600,
  pushDoneSeconds: 8 * 24 * 3600,
  jobDoneSeconds: 8 * 24 * 3600,
} as const;

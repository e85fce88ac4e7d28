import type { Cluster, Redis } from "ioredis";
import type { TaskId } from "../config/schema.js";
import { readJsonHash, readJsonList } from "./json-values.js";
import { TTL, type Keys } from "./keys.js";
import { loadScript } from "./scripts.js";

/** A school that owes no report for one task and period (免报). */
export interface Exemption {
  school: string;
  task: TaskId;
  /** Period id, `2026-11-24` or `2026-W48`. */
  period: string;
  /** The dates the leader gave, inclusive (`YYYY-MM-DD`). */
  start: string;
  end: string;
  reason?: string;
  /** WeCom userid of the leader or admin who granted it. */
  by: string;
  /** ISO instant it was granted. */
  at: string;
  msgid: string;
}

/** One immutable entry of the exemption audit log. */
export interface ExemptionEvent {
  type: "exempt" | "revoke";
  school: string;
  task: TaskId;
  /** The dates as given, inclusive. */
  start: string;
  end: string;
  /** The periods the dates cover. */
  periods: string[];
  /** Of those, the ones that changed: newly exempted, or revoked. */
  changed: string[];
  reason?: string;
  by: string;
  at: string;
  msgid: string;
  /** The message as typed. */
  raw: string;
}

/** What one 免报 or 免报 撤销 message asks for. */
export interface ExemptionRequest {
  school: string;
  task: TaskId;
  start: string;
  end: string;
  /** Period ids covered by start…end; at least one. */
  periods: readonly string[];
  reason?: string;
  by: string;
  at: string;
  msgid: string;
  raw: string;
}

export interface ExemptionStore {
  /** Exempts the school for each period; an existing exemption takes the new reason, or stays as it is when none is given. */
  exempt(request: ExemptionRequest): Promise<{ outcome: "exempt" | "duplicate"; added: string[]; renewed: string[] }>;
  /** Lifts the school's exemptions for the periods; `removed` lists those that existed. */
  revoke(request: Omit<ExemptionRequest, "reason">): Promise<{ outcome: "revoke" | "duplicate"; removed: string[] }>;
  /** The exemptions of one task and period, by school code. */
  list(task: TaskId, period: string): Promise<Map<string, Exemption>>;
  /** A school's latest exemption events, newest first. */
  history(school: string, limit?: number): Promise<ExemptionEvent[]>;
  /** Keeps a period's exemptions for good (a period reduced past the retention keeps its standing). */
  keep(task: TaskId, period: string): Promise<void>;
}

/**
 * Applies one message to one school's exemptions of a task, idempotent per message and school, with its audit event.
 * Returns the 1-based indexes of the periods whose field was new ('set') or existed ('del').
 */
const applyScript = loadScript("exemptions-apply", {
  keys: (k: { log: string; msgids: string; periods: readonly string[] }) => [k.log, k.msgids, ...k.periods],
  args: (a: { msgid: string; op: "set" | "add" | "del"; ttl: number; school: string; event: string; exemptions: readonly string[] }) => [a.msgid, a.op, a.ttl, a.school, a.event, ...a.exemptions],
});

const HISTORY_LENGTH = 200;

export function createExemptionStore({ redis, keys }: { redis: Redis | Cluster; keys: Keys }): ExemptionStore {
  const apply = async (type: ExemptionEvent["type"], request: ExemptionRequest) => {
    const { task, school, periods } = request;
    if (periods.length === 0) throw new Error("an exemption needs at least one period");
    const base: Omit<ExemptionEvent, "changed"> = {
      type,
      school,
      task,
      start: request.start,
      end: request.end,
      periods: [...periods],
      ...(type === "exempt" && request.reason && { reason: request.reason }),
      by: request.by,
      at: request.at,
      msgid: request.msgid,
      raw: request.raw,
    };
    const values =
      type === "exempt"
        ? periods.map((period) => {
            const exemption: Exemption = {
              school,
              task,
              period,
              start: request.start,
              end: request.end,
              ...(request.reason && { reason: request.reason }),
              by: request.by,
              at: request.at,
              msgid: request.msgid,
            };
            return JSON.stringify(exemption);
          })
        : [];
    const [outcome, list] = (await applyScript(
      redis,
      { log: keys.exemptionLog(task), msgids: keys.exemptionMsgids(task), periods: periods.map((period) => keys.exemptions(task, period)) },
      // Once per message and school: a 片区's 免报 is one message applied to each of its schools.
      { msgid: `${request.msgid}\t${school}`, op: type === "revoke" ? "del" : request.reason ? "set" : "add", ttl: TTL.periodSeconds, school, event: JSON.stringify(base), exemptions: values },
    )) as [string, string];
    if (outcome === "duplicate") return undefined;
    const changed = list === "" ? [] : list.split(",").map((i) => periods[Number(i) - 1]!);
    const event: ExemptionEvent = { ...base, changed };
    const historyKey = keys.schoolExemptions(school);
    await redis.multi().lpush(historyKey, JSON.stringify(event)).ltrim(historyKey, 0, HISTORY_LENGTH - 1).exec();
    return changed;
  };

  return {
    async exempt(request) {
      const changed = await apply("exempt", request);
      if (!changed) return { outcome: "duplicate", added: [], renewed: [] };
      return {
        outcome: "exempt",
        added: changed,
        renewed: request.periods.filter((p) => !changed.includes(p)),
      };
    },

    async revoke(request) {
      const changed = await apply("revoke", request);
      return changed ? { outcome: "revoke", removed: changed } : { outcome: "duplicate", removed: [] };
    },

    list: (task, period) => readJsonHash<Exemption>(redis, keys.exemptions(task, period)),

    history: (school, limit = 30) => readJsonList<ExemptionEvent>(redis, keys.schoolExemptions(school), limit),

    async keep(task, period) {
      await redis.persist(keys.exemptions(task, period));
    },
  };
}

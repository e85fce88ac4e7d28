import Router from "koa-router";
import type { Cluster, Redis } from "ioredis";
import { readPushStatus } from "../push/push-status.js";
import type { Keys } from "../store/keys.js";
import type { QueueDepthSource } from "./metrics.js";

export interface HealthOptions {
  redis: Redis | Cluster;
  keys: Keys;
  queues: readonly QueueDepthSource[];
  /** Group id → display name, so the page names groups, never their webhook keys. */
  groupNames: Record<string, string>;
}

/** `GET /healthz`: 200 when Redis answers, 503 otherwise; queue depths and the last push per group. */
export function createHealthRouter({ redis, keys, queues, groupNames }: HealthOptions): Router {
  const router = new Router();
  router.get("/healthz", async (ctx) => {
    const started = Date.now();
    try {
      await redis.ping();
    } catch (error) {
      ctx.status = 503;
      ctx.body = { status: "down", redis: { ok: false, error: (error as Error).message } };
      return;
    }
    const redisMs = Date.now() - started;
    const queueCounts: Record<string, Record<string, number>> = {};
    for (const queue of queues) {
      queueCounts[queue.name] = await queue.getJobCounts("waiting", "delayed", "active", "failed");
    }
    const pushes = await readPushStatus(redis, keys);
    ctx.body = {
      status: "ok",
      redis: { ok: true, ms: redisMs },
      queues: queueCounts,
      pushes: Object.fromEntries(
        Object.entries(groupNames).map(([id, name]) => [id, { name, ...(pushes[id] ?? { sent: 0, retried: 0, failed: 0 }) }]),
      ),
    };
  });
  return router;
}

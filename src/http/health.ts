import Router from "koa-router";
import type { Cluster, Redis } from "ioredis";

/** `GET /healthz`: 200 when Redis answers, 503 otherwise. */
export function createHealthRouter({ redis }: { redis: Redis | Cluster }): Router {
  const router = new Router();
  router.get("/healthz", async (ctx) => {
    const started = Date.now();
    try {
      await redis.ping();
      ctx.body = { status: "ok", redis: { ok: true, ms: Date.now() - started } };
    } catch (error) {
      ctx.status = 503;
      ctx.body = { status: "down", redis: { ok: false, error: (error as Error).message } };
    }
  });
  return router;
}

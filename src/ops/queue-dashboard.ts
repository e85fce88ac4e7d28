import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { KoaAdapter } from "@bull-board/koa";
import type { Queue } from "bullmq";
import compose from "koa-compose";
import type { Middleware } from "koa";
import { requireAdminToken } from "./admin-auth.js";

export const DASHBOARD_PATH = "/admin/queues";

/** BullMQ's dashboard at /admin/queues, behind the admin token. */
export function createQueueDashboard({ queues, adminToken }: { queues: readonly Queue[]; adminToken?: string }): Middleware {
  const adapter = new KoaAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  const board = adapter.registerPlugin() as Middleware;
  const guard = requireAdminToken(adminToken);
  const guarded = compose([guard, board]);
  return async function queueDashboard(ctx, next) {
    if (ctx.path === DASHBOARD_PATH || ctx.path.startsWith(`${DASHBOARD_PATH}/`)) return guarded(ctx, next);
    return next();
  };
}

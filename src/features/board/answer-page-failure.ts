import type { Middleware } from "koa";
import type { Logger } from "pino";
import { PAGE_HEADERS, PAGE_REFRESH_SECONDS, renderUnavailable } from "./board-page.js";

/**
 * When a leader's page may be asked for again (Retry-After, and the page reloading itself): the
 * board's own refresh interval, so an open board and a page opened during the failure come back together.
 */
export const RETRY_AFTER_SECONDS = PAGE_REFRESH_SECONDS;

/**
 * Guards the pages a leader opens from a link (`paths`): any failure to answer one (Redis timing
 * out on the web process's fail-fast connection, Redis down, an unexpected error) gets 503 with
 * Retry-After and a short Chinese page saying to try again, never a bare 500; nothing of the
 * request (its query carries the signature) or of the error reaches the page, only the log.
 */
export function answerPageFailures({ paths, log }: { paths: readonly string[]; log: Logger }): Middleware {
  const pages = new Set(paths);
  return async function answerPageFailure(ctx, next) {
    if (!pages.has(ctx.path)) return next();
    try {
      await next();
    } catch (error) {
      log.error({ err: error, path: ctx.path }, "page failed; answered 503");
      // Whatever the route had set (a download's name, its length) belongs to the answer it did not give.
      for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
      ctx.set(PAGE_HEADERS);
      ctx.set("Retry-After", String(RETRY_AFTER_SECONDS));
      ctx.status = 503;
      ctx.type = "text/html; charset=utf-8";
      ctx.body = renderUnavailable(RETRY_AFTER_SECONDS);
    }
  };
}

import type { Context } from "koa";
import Router from "koa-router";
import { gzipSync } from "node:zlib";
import type { Logger } from "pino";
import type { Config } from "../../config/schema.js";
import type { LinkRefusal } from "../ledger/export-links.js";
import type { Clock } from "../../clock/clock.js";
import type { TaskCalendar } from "../../time/task-calendar.js";
import type { TallySources } from "../../tally/load-tally.js";
import { BOARD_PATH, createBoardLinks } from "./board-links.js";
import { PAGE_HEADERS, PAGE_REFRESH_SECONDS, renderRefusal } from "./board-page.js";
import { boardText } from "./board-text.js";
import { indexBoardRoster, loadBoard, type Board, type BoardView } from "./load-board.js";
import { shareBuilds } from "./share-builds.js";
import { nodeKey } from "../../config/roster-tree.js";
import type { School } from "../../config/roster.js";
import { indexRoster } from "../../tally/task-tally.js";
import { renderBoard } from "./render-board.js";
import { rosterOfPerson } from "../../config/scope.js";
import type { IncidentStore } from "../../store/incidents.js";
import { listOpenIncidents } from "../incidents/list-incident-steps.js";

export interface BoardRouteOptions extends TallySources {
  config: Config;
  calendar: TaskCalendar;
  clock: Clock;
  log: Logger;
  /** The incidents, whose open ones the board lists. */
  incidents?: Pick<IncidentStore, "listOpen">;
  /** Rosters up to this many schools list every school on the county page (loadBoard's default otherwise). */
  listAllUpTo?: number;
  /** How long a board read is shown again for the same view in the same minute (default {@link BOARD_REUSE_MS}). */
  reuseBoardForMs?: number;
}

/**
 * How long a board read is shown again to whoever asks for the same view in the same minute of
 * the service's clock: the page says when it was read to the minute and refreshes every minute,
 * and four leaders refreshing a province's board then cost one read, not four.
 */
export const BOARD_REUSE_MS = 10_000;

/**
 * Whether a board read may still be shown while the view's next read runs: until its minute (the
 * one the page says it was read in) is over by the page's refresh interval, so that a page
 * refreshing each minute, alone on its view, is answered at once too; never before it was read (a
 * clock set back). Past that (the reads failing, or no one asked for a while) whoever asks waits
 * for the next read, or gets the 503 page if it fails.
 */
function isShowable(board: Pick<Board, "now">, now: Date): boolean {
  const minute = Math.floor(board.now.getTime() / 60_000) * 60_000;
  return board.now <= now && now.getTime() < minute + 60_000 + PAGE_REFRESH_SECONDS * 1000;
}

const REFUSALS: Record<LinkRefusal, string> = {
  expired: boardText.linkExpired,
  bad_signature: boardText.linkBadSignature,
  malformed: boardText.linkMalformed,
};

/**
 * `GET /board?by=…&exp=…&sig=…`: the status board for a signed link (see createBoardLinks),
 * read from Redis (the page re-fetches itself every minute; a read serves every request for its
 * view for a few seconds of the same minute, BOARD_REUSE_MS, then while the next one runs, within
 * isShowable); 403 with a short Chinese page when the link is expired, altered or incomplete.
 */
export function createBoardRouter(options: BoardRouteOptions): Router {
  const { config, clock, log } = options;
  const links = createBoardLinks(config, clock);
  // At start, not at the first page (its reads would wait out their timeout behind it): each reader's part of the roster.
  for (const person of [...config.leaders, ...config.admins]) indexBoardRoster(rosterOfPerson(options.roster, config, person.userid));
  const reuseForMs = options.reuseBoardForMs ?? BOARD_REUSE_MS;
  const builds = shareBuilds<Board>({
    reuseForMs,
    showable: (board) => isShowable(board, clock.now()),
    onFailure: (error) => log.warn({ err: error }, "board read failed; the last one is shown while it may be"),
  });
  const rendered = new WeakMap<Board, Map<string, { html: string; gzipped?: Buffer }>>();
  const router = new Router();
  router.get(BOARD_PATH, async function serveBoard(ctx: Context) {
    ctx.set(PAGE_HEADERS);
    ctx.type = "text/html; charset=utf-8";
    // The view (an area, its page) rides beside the signed link, never part of what it signs: not a permission.
    const { area, page, ...signed } = ctx.query;
    const verdict = links.verify(signed);
    if (!verdict.ok) {
      log.warn({ path: ctx.path, reason: verdict.reason }, "board link refused");
      ctx.status = 403;
      ctx.body = renderRefusal(REFUSALS[verdict.reason]);
      return;
    }
    // The board of the node of whoever asked for the link, nothing outside it.
    const roster = rosterOfPerson(options.roster, config, verdict.requestedBy);
    const view = readView(area, page, roster.schools);
    if (!view) {
      ctx.status = 404;
      ctx.body = renderRefusal(boardText.unknownArea);
      return;
    }
    // Leaders of one node refreshing the same view cost one read a few seconds: on a busy service
    // each read waits behind the check-ins and takes their CPU, so none waits for it while the
    // last may still be shown. The open incidents are read at every request, so a page never
    // shows a board while Redis does not answer; asked first, so that the answer this request
    // waits for is not queued behind the reads of a board it does not wait for.
    const now = clock.now();
    const incidents = options.incidents && listOpenIncidents(options.incidents, roster, now, config);
    const [board, open] = await Promise.all([
      builds(`${nodeKey(roster.node)}\n${view.area ?? ""}\n${view.page}`, String(Math.floor(now.getTime() / 60_000)), () =>
        loadBoard({ ...options, roster, timeZone: config.timezone, now, view }),
      ),
      incidents,
    ]);
    const hrefOf = (to: BoardView) => {
      const query = new URLSearchParams(Object.entries(signed).flatMap(([name, value]) => (typeof value === "string" ? [[name, value]] : [])));
      if (to.area !== undefined) query.set("area", to.area);
      if (to.page > 0) query.set("page", String(to.page));
      return `${BOARD_PATH}?${query.toString()}`;
    };
    // A read is shown many times over (BOARD_REUSE_MS): each link's page of it, with the same open incidents, is rendered once.
    const shown = `${ctx.querystring}\n${JSON.stringify(open ?? null)}`;
    let pages = rendered.get(board);
    if (!pages) rendered.set(board, (pages = new Map()));
    let body = pages.get(shown);
    if (body === undefined) pages.set(shown, (body = { html: renderBoard(board, { config, expiresAt: verdict.expiresAt, hrefOf, ...(open && { openIncidents: open }) }) }));
    // A county's page is 100+ KB of HTML read on a phone: gzip takes it to a tenth, once per page shown.
    ctx.vary("Accept-Encoding");
    if (ctx.acceptsEncodings("gzip", "identity") === "gzip") {
      ctx.type = "html";
      ctx.set("Content-Encoding", "gzip");
      ctx.body = body.gzipped ??= gzipSync(body.html);
    } else {
      ctx.body = body.html;
    }
    log.debug({ by: verdict.requestedBy }, "board served");
  });
  return router;
}

/** The view a query asks for; undefined for an area the roster has not or a page that is no number. */
function readView(area: unknown, page: unknown, schools: readonly School[]): BoardView | undefined {
  if (area !== undefined && (typeof area !== "string" || !indexRoster(schools).areas.has(area))) return undefined;
  if (page !== undefined && (typeof page !== "string" || !/^\d{1,6}$/.test(page))) return undefined;
  return { ...(area !== undefined && { area }), page: page === undefined ? 0 : Number(page) };
}

import type { Context } from "koa";
import Router from "koa-router";
import type { Logger } from "pino";
import type { Clock } from "../../clock/clock.js";
import type { Config } from "../../config/schema.js";
import { createReadStream } from "node:fs";
import { planLedger, type LedgerPlan } from "./build-ledger.js";
import { createConfigExportLinks } from "./create-config-export-links.js";
import { exportPath, type ExportFormat, type LinkRefusal } from "./export-links.js";
import type { TaskId } from "../../config/schema.js";
import type { TaskCalendar } from "../../time/task-calendar.js";
import { ledgerText } from "./ledger-text.js";
import { rosterOfPerson } from "../../config/scope.js";
import type { Roster, School } from "../../config/roster.js";

/** A ledger written to a file, to be sent and then removed. */
export interface LedgerFile {
  path: string;
  bytes: number;
  remove(): Promise<void>;
}

/** Writes a ledger to a file away from the process that answers WeCom (see createLedgerExporter). */
export interface LedgerExporter {
  /** The ledger of these schools: the workbook, or one task's CSV when `task` is given. */
  write(request: { plan: LedgerPlan; schools: readonly School[]; task?: TaskId }): Promise<LedgerFile>;
}

export interface ExportRouteOptions {
  config: Config;
  roster: Roster;
  calendar: TaskCalendar;
  clock: Clock;
  log: Logger;
  exporter: LedgerExporter;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};

const REFUSALS: Record<LinkRefusal, string> = {
  expired: ledgerText.linkExpired,
  bad_signature: ledgerText.linkBadSignature,
  malformed: ledgerText.linkMalformed,
};

/**
 * `GET /export/ledger.xlsx` and `GET /export/ledger.csv?task=…`: the ledger for the range of a
 * signed link (see createExportLinks), written from Redis at download time by the exporter (in
 * a process of its own) and sent from its file; 403 with a short Chinese text when the link is
 * expired, altered or incomplete.
 */
export function createExportRouter(options: ExportRouteOptions): Router {
  const { config, clock, log } = options;
  const links = createConfigExportLinks(config, clock);
  const router = new Router();

  const refuse = (ctx: Context, reason: string, body: string) => {
    log.warn({ path: ctx.path, reason }, "export link refused");
    ctx.status = 403;
    ctx.type = "text/plain; charset=utf-8";
    ctx.body = body;
  };

  const serve = (format: ExportFormat) =>
    async function serveLedger(ctx: Context) {
      ctx.set("Cache-Control", "no-store");
      // The query carries the signature: keep it out of Referer headers.
      ctx.set("Referrer-Policy", "no-referrer");
      const verdict = links.verify(ctx.query, format);
      if (!verdict.ok) return refuse(ctx, verdict.reason, REFUSALS[verdict.reason]);
      const { from, to, task, requestedBy } = verdict.params;
      if (task && !options.calendar.tasks.includes(task)) return refuse(ctx, "unknown_task", ledgerText.linkUnknownTask);
      const plan = planLedger({ calendar: options.calendar, kinds: config, from, to, timeZone: config.timezone, now: clock.now() });
      // The ledger of the node of whoever asked for the link, nothing outside it.
      const file = await options.exporter.write({ plan, schools: rosterOfPerson(options.roster, config, requestedBy).schools, ...(task && { task }) });
      const body = createReadStream(file.path);
      body.once("close", () => void file.remove());
      const taskName = task && options.calendar.taskName(task);
      ctx.set("Content-Disposition", contentDisposition(ledgerText.fileName(from, to, format, taskName), format, from, to, task));
      ctx.type = CONTENT_TYPES[format];
      ctx.length = file.bytes;
      ctx.body = body;
      log.info({ from, to, format, task, by: requestedBy, bytes: file.bytes }, "ledger downloaded");
    };

  router.get(exportPath("xlsx"), serve("xlsx"));
  router.get(exportPath("csv"), serve("csv"));
  return router;
}

/** RFC 6266: an ASCII fallback name for old clients and the Chinese name as UTF-8. */
function contentDisposition(name: string, format: ExportFormat, from: string, to: string, task?: string): string {
  const ascii = `ledger_${task ? `${task}_` : ""}${from}_${to}.${format}`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

import type { Context } from "koa";
import Router from "koa-router";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { Config } from "../config/schema.js";
import { buildLedger } from "../ledger/build-ledger.js";
import { createConfigExportLinks } from "../ledger/create-config-export-links.js";
import { exportPath, type ExportFormat, type ExportLinkRefusal } from "../ledger/export-links.js";
import { writeLedgerCsv } from "../ledger/write-ledger-csv.js";
import { writeLedgerXlsx } from "../ledger/write-ledger-xlsx.js";
import type { Roster } from "../roster.js";
import type { ExemptionStore } from "../store/exemption-store.js";
import type { ReportStore } from "../store/report-store.js";
import type { TaskPeriods } from "../tasks/task-periods.js";
import { ledgerText } from "../text/ledger-text.js";

export interface ExportRouteOptions {
  config: Config;
  roster: Roster;
  store: ReportStore;
  exemptions: ExemptionStore;
  periods: TaskPeriods;
  clock: Clock;
  log: Logger;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};

const REFUSALS: Record<ExportLinkRefusal, string> = {
  expired: ledgerText.linkExpired,
  bad_signature: ledgerText.linkBadSignature,
  malformed: ledgerText.linkMalformed,
};

/**
 * `GET /export/ledger.xlsx` and `GET /export/ledger.csv?task=…`: the ledger for the range of a
 * signed link (see createExportLinks), built from Redis at download time; 403 with a short
 * Chinese text when the link is expired, altered or incomplete.
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
      if (task && !options.periods.tasks.includes(task)) return refuse(ctx, "unknown_task", ledgerText.linkUnknownTask);
      const ledger = await buildLedger({
        roster: options.roster,
        store: options.store,
        exemptions: options.exemptions,
        periods: options.periods,
        from,
        to,
        timeZone: config.timezone,
        now: clock.now(),
      });
      const body = task ? writeLedgerCsv(ledger, task) : await writeLedgerXlsx(ledger);
      const taskName = task && options.periods.taskName(task);
      ctx.set("Content-Disposition", contentDisposition(ledgerText.fileName(from, to, format, taskName), format, from, to, task));
      ctx.type = CONTENT_TYPES[format];
      ctx.body = body;
      log.info({ from, to, format, task, by: requestedBy, bytes: body.length }, "ledger downloaded");
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

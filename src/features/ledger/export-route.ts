import type { Context } from "koa";
import Router from "koa-router";
import type { Logger } from "pino";
import type { Clock } from "../../time/clock.js";
import type { Config } from "../../config/schema.js";
import { buildLedger } from "./build-ledger.js";
import { createConfigExportLinks } from "./create-config-export-links.js";
import { exportPath, type ExportFormat, type LinkRefusal } from "./export-links.js";
import { writeLedgerCsv } from "./write-ledger-csv.js";
import { writeLedgerXlsx } from "./write-ledger-xlsx.js";
import { listIncidentRows } from "./incident-sheet.js";
import type { IncidentStore } from "../../store/incidents.js";
import type { Roster } from "../../config/roster.js";
import type { ExemptionStore } from "../../store/exemptions.js";
import type { ReportStore } from "../../store/reports.js";
import type { TaskCalendar } from "../../time/task-calendar.js";
import { ledgerText } from "./ledger-text.js";
import { rosterOfPerson } from "../../config/scope.js";

export interface ExportRouteOptions {
  config: Config;
  roster: Roster;
  store: ReportStore;
  exemptions: ExemptionStore;
  calendar: TaskCalendar;
  clock: Clock;
  log: Logger;
  /** The incidents, for the workbook's sheet of them; without it the workbook has none. */
  incidents?: Pick<IncidentStore, "opened" | "steps">;
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
      if (task && !options.calendar.tasks.includes(task)) return refuse(ctx, "unknown_task", ledgerText.linkUnknownTask);
      // The node of whoever asked for the link, nothing outside it.
      const roster = rosterOfPerson(options.roster, config, requestedBy);
      const ledger = await buildLedger({
        // The ledger of the node of whoever asked for the link, nothing outside it.
        roster,
        people: config,
        kinds: config,
        store: options.store,
        exemptions: options.exemptions,
        calendar: options.calendar,
        from,
        to,
        timeZone: config.timezone,
        now: clock.now(),
      });
      const incidents = options.incidents && !task ? await listIncidentRows({ incidents: options.incidents, roster, people: config, from, to, timeZone: config.timezone }) : undefined;
      const body = task ? writeLedgerCsv(ledger, task) : await writeLedgerXlsx(ledger, { ...(incidents && { incidents }) });
      const taskName = task && options.calendar.taskName(task);
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

import { createHmac, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../time/clock.js";
import { TASK_IDS, type TaskId } from "../../config/schema.js";
import { checkLedgerRange } from "./check-ledger-range.js";

/** The file a link downloads: the workbook, or one task's CSV. */
export type ExportFormat = "xlsx" | "csv";

/** What a download link grants: one range, asked for by one person, until `expiresAt`. */
export interface ExportLinkParams {
  format: ExportFormat;
  from: string;
  to: string;
  /** WeCom userid of whoever asked (kept for the log of downloads). */
  requestedBy: string;
  /** The task, for CSV only. */
  task?: TaskId;
  expiresAt: Date;
}

export type ExportLinkRefusal = "expired" | "bad_signature" | "malformed";

export type VerifyResult = { ok: true; params: ExportLinkParams } | { ok: false; reason: ExportLinkRefusal };

export interface ExportLinks {
  readonly ttlMinutes: number;
  /** A signed URL for the range, valid for `ttlMinutes` from the clock's now. */
  sign(request: { from: string; to: string; requestedBy: string; format?: ExportFormat; task?: TaskId }): {
    url: string;
    expiresAt: Date;
  };
  /** Checks a link's query (as parsed by Koa or URLSearchParams) for the path's format. */
  verify(query: URLSearchParams | Record<string, string | string[] | undefined>, format?: ExportFormat): VerifyResult;
}

export interface ExportLinksOptions {
  /** The signing key (see deriveExportSecret); it never appears in a link. */
  secret: Buffer | string;
  /** `https://pingan.example.edu.cn`, or '' for a path-only link. */
  baseUrl: string;
  ttlMinutes?: number;
  clock: Clock;
}

/** The path of a download; the route serves exactly these. */
export const exportPath = (format: ExportFormat) => `/export/ledger.${format}`;

const SIG_BYTES = 32;
const SIG_RE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Signed, expiring download links for the ledger: HMAC-SHA256 over every parameter and the
 * file type, compared in constant time. A link is refused when anything in it was changed,
 * once it has expired, or when it is incomplete.
 */
export function createExportLinks({ secret, baseUrl, ttlMinutes = 60, clock }: ExportLinksOptions): ExportLinks {
  const base = baseUrl.replace(/\/+$/, "");
  const mac = (format: ExportFormat, from: string, to: string, by: string, task: string, exp: string) =>
    createHmac("sha256", secret)
      // A JSON array keeps the fields apart whatever characters they hold.
      .update(JSON.stringify(["pingan-ledger-v1", format, from, to, by, task, exp]))
      .digest();

  return {
    ttlMinutes,
    sign({ from, to, requestedBy, format = "xlsx", task }) {
      if (checkLedgerRange(from, to)) throw new RangeError(`not a ledger range: ${from}..${to}`);
      if ((format === "csv") !== (task !== undefined)) throw new Error("a CSV link names one task; an xlsx link none");
      const exp = String(Math.floor(clock.now().getTime() / 1000) + ttlMinutes * 60);
      const query = new URLSearchParams({ from, to, by: requestedBy, ...(task && { task }), exp });
      query.set("sig", mac(format, from, to, requestedBy, task ?? "", exp).toString("base64url"));
      return { url: `${base}${exportPath(format)}?${query.toString()}`, expiresAt: new Date(Number(exp) * 1000) };
    },

    verify(query, format = "xlsx") {
      const get = (name: string): string | undefined => {
        if (query instanceof URLSearchParams) return query.getAll(name).length > 1 ? undefined : (query.get(name) ?? undefined);
        const value = query[name];
        return typeof value === "string" ? value : undefined;
      };
      const [from, to, by, exp, sig] = (["from", "to", "by", "exp", "sig"] as const).map(get);
      const task = get("task");
      const malformed: VerifyResult = { ok: false, reason: "malformed" };
      if (!from || !to || !by || !exp || !sig || !/^\d{1,12}$/.test(exp) || !SIG_RE.test(sig)) return malformed;
      if (format === "csv" ? !TASK_IDS.includes(task as TaskId) : task !== undefined) return malformed;
      const given = Buffer.from(sig, "base64url");
      if (given.length !== SIG_BYTES) return malformed;
      if (!timingSafeEqual(given, mac(format, from, to, by, task ?? "", exp))) return { ok: false, reason: "bad_signature" };
      // Only links we signed get here, so the range was checked when it was signed.
      if (checkLedgerRange(from, to)) return malformed;
      const expiresAt = new Date(Number(exp) * 1000);
      if (clock.now().getTime() >= expiresAt.getTime()) return { ok: false, reason: "expired" };
      return {
        ok: true,
        params: { format, from, to, requestedBy: by, ...(task && { task: task as TaskId }), expiresAt },
      };
    },
  };
}

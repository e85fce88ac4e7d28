import { createHmac, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../clock/clock.js";
import type { TaskId } from "../../config/schema.js";
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

/** Why a link is refused: past its expiry, changed, or incomplete. */
export type LinkRefusal = "expired" | "bad_signature" | "malformed";

export type VerifyResult = { ok: true; params: ExportLinkParams } | { ok: false; reason: LinkRefusal };

/** A link's query, as parsed by Koa or URLSearchParams. */
export type LinkQuery = URLSearchParams | Record<string, string | string[] | undefined>;

/** A signed URL and the instant it stops working. */
export interface SignedLink {
  url: string;
  expiresAt: Date;
}

export type LinkVerdict = { ok: true; fields: Record<string, string>; expiresAt: Date } | { ok: false; reason: LinkRefusal };

/**
 * Signed, expiring links to the service's pages (ledger downloads, the status board): HMAC-SHA256
 * over a scope, every query parameter and the expiry, compared in constant time. A link is
 * refused when anything in it was changed or added, once it has expired, or when it is incomplete.
 */
export interface LinkSigner {
  /** `baseUrl + path ? fields & exp & sig`, valid for `ttlMinutes` from the clock's now. */
  sign(scope: string, path: string, fields: Record<string, string>, ttlMinutes: number): SignedLink;
  /** The fields of a link signed for `scope`; `required` fields missing make it malformed. */
  verify(scope: string, query: LinkQuery, required: readonly string[]): LinkVerdict;
}

export interface LinkSignerOptions {
  /** The signing key (see deriveExportSecret); it never appears in a link. */
  secret: Buffer | string;
  /** `https://pingan.example.edu.cn`, or '' for a path-only link. */
  baseUrl: string;
  clock: Clock;
}

export interface ExportLinks {
  readonly ttlMinutes: number;
  /** A signed URL for the range, valid for `ttlMinutes` from the clock's now. */
  sign(request: { from: string; to: string; requestedBy: string; format?: ExportFormat; task?: TaskId }): SignedLink;
  /** Checks a link's query (as parsed by Koa or URLSearchParams) for the path's format. */
  verify(query: LinkQuery, format?: ExportFormat): VerifyResult;
}

export interface ExportLinksOptions extends LinkSignerOptions {
  ttlMinutes?: number;
}

/** The path of a download; the route serves exactly these. */
export const exportPath = (format: ExportFormat) => `/export/ledger.${format}`;

const SIG_BYTES = 32;
const SIG_RE = /^[A-Za-z0-9_-]{43}$/;

/** Signs and checks links under one key (see LinkSigner). */
export function createLinkSigner({ secret, baseUrl, clock }: LinkSignerOptions): LinkSigner {
  const base = baseUrl.replace(/\/+$/, "");
  const mac = (scope: string, fields: ReadonlyMap<string, string>, exp: string) => {
    const sorted = [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // A JSON array keeps the fields apart whatever characters they hold.
    return createHmac("sha256", secret).update(JSON.stringify(["pingan-link-v2", scope, sorted, exp])).digest();
  };

  return {
    sign(scope, path, fields, ttlMinutes) {
      if ("exp" in fields || "sig" in fields) throw new Error("exp and sig are the link's own parameters");
      const exp = String(Math.floor(clock.now().getTime() / 1000) + ttlMinutes * 60);
      const query = new URLSearchParams({ ...fields, exp });
      query.set("sig", mac(scope, new Map(Object.entries(fields)), exp).toString("base64url"));
      return { url: `${base}${path}?${query.toString()}`, expiresAt: new Date(Number(exp) * 1000) };
    },

    verify(scope, query, required) {
      const malformed: LinkVerdict = { ok: false, reason: "malformed" };
      const fields = readQuery(query);
      if (!fields) return malformed;
      const exp = fields.get("exp");
      const sig = fields.get("sig");
      fields.delete("exp");
      fields.delete("sig");
      if (!exp || !sig || !/^\d{1,12}$/.test(exp) || !SIG_RE.test(sig)) return malformed;
      if (required.some((name) => !fields.get(name))) return malformed;
      const given = Buffer.from(sig, "base64url");
      if (given.length !== SIG_BYTES) return malformed;
      if (!timingSafeEqual(given, mac(scope, fields, exp))) return { ok: false, reason: "bad_signature" };
      const expiresAt = new Date(Number(exp) * 1000);
      if (clock.now().getTime() >= expiresAt.getTime()) return { ok: false, reason: "expired" };
      return { ok: true, fields: Object.fromEntries(fields), expiresAt };
    },
  };
}

/** Every parameter once, or undefined when one is repeated. */
function readQuery(query: LinkQuery): Map<string, string> | undefined {
  const entries =
    query instanceof URLSearchParams
      ? [...query]
      : Object.entries(query).flatMap(([name, value]) => (value === undefined ? [] : [value].flat().map((v) => [name, v] as const)));
  const fields = new Map<string, string>();
  for (const [name, value] of entries) {
    if (fields.has(name)) return undefined;
    fields.set(name, value);
  }
  return fields;
}

/**
 * Signed, expiring download links for the ledger: the range, who asked and, for a CSV, the task,
 * signed for the file type's path (see LinkSigner).
 */
export function createExportLinks({ ttlMinutes = 60, ...options }: ExportLinksOptions): ExportLinks {
  const signer = createLinkSigner(options);
  return {
    ttlMinutes,
    sign({ from, to, requestedBy, format = "xlsx", task }) {
      if (checkLedgerRange(from, to)) throw new RangeError(`not a ledger range: ${from}..${to}`);
      if ((format === "csv") !== (task !== undefined)) throw new Error("a CSV link names one task; an xlsx link none");
      const path = exportPath(format);
      return signer.sign(path, path, { from, to, by: requestedBy, ...(task && { task }) }, ttlMinutes);
    },

    verify(query, format = "xlsx") {
      const verdict = signer.verify(exportPath(format), query, format === "csv" ? ["from", "to", "by", "task"] : ["from", "to", "by"]);
      if (!verdict.ok) return verdict;
      const { from, to, by, task } = verdict.fields;
      const malformed: VerifyResult = { ok: false, reason: "malformed" };
      // Only links we signed get here, so these were checked when they were signed.
      if (!from || !to || !by || checkLedgerRange(from, to)) return malformed;
      if (task !== undefined && !/^[a-z][a-z0-9_]*$/.test(task)) return malformed;
      return {
        ok: true,
        params: { format, from, to, requestedBy: by, ...(task && { task: task as TaskId }), expiresAt: verdict.expiresAt },
      };
    },
  };
}

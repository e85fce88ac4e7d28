import { describe, expect, it } from "vitest";
import { createManualClock } from "../../../src/clock/clock.js";
import { createExportLinks, createLinkSigner } from "../../../src/features/ledger/export-links.js";
import { deriveExportSecret } from "../../../src/features/ledger/export-secret.js";
import { TEST_AES_KEY } from "../../support/test-env.js";

const clock = createManualClock(new Date("2026-11-27T12:00:00Z"));
const links = createExportLinks({ secret: "k".repeat(32), baseUrl: "https://pingan.example.edu.cn/", clock });
const request = { from: "2026-11-23", to: "2026-11-27", requestedBy: "wang_zhiyuan" };
const queryOf = (url: string) => new URL(url).searchParams;

describe("createExportLinks", () => {
  it("signs every parameter into a URL under the base URL, expiring after the TTL", () => {
    clock.set(new Date("2026-11-27T12:00:00Z"));
    const { url, expiresAt } = links.sign(request);
    expect(url).toMatch(
      /^https:\/\/pingan\.example\.edu\.cn\/export\/ledger\.xlsx\?from=2026-11-23&to=2026-11-27&by=wang_zhiyuan&exp=\d+&sig=[\w-]{43}$/,
    );
    expect(expiresAt.toISOString()).toBe("2026-11-27T13:00:00.000Z");
    expect(links.verify(queryOf(url))).toEqual({
      ok: true,
      params: { format: "xlsx", ...request, expiresAt },
    });
    expect(links.verify(Object.fromEntries(queryOf(url)))).toMatchObject({ ok: true });
  });

  it("refuses a link from its expiry second on", () => {
    clock.set(new Date("2026-11-27T12:00:00Z"));
    const { url } = links.sign(request);
    clock.set(new Date("2026-11-27T12:59:59.999Z"));
    expect(links.verify(queryOf(url)).ok).toBe(true);
    clock.set(new Date("2026-11-27T13:00:00Z"));
    expect(links.verify(queryOf(url))).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a link with any parameter changed, an extended expiry included", () => {
    clock.set(new Date("2026-11-27T12:00:00Z"));
    const { url } = links.sign(request);
    const changes: Record<string, string> = { from: "2026-11-22", to: "2026-11-28", by: "liu_xin", exp: "9999999999" };
    for (const [name, value] of Object.entries(changes)) {
      const query = queryOf(url);
      query.set(name, value);
      expect(links.verify(query), name).toEqual({ ok: false, reason: "bad_signature" });
    }
    const other = createExportLinks({ secret: "x".repeat(32), baseUrl: "", clock });
    expect(other.verify(queryOf(url))).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("binds a link to its file type and task", () => {
    clock.set(new Date("2026-11-27T12:00:00Z"));
    const csv = links.sign({ ...request, format: "csv", task: "study" });
    expect(new URL(csv.url).pathname).toBe("/export/ledger.csv");
    expect(links.verify(queryOf(csv.url), "csv")).toMatchObject({ ok: true, params: { format: "csv", task: "study" } });
    const otherTask = queryOf(csv.url);
    otherTask.set("task", "safety");
    expect(links.verify(otherTask, "csv")).toEqual({ ok: false, reason: "bad_signature" });
    expect(links.verify(queryOf(csv.url), "xlsx")).toEqual({ ok: false, reason: "bad_signature" });
    const xlsx = queryOf(links.sign(request).url);
    xlsx.set("task", "safety");
    expect(links.verify(xlsx, "csv")).toEqual({ ok: false, reason: "bad_signature" });
    expect(() => links.sign({ ...request, format: "csv" })).toThrow();
  });

  it("calls an incomplete or garbled link malformed", () => {
    clock.set(new Date("2026-11-27T12:00:00Z"));
    const { url } = links.sign(request);
    for (const name of ["from", "to", "by", "exp", "sig"]) {
      const query = queryOf(url);
      query.delete(name);
      expect(links.verify(query), name).toEqual({ ok: false, reason: "malformed" });
    }
    const twice = queryOf(url);
    twice.append("to", "2026-11-30");
    expect(links.verify(twice)).toEqual({ ok: false, reason: "malformed" });
    const shortSig = queryOf(url);
    shortSig.set("sig", "abc");
    expect(links.verify(shortSig)).toEqual({ ok: false, reason: "malformed" });
    expect(links.verify({ ...Object.fromEntries(queryOf(url)), to: ["a", "b"] })).toEqual({ ok: false, reason: "malformed" });
  });

  it("will not sign a range that is reversed or too long", () => {
    expect(() => links.sign({ ...request, from: "2026-11-28" })).toThrow(RangeError);
    expect(() => links.sign({ ...request, from: "2025-01-01" })).toThrow(RangeError);
  });
});

describe("createLinkSigner", () => {
  const signer = createLinkSigner({ secret: "k".repeat(32), baseUrl: "https://pingan.example.edu.cn", clock });

  it("binds a link to its scope and refuses any parameter added, changed or missing", () => {
    clock.set(new Date("2026-11-27T12:00:00Z"));
    const { url, expiresAt } = signer.sign("board", "/board", { by: "wang_zhiyuan" }, 480);
    expect(url).toMatch(/^https:\/\/pingan\.example\.edu\.cn\/board\?by=wang_zhiyuan&exp=\d+&sig=[\w-]{43}$/);
    expect(expiresAt.toISOString()).toBe("2026-11-27T20:00:00.000Z");
    expect(signer.verify("board", queryOf(url), ["by"])).toEqual({ ok: true, fields: { by: "wang_zhiyuan" }, expiresAt });
    expect(signer.verify("/export/ledger.xlsx", queryOf(url), ["by"])).toEqual({ ok: false, reason: "bad_signature" });
    const added = queryOf(url);
    added.set("from", "2026-11-01");
    expect(signer.verify("board", added, ["by"])).toEqual({ ok: false, reason: "bad_signature" });
    expect(signer.verify("board", queryOf(url), ["by", "task"])).toEqual({ ok: false, reason: "malformed" });
    expect(() => signer.sign("board", "/board", { exp: "1" }, 1)).toThrow();
  });
});

describe("deriveExportSecret", () => {
  const bot = { token: "pingan-test-token", encoding_aes_key: TEST_AES_KEY } as const;
  const withAdmin = deriveExportSecret({ bot: { ...bot, name: "b", max_clock_skew_seconds: 300 }, server: { admin_token: "a".repeat(20) } });
  const withoutAdmin = deriveExportSecret({ bot: { ...bot, name: "b", max_clock_skew_seconds: 300 }, server: {} });

  it("derives a 32-byte key from the admin token, or from the bot's keys without one, never equal to either", () => {
    expect(withAdmin).toHaveLength(32);
    expect(withoutAdmin).toHaveLength(32);
    expect(withAdmin.equals(withoutAdmin)).toBe(false);
    for (const key of [withAdmin, withoutAdmin]) {
      expect(key.toString("utf8")).not.toContain(bot.token);
      expect(key.equals(Buffer.from("a".repeat(20)))).toBe(false);
    }
    const otherAdmin = deriveExportSecret({ bot: { ...bot, name: "b", max_clock_skew_seconds: 300 }, server: { admin_token: "b".repeat(20) } });
    expect(otherAdmin.equals(withAdmin)).toBe(false);
  });
});

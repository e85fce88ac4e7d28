import type { Server } from "node:http";
import Koa from "koa";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBoardLinks } from "../../../src/features/board/board-links.js";
import { createBoardRouter } from "../../../src/features/board/board-route.js";
import { ATTENTION_PER_AREA } from "../../../src/features/board/load-board.js";
import { createManualClock } from "../../../src/clock/clock.js";
import { startLeaderDeps } from "../leaders/fixtures.js";

/**
 * The board of a roster above the size whose county page lists every school (made small here:
 * 5 against the example's 28): the county page shows each area's figures and only the schools
 * needing attention, with a link to the area's own page, which lists its schools a page at a time.
 */
const NOW = new Date("2026-11-24T10:35:00+08:00");
const MISSING = ["CG004", "CG005", "DB002", "XB003", "BB002"];

let env: Awaited<ReturnType<typeof startLeaderDeps>>;
let server: Server;
let smallServer: Server;
let base: string;
let link: URL;
/** The same board with the default size (the example's 28 schools list every one). */
let smallBase: string;

beforeAll(async () => {
  env = await startLeaderDeps();
  await env.seed(MISSING);
  const clock = createManualClock(NOW);
  const app = new Koa();
  const router = createBoardRouter({ ...env.deps, calendar: env.periods, clock, log: pino({ level: "silent" }), listAllUpTo: 5 });
  app.use(router.routes());
  server = await new Promise<Server>((done) => {
    const s = app.listen(0, "127.0.0.1", () => done(s));
  });
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  link = new URL(createBoardLinks(env.deps.config, clock).sign("wang_zhiyuan").url, base);
  const small = new Koa();
  small.use(createBoardRouter({ ...env.deps, calendar: env.periods, clock, log: pino({ level: "silent" }) }).routes());
  smallServer = await new Promise<Server>((done) => {
    const s = small.listen(0, "127.0.0.1", () => done(s));
  });
  const smallAddress = smallServer.address();
  smallBase = `http://127.0.0.1:${typeof smallAddress === "object" && smallAddress ? smallAddress.port : 0}`;
});

afterAll(async () => {
  await new Promise((done) => server?.close(done));
  await new Promise((done) => smallServer?.close(done));
  env?.client.disconnect();
  await env?.redis.stop();
});

const get = async (path: string) => {
  const response = await fetch(new URL(path, base));
  return { status: response.status, text: await response.text() };
};
/** The safety section's school rows as code → state. */
function rowsOf(page: string): [string, string][] {
  const from = page.indexOf('task-areas" data-task="safety"');
  const section = page.slice(from, page.indexOf("task-areas", from + 20));
  return [...section.matchAll(/<li class="school [^"]*" data-code="([^"]+)" data-state="([^"]+)"/g)].map((m) => [m[1]!, m[2]!]);
}
const unescape = (href: string) => href.replace(/&amp;/g, "&");

describe("看板 of a county", () => {
  it("lists every school by area, with no link to an area's page", async () => {
    const response = await fetch(new URL(`${link.pathname}${link.search}`, smallBase));
    const text = await response.text();
    expect(rowsOf(text).map(([code]) => code)).toEqual(env.roster.schools.map((s) => s.code));
    expect(text).not.toContain('class="all"');
  });
});

describe("看板 above the size that lists every school", () => {
  it("lists on the county page only the schools needing attention, each area linking to its own page", async () => {
    const { status, text } = await get(`${link.pathname}${link.search}`);
    expect(status).toBe(200);
    const rows = rowsOf(text);
    expect(rows.map(([code]) => code).sort()).toEqual([...MISSING, "CG001"].sort());
    expect(new Map(rows).get("CG001")).toBe("on_time");
    expect(rows.filter(([, state]) => state === "missing").map(([code]) => code).sort()).toEqual([...MISSING].sort());
    expect(rows.length).toBeLessThanOrEqual(4 * ATTENTION_PER_AREA);
    const areaLinks = [...text.matchAll(/<a class="all" href="([^"]+)">查看本片区全部 (\d+) 所学校/g)];
    const linked = areaLinks.map((m) => new URL(unescape(m[1]!), base).searchParams.get("area"));
    expect(new Set(linked)).toEqual(new Set(env.roster.schools.map((s) => s.area)));
    const cg = areaLinks.find((m) => new URL(unescape(m[1]!), base).searchParams.get("area") === "城关片区")!;
    expect(Number(cg[2])).toBe(env.roster.schools.filter((s) => s.area === "城关片区").length);
  });

  it("lists every school of an area on its page, under the same signature", async () => {
    const county = await get(`${link.pathname}${link.search}`);
    const href = unescape(/<a class="all" href="([^"]*area=%E5%9F%8E%E5%85%B3[^"]*)"/.exec(county.text)![1]!);
    const { status, text } = await get(href);
    expect(status).toBe(200);
    const codes = rowsOf(text).map(([code]) => code);
    expect(codes).toEqual(env.roster.schools.filter((s) => s.area === "城关片区").map((s) => s.code));
    expect(text).toContain("城关片区 · 第 1 / 1 页");
    expect(text).toContain("返回全县");
  });

  it("refuses an area the roster has not and a page that is no number, in Chinese, and still checks the signature", async () => {
    const withView = (view: Record<string, string>) => {
      const url = new URL(link);
      for (const [name, value] of Object.entries(view)) url.searchParams.set(name, value);
      return `${url.pathname}${url.search}`;
    };
    const unknown = await get(withView({ area: "南部片区" }));
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain("没有这个片区");
    expect((await get(withView({ area: "城关片区", page: "x" }))).status).toBe(404);
    const altered = new URL(link);
    altered.searchParams.set("by", "someone_else");
    altered.searchParams.set("area", "城关片区");
    expect((await get(`${altered.pathname}${altered.search}`)).status).toBe(403);
  });
});

describe("看板 of a roster with levels above the 片区", () => {
  it("names an abnormal school among its area's schools needing attention, the area known by its path", async () => {
    const tree = await startLeaderDeps({ above: { city: "平安市", county: "平安县" } });
    const app = new Koa();
    const clock = createManualClock(NOW);
    app.use(createBoardRouter({ ...tree.deps, calendar: tree.periods, clock, log: pino({ level: "silent" }), listAllUpTo: 5 }).routes());
    const treeServer = await new Promise<Server>((done) => {
      const s = app.listen(0, "127.0.0.1", () => done(s));
    });
    try {
      await tree.seed(MISSING);
      const address = treeServer.address();
      const signed = new URL(createBoardLinks(tree.deps.config, clock).sign("wang_zhiyuan").url);
      const text = await (await fetch(`http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}${signed.pathname}${signed.search}`)).text();
      // CG001's 异常 is in 城关片区, whose key is 平安市/平安县/城关片区: it is listed, abnormal.
      expect(new Map(rowsOf(text)).get("CG001")).toBe("on_time");
      expect(text).toMatch(/data-code="CG001"[\s\S]{0,400}异常|异常[\s\S]{0,400}data-code="CG001"/);
    } finally {
      await new Promise((done) => treeServer.close(done));
      tree.client.disconnect();
      await tree.redis.stop();
    }
  });
});

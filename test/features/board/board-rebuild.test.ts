import type { Server } from "node:http";
import Koa from "koa";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerPageFailures } from "../../../src/features/board/answer-page-failure.js";
import { BOARD_PATH, createBoardLinks } from "../../../src/features/board/board-links.js";
import { createBoardRouter } from "../../../src/features/board/board-route.js";
import type { ReportStore } from "../../../src/store/reports.js";
import { createManualClock } from "../../../src/clock/clock.js";
import { waitFor } from "../../support/wait-for.js";
import { makeReport, normal, startLeaderDeps } from "../leaders/fixtures.js";

/**
 * The board read again behind the page: a request past the reuse interval is answered the last
 * read at once while one new read runs, until that read is in; a read that fails leaves the last
 * one shown while its minute is not over by the page's refresh interval, and then the 503 page.
 */
const NOW = new Date("2026-11-24T10:35:00+08:00");
const MISSING = ["CG004", "CG005", "DB002"];

let env: Awaited<ReturnType<typeof startLeaderDeps>>;
let server: Server;
let link: string;
const clock = createManualClock(NOW);
/**
 * The tallies' first read of each task (all issued as a read of the board starts): how many ran,
 * a gate that holds them while it is set, and a switch to make them fail.
 */
const reads: { started: number; failed: number; failing: boolean; held?: Promise<void> } = { started: 0, failed: 0, failing: false };

beforeAll(async () => {
  env = await startLeaderDeps();
  await env.seed(MISSING);
  const real = env.deps.store;
  const store: ReportStore = {
    ...real,
    counts: async (...args: Parameters<ReportStore["counts"]>) => {
      reads.started += 1;
      await reads.held;
      if (!reads.failing) return real.counts(...args);
      reads.failed += 1;
      throw new Error("Command timed out");
    },
  };
  const log = pino({ level: "silent" });
  const app = new Koa();
  app.use(answerPageFailures({ paths: [BOARD_PATH], log }));
  app.use(createBoardRouter({ ...env.deps, store, calendar: env.periods, clock, log, reuseBoardForMs: 0 }).routes());
  server = await new Promise<Server>((done) => {
    const s = app.listen(0, "127.0.0.1", () => done(s));
  });
  const address = server.address();
  const signed = new URL(createBoardLinks(env.deps.config, clock).sign("wang_zhiyuan").url);
  link = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}${signed.pathname}${signed.search}`;
});

afterAll(async () => {
  await new Promise((done) => server?.close(done));
  env?.client.disconnect();
  await env?.redis.stop();
});

/** The page's status, the safety task's reported count and the minute it says it was read in. */
async function fetchBoard(): Promise<{ status: number; reported?: number; updated?: string }> {
  const response = await fetch(link);
  const text = await response.text();
  const safety = text.indexOf('data-task="safety"');
  const reported = /data-count="reported">(\d+)</.exec(text.slice(safety));
  const updated = /更新于 (\d\d:\d\d)/.exec(text);
  return { status: response.status, ...(reported && { reported: Number(reported[1]) }), ...(updated && { updated: updated[1] }) };
}

describe("看板 read again behind the page", () => {
  it("answers the last read at once while one new read runs, then the new one", async () => {
    const first = await fetchBoard();
    expect(first).toMatchObject({ status: 200, updated: "10:35" });
    const perRead = reads.started;
    await env.deps.store.put(makeReport(env.tuesday, "CG004", normal, { late: true }));
    let release!: () => void;
    reads.held = new Promise((done) => (release = done));
    const before = reads.started;
    // However many ask while the new read runs, each gets the last read at once, and one read runs behind them.
    const meanwhile = await Promise.all(Array.from({ length: 8 }, fetchBoard));
    expect(meanwhile.map((page) => page.reported)).toEqual(Array(8).fill(first.reported));
    await waitFor("the read behind them to start", () => reads.started > before);
    expect(reads.started - before).toBe(perRead);
    reads.held = undefined;
    release();
    await waitFor("the new read to be shown", async () => (await fetchBoard()).reported === first.reported! + 1);
  });

  it("while reads fail, shows the last one until its minute is over by the page's refresh, then the 503 page, then the board again", async () => {
    const shown = await fetchBoard();
    reads.failing = true;
    try {
      // Each ask starts a read when none runs: the last one shown at each, until one has failed.
      await waitFor("a read to fail", async () => {
        expect(await fetchBoard()).toEqual(shown);
        return reads.failed > 0;
      });
      clock.set(new Date("2026-11-24T10:36:59+08:00"));
      expect(await fetchBoard()).toEqual(shown);
      clock.set(new Date("2026-11-24T10:37:00+08:00"));
      expect((await fetchBoard()).status).toBe(503);
    } finally {
      reads.failing = false;
    }
    expect(await fetchBoard()).toMatchObject({ status: 200, reported: shown.reported, updated: "10:37" });
  });
});

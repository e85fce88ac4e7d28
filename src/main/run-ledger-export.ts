import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { setPriority, tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Config, TaskId } from "../config/schema.js";
import type { School } from "../config/roster.js";
import type { LedgerPlan } from "../features/ledger/build-ledger.js";
import type { LedgerFile, LedgerExporter } from "../features/ledger/export-route.js";

/** What the export process is sent. */
export interface LedgerExportJob {
  redisUrl: string;
  schools: readonly School[];
  people: Pick<Config, "leaders" | "admins">;
  plan: LedgerPlan;
  task?: TaskId;
  out: string;
}

/** A ledger written: the file's size, the rows of each task and the export process's peak RSS. */
export interface LedgerExportDone {
  bytes: number;
  rows: Map<TaskId, number>;
  maxRssKiB: number;
}

/** What the export process answers: what it wrote, or why it failed. */
export type LedgerExportAnswer = LedgerExportDone | { error: string };

/** The export's CPU priority below the service's (nice 0): the most an unprivileged process may lower itself to is 19. */
const EXPORT_NICENESS = 10;

/**
 * The export process's V8 old space, in MiB. Left to itself V8 let this batch job's heap grow to
 * four or five times what it held (a month at 20,000 schools: 35 MB live, 150-190 MB heap, 300-390
 * MiB RSS against 220 at 1,000 schools); under a ceiling it collects sooner instead. What it holds
 * is a batch of rows, one task's counts and the roster it is sent, under 1 KB a school: the
 * ceiling gives that twice over above a fixed floor, so a province's roster still fits.
 */
export function exportHeapMiB(schools: number): number {
  return Math.max(128, 96 + Math.ceil((schools * 2) / 1024));
}

/** The worker beside this file: TypeScript when run from the sources (through tsx), JavaScript once built. */
const WORKER = fileURLToPath(new URL(`./ledger-export-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/**
 * Writes ledgers in a process of their own (ledger-export-worker), one at a time, into a
 * temporary directory: the service's process only forks it and then sends the file. The
 * returned file is removed by its `remove`.
 */
export function createLedgerExporter(options: { redisUrl: string; people: Pick<Config, "leaders" | "admins"> }): LedgerExporter {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    write(request) {
      const next = queue.then(() => runLedgerExport({ ...options, ...request }));
      queue = next.catch(() => {});
      return next;
    },
  };
}

/** One export in its own process, into a temporary file; rejects with the worker's error or exit. */
export async function runLedgerExport(job: Omit<LedgerExportJob, "out">): Promise<LedgerFile & { maxRssKiB: number }> {
  const dir = await mkdtemp(join(tmpdir(), "pingan-ledger-"));
  const out = join(dir, job.task ? "ledger.csv" : "ledger.xlsx");
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const { bytes, maxRssKiB } = await forkLedgerExport({ ...job, out });
    return { path: out, bytes, maxRssKiB, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/**
 * Writes one ledger to `job.out` in a process of its own (ledger-export-worker), under the heap
 * ceiling of exportHeapMiB and at a lower CPU priority; rejects with the worker's error or exit.
 */
export async function forkLedgerExport(job: LedgerExportJob): Promise<LedgerExportDone> {
  const execArgv = [...(WORKER.endsWith(".ts") ? ["--import", "tsx"] : []), `--max-old-space-size=${exportHeapMiB(job.schools.length)}`];
  const child = fork(WORKER, [], { execArgv, serialization: "advanced", stdio: ["ignore", "ignore", "inherit", "ipc"] });
  // A download may wait; WeCom's callbacks may not. On a busy machine the export took the
  // CPU the check-ins needed (their p99 37 × quiet while a month of 20,000 schools was written).
  try {
    if (child.pid !== undefined) setPriority(child.pid, EXPORT_NICENESS);
  } catch {
    // Gone already (ESRCH): its exit below says why.
  }
  const answer = await new Promise<LedgerExportAnswer>((done, fail) => {
    child.once("message", (message) => done(message as LedgerExportAnswer));
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`the ledger export process exited (${code}) before answering`)));
    child.send(job);
  });
  if ("error" in answer) throw new Error(answer.error);
  return answer;
}

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

/** Order statistics of a set of timings (ms). */
export interface Summary {
  runs: number;
  median: number;
  p95: number;
  min: number;
  max: number;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(values: readonly number[]): Summary {
  return {
    runs: values.length,
    median: percentile(values, 50),
    p95: percentile(values, 95),
    min: values.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY),
    max: values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY),
  };
}

/** PASS when `value` meets the target (`atMost` or `atLeast`), else MISS with how far off. */
export function verdict(value: number, target: { atMost?: number; atLeast?: number }): string {
  if (target.atMost !== undefined) {
    return value <= target.atMost ? "PASS" : `MISS (${fmt((value / target.atMost - 1) * 100, 0)}% over)`;
  }
  if (target.atLeast !== undefined) {
    return value >= target.atLeast ? "PASS" : `MISS (${fmt((1 - value / target.atLeast) * 100, 0)}% short)`;
  }
  throw new Error("verdict needs a target");
}

export function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : String(value);
}

/** Measures an async function `runs` times after `warmup` unmeasured calls; ms each. */
export async function timeRuns(fn: () => Promise<unknown>, runs: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i += 1) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/** The machine a figure was measured on: cores, CPU model, memory, Node and redis-server versions. */
export function describeMachine(): string {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? cpus()[0]?.model ?? "unknown";
  const memKb = Number(/MemTotal:\s*(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1] ?? 0);
  let redis = "unknown";
  try {
    redis = /v=(\S+)/.exec(execFileSync("redis-server", ["--version"], { encoding: "utf8" }))?.[1] ?? redis;
  } catch {
    // not installed: the bench that needs it will say so
  }
  const nproc = execFileSync("nproc", { encoding: "utf8" }).trim();
  return `nproc ${nproc}, ${model}, ${(memKb / 1024 / 1024).toFixed(0)} GiB, Node ${process.version}, redis-server ${redis}`;
}

/** Resident set size of a process in MiB, from /proc (undefined once it is gone). */
export function readRssMiB(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in seconds (0 once it is gone). */
export function readCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of proc(5), counted after the command name: utime, stime in clock ticks.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Prints rows as an aligned plain-text table. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => width(row[c] ?? ""))));
  const line = (row: readonly string[]) => row.map((cell, c) => cell + " ".repeat(widths[c]! - width(cell))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

/** Display width: CJK characters take two columns. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u3000-\u9fff\uff00-\uffef]/u.test(ch) ? 2 : 1;
  return w;
}

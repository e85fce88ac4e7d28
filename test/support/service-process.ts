import { spawn, type ChildProcess } from "node:child_process";
import type { BotConnectionTuning } from "../../src/wecom/bot-connection.js";
import { findFreePort } from "../../src/store/embedded-redis.js";
import { TEST_ENV } from "./test-env.js";
import { pinganArgs } from "./pingan-command.js";
import { waitFor } from "./wait-for.js";

/** How long a process may take to say it started before it counts as hung. */
export const START_BOUND_MS = 120_000;

export interface ServiceProcess {
  url: string;
  port: number;
  proc: ChildProcess;
  /** Everything it printed (JSON log lines). */
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs `pingan start` as a separate OS process on the example config, as an operator would;
 * with `connectionTuning`, the same service with the long connection's timings of a test.
 */
export async function startServiceProcess(env: Record<string, string>, args: string[] = [], { connectionTuning }: { connectionTuning?: BotConnectionTuning } = {}): Promise<ServiceProcess> {
  const port = Number(env.PORT ?? (await findFreePort()));
  const command = connectionTuning ? ["--import", "tsx", "test/support/tuned-service.ts"] : pinganArgs("start", ...args);
  const tuning = connectionTuning ? { PINGAN_TEST_CONNECTION_TUNING: JSON.stringify(connectionTuning) } : {};
  const proc = spawn(process.execPath, command, {
    env: { ...process.env, ...TEST_ENV, PINGAN_CONFIG: "config/pingan.example.yaml", PORT: String(port), LOG_LEVEL: "info", ...tuning, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // A failed test must not leave a service running after the test file ends.
  const reap = () => proc.kill("SIGKILL");
  process.once("exit", reap);
  proc.once("exit", () => process.off("exit", reap));
  let output = "";
  proc.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => proc.once("exit", (code) => done(code)));
  const started = () => /service listening|workers running/.test(output);
  try {
    // Until it says it started or it exits: five processes starting at once on a loaded two-core machine took 9.9–10.5 s each.
    // The bound is for a process that hangs, not a guess of how long starting takes.
    await waitFor("the service to start", () => started() || proc.exitCode !== null, { timeoutMs: START_BOUND_MS, everyMs: 50 });
  } catch {
    // Reported below with its output.
  }
  if (!started()) {
    proc.kill("SIGKILL");
    throw new Error(`service did not start:\n${output}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    output: () => output,
    async kill(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

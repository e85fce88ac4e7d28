import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { compiledChildUrl } from "./compile-child.js";

/** A TypeScript child process spoken to over IPC. */
export interface Child<Out> {
  proc: ChildProcess;
  send(message: unknown): void;
  /** The next message that passes `match`; rejects if the child exits first or after `timeoutMs`. */
  next<T extends Out>(match: (message: Out) => message is T, timeoutMs?: number): Promise<T>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Runs `bench/support/<name>.ts` with tsx in its own Node process, stdout discarded unless
 * `stdout` is set (the service logs JSON there, as `pingan start` does), stderr shown.
 * `nodeArgs` go before the script (e.g. `--cpu-prof`). `compiled`: runs the JavaScript
 * compileChild wrote, by plain node, as production runs the service.
 */
export function spawnChild<Out>(name: string, options: { stdout?: boolean; nodeArgs?: string[]; compiled?: boolean } = {}): Child<Out> {
  const file = fileURLToPath(options.compiled ? compiledChildUrl(name) : new URL(`./${name}.ts`, import.meta.url));
  const loader = options.compiled ? [] : ["--import", "tsx"];
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, file], {
    stdio: ["ignore", options.stdout ? "inherit" : "ignore", "inherit", "ipc"],
  });
  const inbox: Out[] = [];
  const waiters: (() => void)[] = [];
  proc.on("message", (message) => {
    inbox.push(message as Out);
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((done) => proc.once("exit", (code) => {
    done(code);
    for (const wake of waiters.splice(0)) wake();
  }));
  return {
    proc,
    send: (message) => proc.send(message as never),
    exited,
    async next(match, timeoutMs = 600_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = inbox.findIndex(match);
        if (index >= 0) return inbox.splice(index, 1)[0] as never;
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${name} exited (${proc.exitCode ?? proc.signalCode}) before answering`);
        if (Date.now() > deadline) throw new Error(`${name} did not answer in ${timeoutMs} ms`);
        await new Promise<void>((wake) => {
          const timer = setTimeout(wake, Math.min(1000, Math.max(1, deadline - Date.now())));
          waiters.push(() => {
            clearTimeout(timer);
            wake();
          });
        });
      }
    },
  };
}

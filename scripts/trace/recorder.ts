import { AsyncLocalStorage } from "node:async_hooks";
import { TRACE_GLOBAL, type TraceEntry } from "./instrument-module.js";
import { sourceOfCompiled } from "./project-files.js";

/**
 * One unit of work the window traces, and everything it starts (promises, timers, callbacks):
 * the HTTP request, the long connection's message frame, a BullMQ job.
 */
export interface Walk {
  id: number;
  label: string;
}

/** One call of a project function inside the window. */
export interface EntryEvent {
  seq: number;
  walk: number;
  file: string;
  fn: string;
  /** The nearest project file below on the stack (async frames included); undefined: none. */
  caller?: string;
  callerFn?: string;
  /** What called the function directly when that was not project code: a package, `node`, or `native`. */
  via?: string;
  /** The project files on the stack below this call, nearest first (consecutive repeats merged). */
  below: string[];
}

/** What started the window: the service's next request, its next frame carrying a msgid, or its jobs. */
export type Trigger = { kind: "http"; port: number } | { kind: "ws"; marker: string } | { kind: "jobs" };

/**
 * Records, while a window is open, every entry into a project function made on behalf of the
 * traced walks (an AsyncLocalStorage context the transport patches open), with its caller read
 * from the V8 stack. Work the service does meanwhile for anything else (timers, leases, the
 * simulator in the same process) runs outside those contexts and is not recorded.
 */
export function createRecorder() {
  const storage = new AsyncLocalStorage<Walk>();
  const events: EntryEvent[] = [];
  const walks: Walk[] = [];
  let trigger: Trigger | undefined;
  let state: "idle" | "armed" | "open" | "closed" = "idle";
  let closedBy = "";

  const enter: TraceEntry = (file, fn) => {
    if (state !== "open") return;
    const walk = storage.getStore();
    if (!walk) return;
    const sites = captureStack(enter);
    const below: string[] = [];
    let caller: string | undefined;
    let callerFn: string | undefined;
    let via: string | undefined;
    for (const [index, site] of sites.entries()) {
      const name = site.getFileName();
      const project = sourceOfCompiled(name);
      if (index === 0) continue;
      if (project === undefined) {
        if (caller === undefined) via ??= packageOf(name);
        continue;
      }
      if (caller === undefined) {
        caller = project;
        callerFn = site.getFunctionName() ?? "<anonymous>";
      }
      if (below.at(-1) !== project) below.push(project);
    }
    events.push({
      seq: events.length,
      walk: walk.id,
      file,
      fn,
      ...(caller !== undefined && { caller, callerFn: callerFn! }),
      ...(via !== undefined && { via }),
      below,
    });
  };

  return {
    events,
    walks,
    /** Makes the instrumented modules report here; before any of them is imported. */
    install(): void {
      (globalThis as Record<string, unknown>)[TRACE_GLOBAL] = enter;
    },
    /** The next unit of work `trigger` describes opens the window. */
    arm(next: Trigger): void {
      trigger = next;
      state = "armed";
    },
    trigger(): Trigger | undefined {
      return state === "armed" || state === "open" ? trigger : undefined;
    },
    /** Runs `work` as a traced walk (opening the window if armed); untraced once the window closed. */
    runWalk<T>(label: string, work: () => T): T {
      if (state === "armed") state = "open";
      if (state !== "open") return work();
      const walk = { id: walks.length, label };
      walks.push(walk);
      return storage.run(walk, work);
    },
    /** The walk the current code runs for, while the window is open. */
    currentWalk(): Walk | undefined {
      return state === "open" ? storage.getStore() : undefined;
    },
    close(reason: string): void {
      if (state !== "open") return;
      state = "closed";
      closedBy = reason;
    },
    isOpen: () => state === "open",
    isClosed: () => state === "closed",
    closedBy: () => closedBy,
  };
}

export type Recorder = ReturnType<typeof createRecorder>;

/** The whole stack as call sites (async frames included), without `below`'s own frame. */
function captureStack(below: (...args: never[]) => unknown): NodeJS.CallSite[] {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_error, sites) => sites;
  Error.stackTraceLimit = 500;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, below);
  const sites = holder.stack ?? [];
  Error.prepareStackTrace = prepare;
  Error.stackTraceLimit = limit;
  return sites;
}

/** `koa`, `@wecom/crypto`, `node` or `native`: what a non-project frame belongs to. */
function packageOf(fileName: string | undefined | null): string {
  if (!fileName) return "native";
  if (fileName.startsWith("node:")) return "node";
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(fileName);
  return match ? match[1]! : fileName.includes("/scripts/trace") ? "trace" : "other";
}

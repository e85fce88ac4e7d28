import { once } from "node:events";
import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import { waitFor } from "../../test/support/wait-for.js";
import type { Recorder } from "./recorder.js";

/** One command the service sent for a traced walk. */
export interface SentCommand {
  walk: number;
  connection: string;
  /** The connection's local port: its address as the server's MONITOR shows it. */
  port?: number;
  name: string;
  /** Its first argument (a script's SHA, a key) as MONITOR shows it: tells two commands of one name apart. */
  head: string;
  /**
   * The pipeline (or MULTI) it was sent in, or the corked write (runTogether): the commands of
   * one are one round trip, written at once and answered together.
   */
  pipeline?: number;
  /** A short description: an EVALSHA's key count, a key. */
  detail: string;
  sentAt: number;
  answeredAt?: number;
}

/** A command as the server executed it, from MONITOR. */
export interface ServerCommand {
  /** `127.0.0.1:port`, or `lua` for a command a script ran. */
  source: string;
  name: string;
  /** Its first argument, as MONITOR quotes it. */
  head?: string;
}

/** One wait for Redis: a command alone, or a pipeline's commands together. */
export interface RoundTrip {
  walk: number;
  connection: string;
  commands: SentCommand[];
  sentAt: number;
  answeredAt?: number;
}

/**
 * Records each command an ioredis client (the service's, BullMQ's) sends while it runs for a
 * traced walk, by wrapping `Redis.prototype.sendCommand`: the one place every command goes
 * through, alone, in a pipeline (called with the pipeline's collecting stream) or as a script.
 * Commands sent while the connection's socket is corked leave in one write, as a pipeline's do.
 * A script's NOSCRIPT retry is a second round trip, as it is on the wire.
 */
export function recordRedisCommands(recorder: Recorder) {
  const sent: SentCommand[] = [];
  const names = new WeakMap<object, string>();
  const pipelines = new WeakMap<object, number>();
  // A corked socket's commands are written together; the cork ends within the tick that set it.
  const corked = new WeakMap<object, number>();
  let nextPipeline = 0;
  const sendCommand = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: Redis, command, stream?: unknown, ...rest: unknown[]) {
    const walk = recorder.currentWalk();
    if (walk) {
      let pipeline: number | undefined;
      if (stream && typeof stream === "object" && (stream as { isPipeline?: boolean }).isPipeline) {
        pipeline = pipelines.get(stream) ?? nextPipeline++;
        pipelines.set(stream, pipeline);
      } else if (this.stream?.writableCorked) {
        const socket = this.stream;
        pipeline = corked.get(socket);
        if (pipeline === undefined) {
          pipeline = nextPipeline++;
          corked.set(socket, pipeline);
          queueMicrotask(() => corked.delete(socket));
        }
      }
      const port = this.stream?.localPort;
      const record: SentCommand = {
        walk: walk.id,
        connection: names.get(this) ?? `connection :${port ?? "?"}`,
        ...(port !== undefined && { port }),
        name: command.name.toLowerCase(),
        head: command.args.length > 0 ? String(command.args[0]) : "",
        ...(pipeline !== undefined && { pipeline }),
        detail: describeArgs(command.name, command.args),
        sentAt: performance.now(),
      };
      sent.push(record);
      command.promise.then(
        () => void (record.answeredAt = performance.now()),
        () => void (record.answeredAt = performance.now()),
      );
    }
    return (sendCommand as (...a: unknown[]) => Promise<unknown>).call(this, command, stream, ...rest);
  } as typeof sendCommand;
  return {
    sent,
    /** Names a connection in the report (`web`, `worker`). */
    name(client: object, label: string): void {
      names.set(client, label);
    },
  };
}

/** The commands in round trips: a pipeline's together, each other command alone, in the order sent. */
export function groupRoundTrips(sent: readonly SentCommand[]): RoundTrip[] {
  const trips: RoundTrip[] = [];
  const byPipeline = new Map<number, RoundTrip>();
  for (const command of sent) {
    const open = command.pipeline !== undefined ? byPipeline.get(command.pipeline) : undefined;
    if (open) {
      open.commands.push(command);
      open.answeredAt = latest(open.answeredAt, command.answeredAt);
      continue;
    }
    const trip: RoundTrip = {
      walk: command.walk,
      connection: command.connection,
      commands: [command],
      sentAt: command.sentAt,
      ...(command.answeredAt !== undefined && { answeredAt: command.answeredAt }),
    };
    trips.push(trip);
    if (command.pipeline !== undefined) byPipeline.set(command.pipeline, trip);
  }
  return trips;
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : Math.max(a, b);
}

/**
 * The server's own account: the MONITOR feed (on a plain socket: ioredis's monitor mode loses
 * lines that arrive with MONITOR's own OK), cut between two ECHO markers a second connection
 * sends around the window, so that what the server executed in the window is read in the
 * server's order, with no clock compared.
 */
export async function watchServer(url: string) {
  const { hostname, port } = new URL(url);
  const marker = new Redis(url, { lazyConnect: false });
  const socket = connect(Number(port), hostname);
  await once(socket, "connect");
  socket.write("MONITOR\r\n");
  const seen: ServerCommand[] = [];
  let from = -1;
  let to = -1;
  let pending = "";
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\r\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      // +1700000000.123456 [0 127.0.0.1:50000] "evalsha" "…" …   (or [0 lua] for a script's own commands)
      const parsed = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] "((?:[^"\\]|\\.)*)"(?: "((?:[^"\\]|\\.)*)")?/.exec(line);
      if (!parsed) continue;
      const [, source = "", name = "", first] = parsed;
      if (name.toLowerCase() === "echo" && first === "pingan-trace:start") from = seen.length;
      else if (name.toLowerCase() === "echo" && first === "pingan-trace:end") to = seen.length;
      else seen.push({ source, name: name.toLowerCase(), ...(first !== undefined && { head: first }) });
    }
  });
  return {
    /** Marks the start of the window in the server's feed. */
    async start(): Promise<void> {
      await marker.echo("pingan-trace:start");
    },
    /** Marks its end and returns what the server executed in between. */
    async end(): Promise<ServerCommand[]> {
      await marker.echo("pingan-trace:end");
      // The feed may trail the marker's own answer.
      await waitFor("the MONITOR feed to show the window's end", () => to >= 0, { timeoutMs: 10_000, everyMs: 5 });
      if (from < 0) throw new Error("trace: the server's MONITOR feed never showed the window's start");
      return seen.slice(from, to);
    },
    close(): void {
      marker.disconnect();
      socket.destroy();
    },
  };
}

function describeArgs(name: string, args: readonly unknown[]): string {
  const text = (value: unknown) => (Buffer.isBuffer(value) ? `<${value.length} bytes>` : String(value));
  if (/^eval(sha)?$/i.test(name)) {
    const keys = Number(args[1]);
    return `${keys} keys, ${Math.max(0, args.length - 2 - keys)} args, first key ${text(args[2])}`;
  }
  const shown = args.slice(0, 2).map(text).map((a) => (a.length > 60 ? `${a.slice(0, 57)}…` : a));
  return [...shown, ...(args.length > 2 ? [`(+${args.length - 2})`] : [])].join(" ");
}

import { Server, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Worker, type Job } from "bullmq";
import { WebSocket } from "ws";
import type { Recorder } from "./recorder.js";

/**
 * Where a traced walk starts and the window ends, seen from the transports rather than from
 * the project's code (which the trace must not presume): the service's HTTP server emitting the
 * armed request, until the reply is handed to the socket (`res.end`); the service's long
 * connection (a client socket) emitting the frame that carries the armed msgid, until it sends a
 * frame on the same req_id; a BullMQ worker calling a job's processor (the window is closed by
 * the caller once the jobs and their pushes are done).
 */
export function openWalksAtTransports(recorder: Recorder): void {
  const emit = Server.prototype.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    const trigger = recorder.trigger();
    if (event !== "request" || trigger?.kind !== "http" || recorder.isOpen() || (this.address() as AddressInfo | null)?.port !== trigger.port) {
      return emit.call(this, event, ...args);
    }
    const [req, res] = args as [IncomingMessage, ServerResponse];
    const end = res.end;
    res.end = function (this: ServerResponse, ...endArgs: unknown[]) {
      const written = (end as (...a: unknown[]) => ServerResponse).apply(this, endArgs);
      recorder.close(`the reply handed to the socket (HTTP ${res.statusCode})`);
      return written;
    } as typeof res.end;
    return recorder.runWalk(`callback ${req.method} ${req.url?.replace(/\?.*/, "")}`, () => emit.call(this, event, ...args));
  } as typeof Server.prototype.emit;

  const wsEmit = WebSocket.prototype.emit;
  let reqId: string | undefined;
  WebSocket.prototype.emit = function (this: WebSocket & { _isServer?: boolean }, event: string | symbol, ...args: unknown[]) {
    const trigger = recorder.trigger();
    if (event !== "message" || trigger?.kind !== "ws" || recorder.isOpen() || this._isServer !== false || !String(args[0]).includes(trigger.marker)) {
      return wsEmit.call(this, event, ...args);
    }
    reqId = (JSON.parse(String(args[0])) as { headers?: { req_id?: string } }).headers?.req_id;
    return recorder.runWalk(`long connection frame ${reqId}`, () => wsEmit.call(this, event, ...args));
  };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
    const replying = recorder.currentWalk() !== undefined && reqId !== undefined && String(data).includes(`"req_id":${JSON.stringify(reqId)}`);
    (send as (...a: unknown[]) => void).call(this, data, ...rest);
    if (replying) recorder.close(`the reply frame sent (req_id ${reqId})`);
  } as typeof send;

  // Protected in BullMQ's types: the one method that calls a job's processor.
  const worker = Worker.prototype as unknown as { callProcessJob: (job: Job, ...rest: unknown[]) => Promise<unknown> };
  const callProcessJob = worker.callProcessJob;
  worker.callProcessJob = function (this: Worker, job: Job, ...rest: unknown[]) {
    const run = () => callProcessJob.call(this, job, ...rest);
    return recorder.trigger()?.kind === "jobs" ? recorder.runWalk(`job ${job.queueName}/${job.name}#${job.id}`, run) : run();
  };
}

import type { Frame } from "./frame-codec.js";
import { encodeFrame } from "./frame-codec.js";
import { CodedError, ErrorCode, type LongConnectionError } from "../../errors.js";

/** WeCom's acknowledgement of a request, errcode always 0 (non-zero ones reject). */
export interface LongConnectionAck {
  reqId: string;
  errcode: number;
  errmsg: string;
  body?: unknown;
}

/** What the tracker needs of a socket: whether it is open, and a send that reports a failed write. */
export interface FrameSocket {
  readonly readyState: number;
  send(text: string, done: (error?: Error) => void): void;
}

/** `WebSocket.OPEN`. */
const OPEN = 1;

/**
 * Requests waiting for their acks, matched by req_id (the only thing an ack carries). Each
 * waits `ackTimeoutMs`; a socket's requests fail together when it goes.
 */
export interface AckTracker {
  /** Sends one frame on `socket` and resolves with the ack of its req_id, whatever its errcode. */
  exchange(socket: FrameSocket, cmd: string, reqId: string, body?: unknown): Promise<LongConnectionAck>;
  /** Hands an ack to the request waiting for it on `socket`; false when none waits (late or unknown). */
  acknowledge(socket: FrameSocket, frame: Frame): boolean;
  /** Rejects every request in flight on `socket` with `connection_lost`. */
  rejectAll(socket: FrameSocket, why: string): void;
}

interface InFlight {
  cmd: string;
  socket: FrameSocket;
  timer: NodeJS.Timeout;
  resolve: (ack: LongConnectionAck) => void;
  reject: (err: LongConnectionError) => void;
}

export function createAckTracker({ ackTimeoutMs }: { ackTimeoutMs: number }): AckTracker {
  const inFlight = new Map<string, InFlight>();

  /** Ends the wait of `reqId` when `timer` is still its own (not a newer request on the same req_id). */
  const take = (reqId: string, timer: NodeJS.Timeout): InFlight | undefined => {
    const entry = inFlight.get(reqId);
    if (entry?.timer !== timer) return undefined;
    clearTimeout(timer);
    inFlight.delete(reqId);
    return entry;
  };

  return {
    exchange(socket, cmd, reqId, body) {
      return new Promise((resolve, reject) => {
        if (socket.readyState !== OPEN) {
          reject(new CodedError(ErrorCode.NotConnected, `${cmd}: not connected`, { reqId }));
          return;
        }
        const timer = setTimeout(() => {
          if (take(reqId, timer)) reject(new CodedError(ErrorCode.AckTimeout, `${cmd}: no ack within ${ackTimeoutMs} ms`, { reqId }));
        }, ackTimeoutMs);
        inFlight.set(reqId, { cmd, socket, timer, resolve, reject });
        socket.send(encodeFrame(cmd, reqId, body), (error) => {
          if (error && take(reqId, timer)) reject(new CodedError(ErrorCode.ConnectionLost, `${cmd}: ${error.message}`, { reqId }));
        });
      });
    },

    acknowledge(socket, frame) {
      const reqId = frame.headers.req_id;
      const entry = inFlight.get(reqId);
      if (!entry || entry.socket !== socket) return false;
      take(reqId, entry.timer);
      entry.resolve({
        reqId,
        errcode: frame.errcode ?? 0,
        errmsg: frame.errmsg ?? "",
        ...(frame.body === undefined ? {} : { body: frame.body }),
      });
      return true;
    },

    rejectAll(socket, why) {
      for (const [reqId, entry] of inFlight) {
        if (entry.socket !== socket) continue;
        take(reqId, entry.timer);
        entry.reject(new CodedError(ErrorCode.ConnectionLost, `${entry.cmd}: ${why} before the ack`, { reqId }));
      }
    },
  };
}

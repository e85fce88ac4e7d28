import { afterEach, describe, expect, it, vi } from "vitest";
import type { LongConnectionAck } from "../../../src/wecom/long-connection/request-bodies.js";
import { startHeartbeat } from "../../../src/wecom/long-connection/heartbeat.js";
import { CodedError, ErrorCode } from "../../../src/errors.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("heartbeat", () => {
  it("pings every interval; a timeout is silence, a non-zero errcode a refusal, a lost socket neither", async () => {
    vi.useFakeTimers();
    const answers: (() => Promise<LongConnectionAck>)[] = [
      async () => ({ reqId: "p1", errcode: 0, errmsg: "" }),
      async () => ({ reqId: "p2", errcode: 600, errmsg: "busy" }),
      async () => Promise.reject(new CodedError(ErrorCode.ConnectionLost, "ping: socket closed before the ack")),
      async () => Promise.reject(new CodedError(ErrorCode.AckTimeout, "ping: no ack within 5000 ms")),
    ];
    const seen: string[] = [];
    const stop = startHeartbeat({
      intervalMs: 30_000,
      ping: () => answers.shift()!(),
      onSilence: () => seen.push("silence"),
      onRefused: (ack) => seen.push(`refused ${ack.errcode}`),
    });
    await vi.advanceTimersByTimeAsync(29_999);
    expect(answers).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(1);
    expect(seen).toStrictEqual([]);
    await vi.advanceTimersByTimeAsync(30_000 * 3);
    expect(answers).toHaveLength(0);
    expect(seen).toStrictEqual(["refused 600", "silence"]);
    stop();
  });

  it("stops pinging, and ignores a late answer, once stopped", async () => {
    vi.useFakeTimers();
    let pings = 0;
    let answer!: (error: Error) => void;
    const seen: string[] = [];
    const stop = startHeartbeat({
      intervalMs: 1_000,
      ping: () => (pings++, new Promise((_, reject) => (answer = reject))),
      onSilence: () => seen.push("silence"),
      onRefused: () => seen.push("refused"),
    });
    await vi.advanceTimersByTimeAsync(1_000);
    stop();
    answer(new CodedError(ErrorCode.AckTimeout, "late"));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(pings).toBe(1);
    expect(seen).toStrictEqual([]);
  });
});

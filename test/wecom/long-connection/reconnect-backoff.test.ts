import { describe, expect, it } from "vitest";
import { createReconnectBackoff } from "../../../src/wecom/long-connection/reconnect-backoff.js";

const delays = (random: () => number, n = 5) => {
  const backoff = createReconnectBackoff({ minMs: 10, maxMs: 100, random });
  return Array.from({ length: n }, () => backoff.next());
};

describe("reconnect back-off", () => {
  it("draws between minMs and three times the previous delay, capped at maxMs", () => {
    expect(delays(() => 0)).toStrictEqual([10, 10, 10, 10, 10]);
    expect(delays(() => 0.999999)).toStrictEqual([30, 90, 100, 100, 100]);
    expect(delays(() => 0.5, 2)).toStrictEqual([20, 35]);
  });

  it("waits maxMs once after a penalty, then goes on from there; reset starts again from minMs", () => {
    const backoff = createReconnectBackoff({ minMs: 10, maxMs: 100, random: () => 0.999999 });
    backoff.penalise();
    expect([backoff.next(), backoff.next()]).toStrictEqual([100, 100]);
    backoff.reset();
    expect(backoff.next()).toBe(30);
    backoff.penalise();
    backoff.reset();
    expect(backoff.next()).toBe(30);
  });

  it("never goes below minMs, even with a maxMs below it", () => {
    const backoff = createReconnectBackoff({ minMs: 50, maxMs: 10, random: () => 0.5 });
    expect([backoff.next(), backoff.next()]).toStrictEqual([50, 50]);
  });
});

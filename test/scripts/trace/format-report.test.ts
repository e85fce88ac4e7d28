import { describe, expect, it } from "vitest";
import { countInSequence } from "../../../scripts/trace/format-report.js";
import type { RoundTrip } from "../../../scripts/trace/redis-trips.js";

const trip = (sentAt: number, answeredAt: number): RoundTrip => ({ walk: 0, connection: "web", commands: [], sentAt, answeredAt });

describe("countInSequence", () => {
  it("counts trips sent together as one wait, and a trip sent after another's answer as the next", () => {
    expect(countInSequence([])).toBe(0);
    expect(countInSequence([trip(0, 5), trip(1, 6)])).toBe(1);
    expect(countInSequence([trip(0, 5), trip(1, 6), trip(5, 9)])).toBe(2);
    expect(countInSequence([trip(0, 2), trip(3, 4), trip(5, 6), trip(3.5, 10)])).toBe(3);
  });
});

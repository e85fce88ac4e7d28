import { describe, expect, it } from "vitest";
import { countInSequence, describeServerSide } from "../../../scripts/trace/format-report.js";
import type { RoundTrip, ServerCommand } from "../../../scripts/trace/redis-trips.js";

const trip = (sentAt: number, answeredAt: number): RoundTrip => ({ walk: 0, connection: "web", commands: [], sentAt, answeredAt });

describe("countInSequence", () => {
  it("counts trips sent together as one wait, and a trip sent after another's answer as the next", () => {
    expect(countInSequence([])).toBe(0);
    expect(countInSequence([trip(0, 5), trip(1, 6)])).toBe(1);
    expect(countInSequence([trip(0, 5), trip(1, 6), trip(5, 9)])).toBe(2);
    expect(countInSequence([trip(0, 2), trip(3, 4), trip(5, 6), trip(3.5, 10)])).toBe(3);
  });
});

describe("describeServerSide", () => {
  const sent = (name: string, head: string): RoundTrip => ({
    walk: 0,
    connection: "web",
    commands: [{ walk: 0, connection: "web", port: 5000, name, head, detail: "", sentAt: 0 }],
    sentAt: 0,
  });

  it("matches a script the path sent by its SHA, not by the first script of that name on the connection", () => {
    const server: ServerCommand[] = [
      { source: "127.0.0.1:5000", name: "evalsha", head: "other" },
      { source: "127.0.0.1:5000", name: "evalsha", head: "record" },
      { source: "lua", name: "hset" },
      { source: "lua", name: "expire" },
    ];
    const [line] = describeServerSide([sent("evalsha", "record")], server);
    expect(line).toContain("1 of these commands executed, running 2 more inside their scripts; 1 other command(s)");
  });

  it("falls back to the name when MONITOR shows the first argument otherwise", () => {
    const [line] = describeServerSide([sent("hget", "<binary>")], [{ source: "127.0.0.1:5000", name: "hget", head: "\\x00" }]);
    expect(line).toContain("1 of these commands executed, running 0 more inside their scripts; 0 other command(s)");
  });
});

import { describe, expect, it } from "vitest";
import { readTapTopic } from "../../src/bot/tap-key.js";

describe("readTapTopic", () => {
  it("reads the t of a key of ours", () => {
    expect(readTapTopic('{"t":"incident","n":12}')).toBe("incident");
    expect(readTapTopic('{"t":"safety","p":"2026-11-24","a":"ok"}')).toBe("safety");
  });

  it("finds none in a key that is not ours", () => {
    for (const key of ["<script>", "", "12", "null", '["t"]', '{"t":12}', '{"n":12}', `{"t":"${"x".repeat(1100)}"}`]) expect(readTapTopic(key), key).toBeUndefined();
  });
});

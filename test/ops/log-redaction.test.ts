import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../src/ops/log.js";

/** The lines createLogger writes for `script` (run in a process of its own: the logger writes to fd 1). */
function linesOf(script: string): Record<string, unknown>[] {
  const source = `import { createLogger } from "./src/ops/log.ts"; const log = createLogger({ level: "info" }); ${script}`;
  const out = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", source], { encoding: "utf8" });
  return out
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("the log's secrets", () => {
  it("censors the secret fields at the top of a line and in each object there, and nothing else", () => {
    const [top, nested, child, interpolated, error] = linesOf(`
      log.info({ token: "t", key: "k", secret: "s", webhook_key: "w", encoding_aes_key: "e", msgid: "m", gone: undefined }, "top");
      log.info({ cfg: { token: "t", key: "k", secret: null, webhook_key: "w", encoding_aes_key: "e", deep: { token: "t" } }, list: [{ token: "t" }] }, "nested");
      log.child({ token: "t", x: { secret: "s" } }).child({ y: { webhook_key: "w" } }).info({ z: 1 }, "child");
      log.info("as %j", { token: "t", n: 1 });
      log.error({ err: Object.assign(new Error("boom"), { token: "t" }), cause: Object.assign(new Error("inner"), { token: "t" }) }, "failed");
    `);
    expect(top).toMatchObject({ token: "[redacted]", key: "[redacted]", secret: "[redacted]", webhook_key: "[redacted]", encoding_aes_key: "[redacted]", msgid: "m" });
    expect(top).not.toHaveProperty("gone");
    // `key` is censored at the top only; one level down only; arrays are not walked.
    expect(nested!.cfg).toEqual({ token: "[redacted]", key: "k", secret: "[redacted]", webhook_key: "[redacted]", encoding_aes_key: "[redacted]", deep: { token: "t" } });
    expect(nested!.list).toEqual([{ token: "t" }]);
    expect(child).toMatchObject({ token: "[redacted]", x: { secret: "[redacted]" }, y: { webhook_key: "[redacted]" }, z: 1 });
    expect(interpolated!.msg).toBe('as {"token":"[redacted]","n":1}');
    // An error keeps its message and stack (its serializer shows nothing else); another key's error shows its own fields, censored.
    expect(error!.err).toMatchObject({ type: "Error", message: "boom" });
    expect(JSON.stringify(error!.err)).not.toContain('"t"');
    expect(error!.cause).toEqual({ token: "[redacted]" });
  });

  it("hands back the very fields when none is secret, and copies them otherwise", () => {
    const plain = { msgid: "m", command: "safety", n: 3, at: { when: 1 } };
    expect(redactSecrets(plain)).toBe(plain);
    const holder = { cfg: { token: "t" } };
    expect(redactSecrets(holder)).toEqual({ cfg: { token: "[redacted]" } });
    expect(holder.cfg.token).toBe("t");
  });
});

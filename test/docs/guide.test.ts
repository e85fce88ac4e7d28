import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";

/**
 * The deployment guide and the operations manual do what they say: scripts/try-guide.sh runs
 * their commands in order in a temporary prefix (install, config, the systemd unit and the nginx
 * site checked by their own tools, the service started as the unit starts it, a check-in, backup,
 * restore, upgrade, the holiday import), so neither page can drift from the code. It clones the
 * committed HEAD and runs `npm ci` twice, as the guide does: a few minutes.
 */
describe("docs/zh/部署指南.md and 运维.md, walked", () => {
  it("run from a fresh prefix to a service that keeps a check-in through a restore", async () => {
    const child = spawn("bash", ["scripts/try-guide.sh"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once("exit", done));
    expect(code, output.slice(-6000)).toBe(0);
    expect(output).toContain("the guide walked");
  }, 20 * 60_000);
});

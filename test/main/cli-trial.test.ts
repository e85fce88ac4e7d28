import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { findFreePort } from "../../src/store/embedded-redis.js";
import { pinganArgs } from "../support/pingan-command.js";
import { TEST_ENV } from "../support/test-env.js";
import { waitFor } from "../support/wait-for.js";

/**
 * The admin's tools as an admin runs them, in their own processes: they answer in Chinese,
 * never with a stack trace.
 */
const ENV = { ...process.env, ...TEST_ENV, PINGAN_CONFIG: "config/pingan.example.yaml", PINGAN_NOW: "2026-11-24T09:00:00+08:00" };
const run = promisify(execFile);

describe("the command line on a trial machine", () => {
  it("pingan say to a service that is not running says so", async () => {
    const port = await findFreePort();
    const said = await run(process.execPath, pinganArgs("say", "--as", "hu_bin", "--url", `http://127.0.0.1:${port}`, "平安"), { env: ENV }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(said.code).toBe(1);
    expect(said.stderr).toContain(`连接不上 http://127.0.0.1:${port}（ECONNREFUSED）：服务没有在运行`);
    expect(said.stderr).not.toMatch(/\n\s+at /u);
  });

  it("piped into head, prints no stack trace and exits 0", async () => {
    const piped = await run("bash", ["-o", "pipefail", "-c", `"${process.execPath}" ${pinganArgs("schedule", "--days", "365").join(" ")} | head -1`], {
      env: ENV,
    });
    expect(piped.stdout).toMatch(/^配置 config\/pingan.example.yaml 的定时任务/u);
    expect(piped.stderr).toBe("");
  });

  it("pingan fake-webhook prints what a group robot receives as the group's chat, mentions by name", async () => {
    const port = await findFreePort();
    const proc = spawn(process.execPath, pinganArgs("fake-webhook", "--port", String(port)), { env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    proc.stdout.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (output += d.toString()));
    try {
      await waitFor("the fake robot to listen", () => output.includes("按 Ctrl+C 退出"));
      expect(output).toContain("群：全县校长群、局领导群");
      const send = (key: string) =>
        fetch(`http://127.0.0.1:${port}/cgi-bin/webhook/send?key=${key}`, {
          method: "POST",
          body: JSON.stringify({ msgtype: "text", text: { content: "【催报】平安日报\n· 平安县东湖镇中心小学（胡斌）", mentioned_list: ["hu_bin"] } }),
        }).then((res) => res.json() as Promise<{ errcode: number }>);
      expect(await send(TEST_ENV.WEBHOOK_KEY_PRINCIPALS)).toMatchObject({ errcode: 0 });
      // A key the config does not name is refused, as WeCom refuses it.
      expect(await send("not-a-key")).toMatchObject({ errcode: 93000 });
      await waitFor("the message to be printed", () => output.includes("@胡斌"));
      expect(output).toMatch(/── 全县校长群 ─+\n\d\d:\d\d 平安助手（推送）：【催报】平安日报\n {6}· 平安县东湖镇中心小学（胡斌）\n {6}@胡斌/u);
    } finally {
      proc.kill("SIGTERM");
    }
  });
});

import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../src/store/embedded-redis.js";
import { pinganArgs } from "../support/pingan-command.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { START_BOUND_MS, startServiceProcess, type ServiceProcess } from "../support/service-process.js";
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
      // Its start prints two lines, each a write of its own: the second may come in a later chunk.
      await waitFor("the fake robot to list its groups", () => output.includes("按 Ctrl+C 退出") && output.includes("群："), { timeoutMs: START_BOUND_MS });
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

describe("the trial that teaches", () => {
  let redis: TestRedis;
  let service: ServiceProcess;
  beforeAll(async () => {
    redis = await startTestRedis();
    service = await startServiceProcess({ REDIS_URL: redis.url, PINGAN_NOW: ENV.PINGAN_NOW });
  }, 120_000);
  afterAll(async () => {
    await service?.kill();
    await redis?.stop();
  });

  const say = (...args: string[]) =>
    run(process.execPath, pinganArgs("say", "--url", service.url, ...args), { env: ENV }).then(
      ({ stdout }) => ({ code: 0, stdout, stderr: "" }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it("pingan say shows the card 帮助 answers a principal with numbered buttons, and --tap 1 taps its first button", async () => {
    const help = await say("--as", "hu_bin", "帮助");
    expect(help.code).toBe(0);
    const buttons = [...help.stdout.matchAll(/［(\d) ([^］]+)］/gu)].map((match) => [match[1], match[2]]);
    expect(buttons.length).toBeGreaterThan(0);
    expect(buttons.map(([n]) => n)).toEqual(buttons.map((_, i) => String(i + 1)));

    const tapped = await say("--as", "hu_bin", "--tap", "1", "帮助");
    expect(tapped.code).toBe(0);
    const after = tapped.stdout.split(`（点了第 1 个按钮：${buttons[0]![1]}）\n`);
    expect(after).toHaveLength(2);
    expect(after[1]).toContain("✅ 已登记：平安县东湖镇中心小学");
    expect(tapped.stderr).toBe("");

    const noButton = await say("--as", "hu_bin", "--tap", "9", "帮助");
    expect(noButton.code).toBe(1);
    expect(noButton.stderr).toContain(`卡片上只有 ${buttons.length} 个按钮，--tap 写 1—${buttons.length}`);
  });

  it("pingan fake-webhook saves every picture it receives, prints the path, and shows the service's clock (PINGAN_NOW)", async () => {
    const port = await findFreePort();
    const dir = mkdtempSync(join(tmpdir(), "pingan-images-"));
    const proc = spawn(process.execPath, pinganArgs("fake-webhook", "--port", String(port), "--save-images", dir), { env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    proc.stdout.on("data", (d: Buffer) => (output += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (output += d.toString()));
    try {
      await waitFor("the fake robot to listen", () => output.includes("按 Ctrl+C 退出"), { timeoutMs: START_BOUND_MS });
      const png = new PNG({ width: 3, height: 2 });
      png.data.fill(200);
      const bytes = PNG.sync.write(png);
      const sent = await fetch(`http://127.0.0.1:${port}/cgi-bin/webhook/send?key=${TEST_ENV.WEBHOOK_KEY_LEADERS}`, {
        method: "POST",
        body: JSON.stringify({ msgtype: "image", image: { base64: bytes.toString("base64"), md5: createHash("md5").update(bytes).digest("hex") } }),
      }).then((res) => res.json() as Promise<{ errcode: number }>);
      expect(sent.errcode).toBe(0);
      await waitFor("the picture to be printed", () => output.includes("已保存到"));
      const [file] = readdirSync(dir);
      // PINGAN_NOW is 09:00 in Beijing; the machine's clock is not.
      expect(file).toMatch(/^局领导群-20261124-090\d\d\d-1\.png$/u);
      expect(readFileSync(join(dir, file!))).toEqual(bytes);
      expect(output).toMatch(new RegExp(`\\n09:0\\d 平安助手（推送）：\\[图片 3×2，1 KB\\] 已保存到 ${join(dir, file!)}\\n`, "u"));
    } finally {
      proc.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

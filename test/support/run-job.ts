import { runCli } from "../../src/cli/cli.js";
import type { Harness } from "./harness.js";
import { TEST_ENV } from "./test-env.js";

/**
 * `pingan run <job> [task]` as an admin runs it beside the harness's service: its own system
 * and worker on the same Redis, fake WeCom and config file, at the instant `now`. Returns the
 * exit code and what it printed.
 */
export async function runJobBeside(
  h: Harness,
  { job, task, now, dryRun, force }: { job: string; task?: string; now: string; dryRun?: boolean; force?: boolean },
): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const env = { ...TEST_ENV, PINGAN_CONFIG: h.configPath, REDIS_URL: h.redis.url, WECOM_API_BASE: h.webhook.url, PINGAN_NOW: now, LOG_LEVEL: "silent" };
  const args = ["run", job, ...(task === undefined ? [] : [task]), ...(dryRun ? ["--dry-run"] : []), ...(force ? ["--force"] : [])];
  const push = (line: string) => lines.push(line);
  const code = await runCli(["node", "pingan", ...args], env, { out: push, err: push });
  return { code, lines };
}

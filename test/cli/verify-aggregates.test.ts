import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { Redis } from "ioredis";
import { runCli } from "../../src/cli/cli.js";
import { startEmbeddedRedis, type EmbeddedRedis } from "../../src/store/embedded-redis.js";
import { recountAggregate } from "../../src/store/recount-aggregate.js";
import { createReportStore } from "../../src/store/reports.js";
import { exampleReportStore, makeReport, normal } from "../features/leaders/fixtures.js";
import { TEST_AES_KEY } from "../support/test-env.js";

const env = { WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: TEST_AES_KEY, WEBHOOK_KEY_PRINCIPALS: "kp", WEBHOOK_KEY_LEADERS: "kl" };
let dataDir: string | undefined;
let service: EmbeddedRedis | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

/** The embedded Redis of a service (PINGAN_DATA_DIR/redis) with a day of reports whose counts are off by 3. */
async function serviceWithWrongCounts() {
  dataDir = mkdtempSync(join(tmpdir(), "pingan-verify-"));
  service = await startEmbeddedRedis({ dataDir: join(dataDir, "redis") });
  const client = new Redis(service.url);
  const { roster, keys, places, store, day } = await exampleReportStore(client);
  for (const school of roster.schools.slice(0, 5)) await store.put(makeReport(day, school.code, normal));
  await client.hincrby(keys.periodCounts("safety", day.id), `reported:${roster.schools[0]!.area}`, 3);
  const differences = async (redis: Redis) => (await recountAggregate({ redis, keys, places, reports: createReportStore({ redis, keys, places }) }, "safety", day.id)).differences;
  return { client, differences, dataDir };
}

/** `pingan verify-aggregates --repair` for that day, on the service's data dir: its exit code and what it printed. */
async function repair(dataDir: string) {
  const lines: string[] = [];
  const push = (line: string) => lines.push(line);
  const args = ["verify-aggregates", "--from", "2026-11-24", "--to", "2026-11-24", "--repair"];
  const code = await runCli(["node", "pingan", ...args], { ...env, PINGAN_CONFIG: "config/pingan.example.yaml", PINGAN_DATA_DIR: dataDir }, { out: push, err: push });
  return { code, lines };
}

it("repairs the counts in the running service's embedded Redis without REDIS_URL, and leaves it running", async () => {
  const { client, differences, dataDir } = await serviceWithWrongCounts();
  expect(await differences(client)).toHaveLength(1);
  const { code, lines } = await repair(dataDir);
  expect(code).toBe(0);
  expect(lines.at(-1)).toBe("核对了 3 期，1 期不符，均已修复。");
  expect(await client.ping()).toBe("PONG");
  expect(await differences(client)).toEqual([]);
  client.disconnect();
});

it("repairs them on the service's own files while it is stopped", async () => {
  const { client, differences, dataDir } = await serviceWithWrongCounts();
  client.disconnect();
  await service!.stop();
  service = undefined;
  expect((await repair(dataDir)).lines.at(-1)).toBe("核对了 3 期，1 期不符，均已修复。");
  service = await startEmbeddedRedis({ dataDir: join(dataDir, "redis") });
  const after = new Redis(service.url);
  expect(await differences(after)).toEqual([]);
  after.disconnect();
});

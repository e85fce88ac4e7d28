import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCjkFont, type CjkFont } from "../../../src/features/tallies/find-cjk-font.js";
import { createWeekChartMaker, readChartStatus } from "../../../src/features/tallies/week-chart-maker.js";
import type { WeekChartInput } from "../../../src/features/tallies/render-week-chart.js";
import { connectRedis, waitReady, type RedisClient } from "../../../src/store/connect-redis.js";
import { createKeys } from "../../../src/store/keys.js";
import { createManualClock } from "../../../src/clock/clock.js";
import { startTestRedis, type TestRedis } from "../../support/redis.js";

const INPUT: WeekChartInput = {
  title: "平安日报 本周上报情况（11月23日）",
  areas: [{ name: "城关片区", reported: 9, expected: 10 }],
  days: [{ date: "2026-11-23", label: "周一", reported: 9, expected: 10, abnormal: 1 }],
};

let redis: TestRedis;
let client: RedisClient;
const keys = createKeys();
const log = pino({ level: "silent" });
const clock = createManualClock(new Date("2026-11-23T07:30:00+08:00"));

beforeAll(async () => {
  redis = await startTestRedis();
  client = connectRedis(redis.url, { role: "worker" });
  await waitReady(client);
});
afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

describe("createWeekChartMaker", () => {
  it("draws nothing before the workers looked for a font, and nothing without one, saying why", async () => {
    const maker = createWeekChartMaker({ redis: client, keys, log, clock });
    expect(await maker.draw(INPUT)).toBeUndefined();
    await maker.useFont({ missing: "未安装中文字体 fonts-noto-cjk" });
    expect(await maker.draw(INPUT)).toBeUndefined();
    // When it was found out: by the service's clock (PINGAN_NOW, a test's), as everything /healthz shows.
    expect(await readChartStatus(client, keys)).toEqual({ ok: false, reason: "未安装中文字体 fonts-noto-cjk", at: "2026-11-22T23:30:00.000Z" });
  });

  it("gives no picture when the renderer fails, says so, and recovers on the next good drawing", async () => {
    const font = findCjkFont();
    if ("missing" in font) throw new Error(font.missing);
    let fail = true;
    const maker = createWeekChartMaker({
      redis: client,
      keys,
      log,
      clock,
      render: async (input, options) => {
        if (fail) throw new Error("resvg exploded");
        return { png: Buffer.from(`${input.title}:${options.fontFile}`), width: 4, height: 3, svg: "" };
      },
    });
    await maker.useFont(font as CjkFont);
    expect(await maker.draw(INPUT)).toBeUndefined();
    expect(await readChartStatus(client, keys)).toMatchObject({ ok: false, reason: expect.stringContaining("resvg exploded") });
    fail = false;
    clock.set(new Date("2026-11-27T18:00:00+08:00"));
    const image = await maker.draw(INPUT);
    expect(image?.png.toString()).toBe(`${INPUT.title}:${font.file}`);
    expect(await readChartStatus(client, keys)).toMatchObject({ ok: true, font: font.file, at: "2026-11-27T10:00:00.000Z", last: { width: 4, height: 3 } });
  });
});

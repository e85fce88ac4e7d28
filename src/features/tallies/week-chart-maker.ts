import type { Logger } from "pino";
import type { PushImage } from "../../message/push.js";
import type { RedisClient } from "../../store/connect-redis.js";
import type { Keys } from "../../store/keys.js";
import type { Clock } from "../../clock/clock.js";
import type { CjkFont, CjkFontMissing } from "./find-cjk-font.js";
import { renderWeekChart, type WeekChartInput } from "./render-week-chart.js";
import { scheduleText } from "./tally-text.js";

/** Whether the workers can draw the week chart, as /healthz shows it. */
export interface ChartStatus {
  ok: boolean;
  /** Why not, in Chinese (no font, or the last drawing failed). */
  reason?: string;
  /** The font file in use. */
  font?: string;
  /** When this was last found out (ISO). */
  at: string;
  /** The last picture: its size in bytes and how long it took to draw. */
  last?: { bytes: number; width: number; height: number; ms: number };
}

/** Draws the week chart on the workers; a picture that cannot be drawn never stops the text. */
export interface WeekChartMaker {
  /** Takes the font found at start (or why there is none) and records it for /healthz. */
  useFont(font: CjkFont | CjkFontMissing): Promise<void>;
  /** The chart as a push's image, or undefined (logged, and shown on /healthz) when it cannot be drawn. */
  draw(input: WeekChartInput): Promise<PushImage | undefined>;
}

export interface WeekChartMakerOptions {
  redis: RedisClient;
  keys: Keys;
  log: Pick<Logger, "info" | "warn">;
  /** When the status was found out, as /healthz shows it. */
  clock: Clock;
  /** renderWeekChart unless a test gives another. */
  render?: typeof renderWeekChart;
}

export function createWeekChartMaker({ redis, keys, log, clock, render = renderWeekChart }: WeekChartMakerOptions): WeekChartMaker {
  let font: CjkFont | CjkFontMissing | undefined;
  const record = async (status: ChartStatus) => {
    // The status is for people; a Redis hiccup here must not cost the push.
    await redis.set(keys.chartStatus(), JSON.stringify(status)).catch((error: unknown) => log.warn({ err: error }, "chart status not recorded"));
  };
  return {
    async useFont(found) {
      font = found;
      const at = clock.now().toISOString();
      if ("missing" in found) {
        log.warn({ reason: found.missing }, "no CJK font: pushes go without the week chart");
        await record({ ok: false, reason: found.missing, at });
      } else {
        log.info({ font: found.file }, "week chart font");
        await record({ ok: true, font: found.file, at });
      }
    },
    async draw(input) {
      if (!font) return undefined;
      if ("missing" in font) return undefined;
      const started = performance.now();
      try {
        const chart = await render(input, { fontFile: font.file, fontFamily: font.family, ...(font.boldFile && { boldFontFile: font.boldFile }) });
        const last = { bytes: chart.png.length, width: chart.width, height: chart.height, ms: Math.round(performance.now() - started) };
        log.info({ title: input.title, ...last }, "week chart drawn");
        await record({ ok: true, font: font.file, at: clock.now().toISOString(), last });
        return { png: chart.png, title: scheduleText.chartName };
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        log.warn({ err: error, title: input.title }, "week chart failed: the text goes alone");
        await record({ ok: false, reason: scheduleText.chartFailed(why), font: font.file, at: clock.now().toISOString() });
        return undefined;
      }
    },
  };
}

/** What the workers last recorded; undefined before any worker started. */
export async function readChartStatus(redis: RedisClient, keys: Keys): Promise<ChartStatus | undefined> {
  const raw = await redis.get(keys.chartStatus());
  return raw ? (JSON.parse(raw) as ChartStatus) : undefined;
}

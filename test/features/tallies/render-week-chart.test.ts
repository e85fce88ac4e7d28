import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import {
  renderWeekChart,
  WECOM_IMAGE_LIMIT,
  type WeekChartArea,
  type WeekChartDay,
  type WeekChartInput,
} from "../../../src/features/tallies/render-week-chart.js";
import { useCjkFont } from "../../support/cjk-font.js";

const ARTIFACT = join(dirname(fileURLToPath(import.meta.url)), "../../artifacts/week-chart.png");

// The colours the chart promises: bands by rate, red for abnormal days.
const GREEN = [0x16, 0xa3, 0x4a] as const;
const BLUE = [0x3b, 0x82, 0xf6] as const;
const ORANGE = [0xf9, 0x73, 0x16] as const;
const RED = [0xdc, 0x26, 0x26] as const;
// A legend swatch is 16×16; a bar is hundreds of pixels long.
const SWATCH = 16 * 16 + 100;

const AREAS: WeekChartArea[] = [
  { name: "城关片区", expected: 60, reported: 60 },
  { name: "东城片区", expected: 45, reported: 44 },
  { name: "西城片区", expected: 50, reported: 48 },
  { name: "南山片区", expected: 35, reported: 35 },
  { name: "北塘片区", expected: 40, reported: 36 },
  { name: "河口镇片区", expected: 25, reported: 25 },
  { name: "新民乡片区", expected: 30, reported: 27 },
  { name: "柳树坪片区", expected: 20, reported: 20 },
];
const DAYS: WeekChartDay[] = [
  { date: "2024-11-25", label: "周一", expected: 305, reported: 300, abnormal: 0 },
  { date: "2024-11-26", label: "周二", expected: 305, reported: 298, abnormal: 0 },
  { date: "2024-11-27", label: "周三", expected: 305, reported: 290, abnormal: 1 },
  { date: "2024-11-28", label: "周四", expected: 305, reported: 303, abnormal: 0 },
  { date: "2024-11-29", label: "周五", expected: 305, reported: 285, abnormal: 0 },
];
const WEEK: WeekChartInput = { title: "平安日报 本周上报情况（11月25日—11月29日）", areas: AREAS, days: DAYS };

const cjkFont = useCjkFont();

function render(input: WeekChartInput, extra: { width?: number; height?: number; pixelRatio?: number } = {}) {
  return renderWeekChart(input, { fontFile: cjkFont().file, boldFontFile: cjkFont().boldFile, fontFamily: cjkFont().family, ...extra });
}

type Rgb = readonly [number, number, number];

/** Pixels in the rectangle [x0, x1) × [y0, y1) (fractions of the image) that satisfy `test`. */
function count(png: PNG, box: [number, number, number, number], test: (rgb: Rgb) => boolean): number {
  const [x0, y0, x1, y1] = box;
  let n = 0;
  for (let y = Math.floor(y0 * png.height); y < Math.floor(y1 * png.height); y += 1) {
    for (let x = Math.floor(x0 * png.width); x < Math.floor(x1 * png.width); x += 1) {
      const i = (y * png.width + x) * 4;
      if (test([png.data[i]!, png.data[i + 1]!, png.data[i + 2]!])) n += 1;
    }
  }
  return n;
}

const near = (colour: Rgb) => (rgb: Rgb) => rgb.every((v, i) => Math.abs(v - colour[i]!) <= 10);
const dark = (rgb: Rgb) => rgb.every((v) => v < 110);
const WHOLE: [number, number, number, number] = [0, 0, 1, 1];

/** Rate with one decimal, computed here rather than copied from the code under test. */
const percent = (reported: number, expected: number) => `${((reported / expected) * 100).toFixed(1)}%`;

describe("renderWeekChart", () => {
  it("draws a realistic week at the asked size, under WeCom's 2 MB, with a title and coloured bars", async () => {
    const started = performance.now();
    const chart = await render(WEEK);
    const elapsed = Math.round(performance.now() - started);
    mkdirSync(dirname(ARTIFACT), { recursive: true });
    writeFileSync(ARTIFACT, chart.png);
    console.log(`week chart: ${chart.png.length} bytes in ${elapsed} ms → ${ARTIFACT}`);

    const png = PNG.sync.read(chart.png);
    expect([png.width, png.height]).toEqual([1200, 800]);
    expect([chart.width, chart.height]).toEqual([1200, 800]);
    expect(chart.png.length).toBeLessThan(WECOM_IMAGE_LIMIT);

    // The title band: text, not an empty strip and not a solid block.
    const titleBand = count(png, [0, 0, 1, 0.1], dark);
    expect(titleBand).toBeGreaterThan(2000);
    expect(titleBand).toBeLessThan(0.3 * png.width * png.height * 0.1);

    // Bars: four areas at 100% (green), four between 90% and 100% (blue), none below 90%.
    const body: [number, number, number, number] = [0, 0.25, 0.6, 1];
    expect(count(png, body, near(GREEN))).toBeGreaterThan(10 * SWATCH);
    expect(count(png, body, near(BLUE))).toBeGreaterThan(10 * SWATCH);
    expect(count(png, body, near(ORANGE))).toBeLessThan(SWATCH);
    // The abnormal Wednesday is marked in red in the trend panel.
    expect(count(png, [0.6, 0.2, 1, 1], near(RED))).toBeGreaterThan(200);
  });

  it("writes every rate with one decimal and the week's totals", async () => {
    const { svg } = await render(WEEK);
    for (const area of AREAS) {
      expect(svg).toContain(area.name);
      expect(svg).toContain(percent(area.reported, area.expected));
      expect(svg).toContain(`${area.reported}/${area.expected}`);
    }
    for (const day of DAYS) expect(svg).toContain(percent(day.reported, day.expected));
    const reported = DAYS.reduce((sum, d) => sum + d.reported, 0);
    const expected = DAYS.reduce((sum, d) => sum + d.expected, 0);
    expect(svg).toContain(`已报 ${reported}`);
    expect(svg).toContain(percent(reported, expected));
    expect(svg).toContain("异常 1");
    expect(svg).toContain("异常报告 1 起");
  });

  it("marks nothing in red in a week without abnormal reports", async () => {
    const calm = { ...WEEK, days: DAYS.map((d) => ({ ...d, abnormal: 0 })) };
    const chart = await render(calm);
    expect(chart.svg).toContain("无异常报告");
    expect(chart.svg).not.toContain("异常 ");
    expect(count(PNG.sync.read(chart.png), WHOLE, near(RED))).toBeLessThan(20);
  });

  it("colours an area under 90% orange", async () => {
    const lagging = { ...WEEK, areas: [...AREAS, { name: "石门片区", expected: 40, reported: 30 }] };
    const png = PNG.sync.read((await render(lagging)).png);
    expect(count(png, [0, 0.25, 0.6, 1], near(ORANGE))).toBeGreaterThan(10 * SWATCH);
  });

  it("shows a day and an area with nothing expected as — without a bar, never NaN", async () => {
    const input: WeekChartInput = {
      ...WEEK,
      areas: [{ name: "新建片区", expected: 0, reported: 0 }],
      days: DAYS.map((d, i) => (i === 2 ? { ...d, expected: 0, reported: 0 } : d)),
    };
    const chart = await render(input);
    expect(chart.svg).not.toMatch(/NaN|Infinity/);
    expect(chart.svg).toContain("— 无应报");
    expect(chart.svg).toContain("无需上报");
    const png = PNG.sync.read(chart.png);
    expect([png.width, png.height]).toEqual([1200, 800]);
    for (const colour of [GREEN, BLUE, ORANGE]) expect(count(png, [0, 0.25, 0.6, 1], near(colour))).toBeLessThan(SWATCH);
  });

  it("draws a week where nothing at all was expected", async () => {
    const input: WeekChartInput = {
      ...WEEK,
      areas: AREAS.map((a) => ({ ...a, expected: 0, reported: 0 })),
      days: DAYS.map((d) => ({ ...d, expected: 0, reported: 0, abnormal: 0 })),
    };
    const chart = await render(input);
    expect(chart.svg).not.toMatch(/NaN|Infinity/);
    expect(chart.svg).toContain(">—<");
    expect(PNG.sync.read(chart.png).width).toBe(1200);
  });

  it("keeps 40 areas legible: every name, rate and count is drawn, in two columns", async () => {
    const areas = Array.from({ length: 40 }, (_, i) => ({
      name: `片区${String(i + 1).padStart(2, "0")}`,
      expected: 20 + i,
      reported: 20 + i - (i % 5),
    }));
    const chart = await render({ ...WEEK, areas });
    const png = PNG.sync.read(chart.png);
    expect([png.width, png.height]).toEqual([1200, 800]);
    expect(chart.png.length).toBeLessThan(WECOM_IMAGE_LIMIT);
    for (const area of areas) {
      expect(chart.svg).toContain(`>${area.name}<`);
      expect(chart.svg).toContain(percent(area.reported, area.expected));
    }
    // Bars on both sides of the left panel's middle: the second column exists.
    const barColour = (rgb: Rgb) => [GREEN, BLUE, ORANGE].some((c) => near(c)(rgb));
    expect(count(png, [0, 0.3, 0.33, 1], barColour)).toBeGreaterThan(10 * SWATCH);
    expect(count(png, [0.33, 0.3, 0.66, 1], barColour)).toBeGreaterThan(10 * SWATCH);
  });

  it("draws at twice the pixels for dense screens and upright for phones, still under 2 MB", async () => {
    const crisp = await render(WEEK, { pixelRatio: 2 });
    expect([crisp.width, crisp.height]).toEqual([2400, 1600]);
    expect(PNG.sync.read(crisp.png).width).toBe(2400);
    expect(crisp.png.length).toBeLessThan(WECOM_IMAGE_LIMIT);

    const upright = PNG.sync.read((await render(WEEK, { width: 900, height: 1200 })).png);
    expect([upright.width, upright.height]).toEqual([900, 1200]);
    expect(count(upright, [0, 0, 1, 0.07], dark)).toBeGreaterThan(2000);
  });

  it("refuses a font file that does not exist instead of drawing a chart without text", async () => {
    await expect(renderWeekChart(WEEK, { fontFile: "/nonexistent/font.ttc" })).rejects.toThrow(/font file not found/);
  });
});

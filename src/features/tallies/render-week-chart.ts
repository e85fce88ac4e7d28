import { existsSync } from "node:fs";
import { renderAsync } from "@resvg/resvg-js";
import * as echarts from "echarts";
import { createChartFonts, type ChartFonts } from "./chart-fonts.js";

/** One area's (片区) safety reports over the week, in school-days. */
export interface WeekChartArea {
  readonly name: string;
  readonly reported: number;
  readonly expected: number;
}

/** One day of the week. */
export interface WeekChartDay {
  /** YYYY-MM-DD. */
  readonly date: string;
  /** 周一 … 周日. */
  readonly label: string;
  readonly reported: number;
  readonly expected: number;
  /** Schools that reported something abnormal that day. */
  readonly abnormal: number;
}

/** What the picture shows. */
export interface WeekChartInput {
  /** E.g. "平安日报 本周上报情况（11月23日—11月27日）". */
  readonly title: string;
  /** The heading over the bars; 各片区本周上报率 by default. */
  readonly areasHeading?: string;
  /** A bar each: the 片区, or above a county its counties or cities. */
  readonly areas: readonly WeekChartArea[];
  readonly days: readonly WeekChartDay[];
}

/** How the picture is drawn. */
export interface WeekChartOptions {
  /** A font file with Chinese glyphs (see findCjkFont); no system font is loaded. */
  fontFile: string;
  /** The same family in bold; without it bold text is drawn in the regular weight. */
  boldFontFile?: string;
  /** The family name inside fontFile that resvg matches; "Noto Sans CJK SC" by default. */
  fontFamily?: string;
  /** Layout width in CSS pixels; 1200 by default. Text and margins scale with the smaller side. */
  width?: number;
  /** Layout height in CSS pixels; 800 by default. Taller than wide stacks the trend above the bars. */
  height?: number;
  /**
   * Device pixels per layout pixel (2 for a crisper picture on dense phone screens). resvg draws
   * the vectors at that scale, so text stays sharp instead of being an enlarged bitmap. 1 by default.
   */
  pixelRatio?: number;
  /** Areas lowest rate first (the ones to chase on top), or as given. "rate" by default. */
  order?: "rate" | "given";
}

/** The rendered picture. */
export interface WeekChart {
  readonly png: Buffer;
  /** Pixels of the PNG (layout size × pixelRatio). */
  readonly width: number;
  readonly height: number;
  /** The SVG that ECharts drew and resvg rasterised: for a browser preview, or to read its text. */
  readonly svg: string;
}

/** WeCom accepts images up to 2 MB before base64 (wecom-protocol.md, images in group-robot pushes). */
export const WECOM_IMAGE_LIMIT = 2 * 1024 * 1024;

const DEFAULT_FAMILY = "Noto Sans CJK SC";
const INK = "#1f2937";
const MUTED = "#6b7280";
const GRID_LINE = "#e5e7eb";
const ALERT = "#dc2626";
const ALERT_BACKGROUND = "#fee2e2";
const LINE = "#2563eb";
const BANDS = [
  { gte: 100, label: "全部上报", color: "#16a34a" },
  { gte: 90, lt: 100, label: "90% 以上", color: "#3b82f6" },
  { lt: 90, label: "不足 90%", color: "#f97316" },
] as const;

/**
 * Draws the week's safety-report picture for the leaders' group: each area's reporting rate as
 * bars, the daily rate as a line, days with abnormal reports marked in red. ECharts lays it out as
 * SVG (no browser, no canvas); resvg turns it into a PNG with the given font only, so the
 * picture looks the same on every server, cut to the characters drawn (chartFontsOf). resvg
 * draws on the thread pool (renderAsync), never holding the event loop, so several charts draw
 * at once (CHARTS_AT_ONCE) while the process goes on answering.
 */
export async function renderWeekChart(input: WeekChartInput, options: WeekChartOptions): Promise<WeekChart> {
  const width = options.width ?? 1200;
  const height = options.height ?? 800;
  const pixelRatio = options.pixelRatio ?? 1;
  const family = options.fontFamily ?? DEFAULT_FAMILY;
  // resvg draws no text at all when a font file is missing: a picture of bare bars, no error.
  for (const file of [options.fontFile, options.boldFontFile]) {
    if (file !== undefined && !existsSync(file)) throw new Error(`font file not found: ${file}`);
  }
  if (!(pixelRatio > 0 && width > 0 && height > 0)) {
    throw new Error(`week chart size must be positive: ${width}×${height} at ${pixelRatio}×`);
  }

  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  let svg: string;
  try {
    chart.setOption(buildOption(input, { width, height, family, order: options.order ?? "rate" }));
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }

  const fonts = await chartFontsOf(options.boldFontFile ? [options.fontFile, options.boldFontFile] : [options.fontFile], family).lease(svg);
  let image;
  try {
    image = await renderAsync(svg, {
      // A transparent PNG turns black behind dark text in WeCom's dark mode.
      background: "#ffffff",
      fitTo: { mode: "zoom", value: pixelRatio },
      font: {
        fontFiles: [...fonts.files],
        // System fonts would make the picture depend on the server; the named files are enough.
        loadSystemFonts: false,
        defaultFontFamily: family,
      },
    });
  } finally {
    fonts.release();
  }
  const png = image.asPng();
  if (png.length >= WECOM_IMAGE_LIMIT) {
    throw new Error(`week chart PNG is ${png.length} bytes, over WeCom's 2 MB image limit`);
  }
  return { png, width: image.width, height: image.height, svg };
}

const chartFonts = new Map<string, ChartFonts>();

/** One cut of the fonts a process draws with, kept across charts. */
function chartFontsOf(files: readonly string[], family: string): ChartFonts {
  const key = JSON.stringify([files, family]);
  let fonts = chartFonts.get(key);
  if (!fonts) {
    fonts = createChartFonts(files, family);
    chartFonts.set(key, fonts);
  }
  return fonts;
}

interface Layout {
  width: number;
  height: number;
  family: string;
  order: "rate" | "given";
}

interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Percent with one decimal, or null when nothing was expected (never NaN or Infinity). */
function rateOf(reported: number, expected: number): number | null {
  if (!(expected > 0)) return null;
  return Math.round((reported * 1000) / expected) / 10;
}

function formatRate(rate: number): string {
  return `${rate.toFixed(1)}%`;
}

function buildOption(input: WeekChartInput, layout: Layout): echarts.EChartsCoreOption {
  const { width, height } = layout;
  const portrait = height > width;
  // One unit is a pixel of the 1200×800 design (800×1200 upright); every size below is in units.
  const u = Math.min(Math.max(width, height) / 1200, Math.min(width, height) / 800);
  const pad = 36 * u;
  const sectionTop = 140 * u;
  const sectionGap = 76 * u;

  const trendHeight = portrait ? Math.round((height - sectionTop) * 0.34) : height - sectionTop - pad;
  const barsTop = (portrait ? sectionTop + trendHeight + 24 * u : sectionTop) + sectionGap;
  const barsHeight = height - barsTop - pad;
  const columns = countColumns(input.areas.length, barsHeight, u);
  const barsWidth = portrait ? width - 2 * pad : (width - 2 * pad) * (columns > 1 ? 0.64 : 0.56);
  const bars: Rect = { left: pad, top: barsTop, width: barsWidth, height: barsHeight };
  const placed = areaChart(input.areas, bars, columns, layout.order, u);
  const trendLeft = portrait ? pad : pad + bars.width + 48 * u;
  const trend: Rect = {
    left: trendLeft,
    top: sectionTop + 40 * u,
    width: width - pad - trendLeft,
    height: trendHeight - 40 * u,
  };
  const days = dayChart(input.days, trend, columns, u);
  const titleSize = Math.min(34 * u, (width - 2 * pad) / emWidth(input.title));

  const section = (text: string, left: number, top: number) => ({
    text,
    left,
    top,
    textStyle: { fontSize: 23 * u, fontWeight: "bold", color: INK },
  });

  return {
    animation: false,
    backgroundColor: "#ffffff",
    textStyle: { fontFamily: layout.family },
    title: [
      {
        text: input.title,
        subtext: formatSummary(input.days),
        left: pad,
        top: 26 * u,
        itemGap: 12 * u,
        textStyle: { fontSize: titleSize, fontWeight: "bold", color: INK, width: width - 2 * pad, overflow: "truncate" },
        subtextStyle: {
          rich: {
            plain: { fontSize: 20 * u, color: MUTED },
            strong: { fontSize: 20 * u, color: INK, fontWeight: "bold" },
            alert: { fontSize: 20 * u, color: ALERT, fontWeight: "bold" },
            dot: { fontSize: 20 * u, color: MUTED, padding: [0, 10 * u] },
          },
        },
      },
      section(input.areasHeading ?? "各片区本周上报率", bars.left, bars.top - sectionGap),
      section("每日上报率", trend.left, trend.top - 40 * u),
    ],
    visualMap: {
      type: "piecewise",
      seriesIndex: placed.series.map((_, i) => i),
      dimension: 0,
      pieces: BANDS.map((band) => ({ ...band })),
      // ECharts lists horizontal pieces last first; inverse puts 全部上报 first.
      inverse: true,
      orient: "horizontal",
      left: bars.left,
      top: bars.top - sectionGap + 38 * u,
      itemWidth: 16 * u,
      itemHeight: 16 * u,
      itemGap: 18 * u,
      textGap: 6 * u,
      textStyle: { fontSize: 16 * u, color: MUTED },
      selectedMode: false,
    },
    grid: [...placed.grids, days.grid],
    xAxis: [...placed.xAxes, days.xAxis],
    yAxis: [...placed.yAxes, days.yAxis],
    series: [...placed.series, ...days.series],
  };
}

/** Rows of at least 24 units (names at 14) fit in a column; the rest go into more columns. */
function countColumns(areas: number, height: number, u: number): number {
  const rows = Math.max(1, Math.floor(height / (24 * u)));
  return Math.max(1, Math.ceil(areas / rows));
}

/** Rough width of a text in ems: CJK and full-width characters are 1, others about 0.6. */
function emWidth(text: string): number {
  let ems = 0;
  for (const char of text) ems += char.charCodeAt(0) > 0x2e80 ? 1 : 0.6;
  return Math.max(1, ems);
}

interface Panel {
  grids: object[];
  xAxes: object[];
  yAxes: object[];
  series: object[];
}

/**
 * Horizontal bars, one row per area, so Chinese names read without rotation; past about 20 rows
 * they wrap into a second column instead of shrinking below legibility.
 */
function areaChart(input: readonly WeekChartArea[], box: Rect, columns: number, order: "rate" | "given", u: number): Panel {
  const areas = input.map((area, index) => ({ ...area, index, rate: rateOf(area.reported, area.expected) }));
  if (order === "rate") {
    areas.sort((a, b) => (a.rate ?? Infinity) - (b.rate ?? Infinity) || a.index - b.index);
  }
  const perColumn = Math.max(1, Math.ceil(areas.length / columns));
  const row = Math.min(box.height / perColumn, 64 * u);
  const fontSize = Math.max(12 * u, Math.min(20 * u, row * 0.58));
  const gap = 28 * u;
  const columnWidth = (box.width - (columns - 1) * gap) / columns;
  const longest = Math.max(2, ...areas.map((a) => a.name.length));
  const nameWidth = Math.min(columnWidth * 0.34, fontSize * (longest + 0.5) + 10 * u);
  const valueWidth = fontSize * 6.4;

  const panel: Panel = { grids: [], xAxes: [], yAxes: [], series: [] };
  for (let c = 0; c < columns; c += 1) {
    const slice = areas.slice(c * perColumn, (c + 1) * perColumn);
    panel.grids.push({
      left: box.left + c * (columnWidth + gap) + nameWidth,
      top: box.top,
      width: Math.max(10 * u, columnWidth - nameWidth - valueWidth),
      height: row * Math.max(1, slice.length),
    });
    panel.xAxes.push({
      type: "value",
      gridIndex: c,
      min: 0,
      max: Math.max(100, ...slice.map((a) => a.rate ?? 0)),
      show: false,
    });
    panel.yAxes.push({
      type: "category",
      gridIndex: c,
      inverse: true,
      data: slice.map((a) => a.name),
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: { fontSize, color: INK, width: nameWidth - 10 * u, overflow: "truncate", margin: 10 * u },
    });
    panel.series.push({
      type: "bar",
      xAxisIndex: c,
      yAxisIndex: c,
      barWidth: Math.min(row * 0.62, 30 * u),
      showBackground: true,
      backgroundStyle: { color: "#f3f4f6", borderRadius: 4 * u },
      itemStyle: { borderRadius: 4 * u },
      label: {
        show: true,
        position: "right",
        distance: 8 * u,
        formatter: (p: { dataIndex: number }) => {
          const area = slice[p.dataIndex];
          if (!area || area.rate === null) return "{none|— 无应报}";
          return `{rate|${formatRate(area.rate)}}{count|${area.reported}/${area.expected}}`;
        },
        rich: {
          rate: { fontSize, color: INK, fontWeight: "bold" },
          // Padding, not a space: resvg collapses leading white space in a text run.
          count: { fontSize: fontSize * 0.82, color: MUTED, padding: [0, 0, 0, fontSize * 0.4] },
          none: { fontSize: fontSize * 0.9, color: MUTED },
        },
      },
      // A missing rate draws no bar; 0 keeps its "—" label at the start of the row.
      data: slice.map((a) => a.rate ?? 0),
    });
  }
  return panel;
}

interface DayPanel {
  grid: object;
  xAxis: object;
  yAxis: object;
  series: object[];
}

/** The daily rate as a line; a red dot and badge on days with abnormal reports. */
function dayChart(input: readonly WeekChartDay[], box: Rect, gridIndex: number, u: number): DayPanel {
  const days = input.map((day, index) => ({ ...day, index, rate: rateOf(day.reported, day.expected) }));
  const rates = days.flatMap((d) => (d.rate === null ? [] : [d.rate]));
  // Zoomed to the week's range, but in whole tens, so a 2-point dip does not look like a fall.
  const min = Math.max(0, Math.floor((Math.min(100, ...rates) - 2) / 10) * 10);
  const max = Math.max(100, ...rates);
  const abnormal = days.filter((d) => d.abnormal > 0);
  const grid = { left: box.left + 64 * u, top: box.top + 36 * u, width: box.width - 84 * u, height: box.height - 36 * u - 96 * u };
  // Each day's three-line label must fit its slot, or neighbours run together.
  const slot = grid.width / Math.max(1, days.length);
  const daySize = Math.min(20 * u, slot / 2.6);
  const counts = days.map((d) => (d.rate === null ? "无需上报" : `${d.reported}/${d.expected}`));
  const smallSize = Math.min(16 * u, (slot * 0.92) / Math.max(3, ...counts.map(emWidth)));
  const pointLabel = {
    fontSize: 19 * u,
    fontWeight: "bold",
    color: LINE,
    // The line must not run through the figure.
    backgroundColor: "#ffffff",
    padding: [2 * u, 4 * u],
  };

  return {
    grid,
    xAxis: {
      type: "category",
      gridIndex,
      data: days.map((d) => d.label),
      axisTick: { show: false },
      axisLine: { lineStyle: { color: GRID_LINE } },
      axisLabel: {
        interval: 0,
        margin: 14 * u,
        lineHeight: 26 * u,
        formatter: (_: string, index: number) => {
          const day = days[index];
          if (!day) return "";
          const head = day.abnormal > 0 ? `{alert|${day.label}}` : `{day|${day.label}}`;
          return `${head}\n{small|${formatMonthDay(day.date)}}\n{small|${counts[index]}}`;
        },
        rich: {
          day: { fontSize: daySize, color: INK },
          alert: { fontSize: daySize, color: ALERT, fontWeight: "bold" },
          small: { fontSize: smallSize, color: MUTED },
        },
      },
    },
    yAxis: {
      type: "value",
      gridIndex,
      min,
      max,
      interval: max - min <= 10 ? 2 : max - min <= 20 ? 5 : 10,
      axisLabel: { fontSize: 16 * u, color: MUTED, formatter: "{value}%" },
      splitLine: { lineStyle: { color: GRID_LINE } },
    },
    series: [
      {
        type: "line",
        xAxisIndex: gridIndex,
        yAxisIndex: gridIndex,
        color: LINE,
        lineStyle: { width: 3 * u },
        symbol: "circle",
        symbolSize: 11 * u,
        label: {
          show: true,
          position: "top",
          distance: 10 * u,
          ...pointLabel,
          formatter: (p: { value: unknown }) => (typeof p.value === "number" ? formatRate(p.value) : ""),
        },
        // "-" is ECharts' "no value": the line breaks there instead of dropping to 0.
        data: days.map((d) => d.rate ?? "-"),
      },
      {
        type: "scatter",
        xAxisIndex: gridIndex,
        yAxisIndex: gridIndex,
        symbol: "circle",
        symbolSize: 20 * u,
        // Scatter points are translucent by default; the alert must be the same red as its badge.
        itemStyle: { color: ALERT, opacity: 1, borderColor: "#ffffff", borderWidth: 3 * u },
        z: 5,
        label: {
          show: true,
          position: "bottom",
          distance: 10 * u,
          formatter: (p: { dataIndex: number }) => `异常 ${abnormal[p.dataIndex]?.abnormal ?? ""}`,
          fontSize: 18 * u,
          fontWeight: "bold",
          color: ALERT,
          backgroundColor: ALERT_BACKGROUND,
          borderRadius: 4 * u,
          padding: [4 * u, 10 * u],
        },
        // A day with nothing expected has no point on the line; its badge sits at the top.
        data: abnormal.map((d) => [d.index, d.rate ?? max]),
      },
    ],
  };
}

/** The line under the title: the week's totals and its abnormal reports. */
function formatSummary(days: readonly WeekChartDay[]): string {
  const reported = days.reduce((sum, d) => sum + d.reported, 0);
  const expected = days.reduce((sum, d) => sum + d.expected, 0);
  const abnormal = days.reduce((sum, d) => sum + d.abnormal, 0);
  const rate = rateOf(reported, expected);
  const parts = [
    `{plain|应报 ${expected} 校次}`,
    `{plain|已报 ${reported}}`,
    `{plain|全周上报率 }{strong|${rate === null ? "—" : formatRate(rate)}}`,
    abnormal > 0 ? `{alert|异常报告 ${abnormal} 起}` : "{plain|无异常报告}",
  ];
  return parts.join("{dot|·}");
}

/** "2024-11-25" → "11/25". */
function formatMonthDay(date: string): string {
  const match = /^\d{4}-(\d{2})-(\d{2})$/.exec(date);
  return match ? `${Number(match[1])}/${Number(match[2])}` : date;
}

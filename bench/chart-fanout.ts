/**
 * The week chart of a daily tally (or the weekly roll-up) fanned out to every leaders group of a
 * tree (issue 25): one per county, one per city, the province's, and the unbound `leaders` beside
 * the province's, which tells of the same schools.
 *
 *   npm run bench:charts [-- --cities 2 --counties-per-city 2 --areas 8]
 *
 * Two ways in the same run, the first the baseline: each group's chart drawn in turn (as the job
 * drew them before: a chart per group, one after the other), and each roster's chart once for its
 * groups (groupsByScope), CHARTS_AT_ONCE at a time (mapBounded), as the jobs draw them now. Each
 * prints its wall time, the time per chart and the longest the event loop was held meanwhile
 * (a timer every 10 ms, measured late), which is what callbacks and queue locks wait behind.
 * Line: `chart-fanout: groups=G charts=C serial_ms= bounded_ms= ratio= serial_max_block_ms= bounded_max_block_ms=`.
 */
import { parseArgs } from "node:util";
import { CHARTS_AT_ONCE, mapBounded } from "../jobs/map-bounded.js";
import { findCjkFont } from "../src/features/tallies/find-cjk-font.js";
import { renderWeekChart, type WeekChartInput } from "../src/features/tallies/render-week-chart.js";
import { describeMachine, fmt } from "./support/stats.js";

const { values: args } = parseArgs({
  options: {
    cities: { type: "string", default: "2" },
    "counties-per-city": { type: "string", default: "2" },
    areas: { type: "string", default: "8" },
  },
});
const cities = Number(args.cities);
const perCity = Number(args["counties-per-city"]);
const areas = Number(args.areas);

const font = findCjkFont();
if ("missing" in font) throw new Error(font.missing);
const options = { fontFile: font.file, fontFamily: font.family, ...(font.boldFile && { boldFontFile: font.boldFile }) };

const DAYS = ["周一", "周二", "周三", "周四", "周五"].map((label, i) => ({ date: `2026-11-${23 + i}`, label, reported: 0, expected: 0, abnormal: i % 2 }));
function chartOf(name: string, parts: readonly string[], schools: number): WeekChartInput {
  const per = Math.max(1, Math.round(schools / parts.length));
  return {
    title: `平安日报 本周上报情况（11月23日—11月27日）${name}`,
    areas: parts.map((part, i) => ({ name: part, reported: per * 5 - (i % 4), expected: per * 5 })),
    days: DAYS.map((day, i) => ({ ...day, reported: schools - i, expected: schools })),
  };
}

/** Every group's chart: a county's by its 片区, a city's by its counties, the province's by its cities; `leaders` the province's again. */
const schoolsPerArea = 25;
const countyCharts: WeekChartInput[] = [];
const cityCharts: WeekChartInput[] = [];
for (let c = 0; c < cities; c += 1) {
  const counties = Array.from({ length: perCity }, (_, k) => `第${c + 1}市第${k + 1}县`);
  for (const county of counties) countyCharts.push(chartOf(county, Array.from({ length: areas }, (_, a) => `第${a + 1}片区`), areas * schoolsPerArea));
  cityCharts.push(chartOf(`第${c + 1}市`, counties, perCity * areas * schoolsPerArea));
}
const province = chartOf("平安省", Array.from({ length: cities }, (_, c) => `第${c + 1}市`), cities * perCity * areas * schoolsPerArea);
const byRoster = [province, ...cityCharts, ...countyCharts];
const byGroup = [province, province, ...cityCharts, ...countyCharts];

/** Runs `work` while a 10 ms timer measures how late it fires: the longest the event loop was held. */
async function measure(work: () => Promise<unknown>): Promise<{ ms: number; maxBlockMs: number }> {
  let maxBlockMs = 0;
  let expected = performance.now() + 10;
  const timer = setInterval(() => {
    const now = performance.now();
    maxBlockMs = Math.max(maxBlockMs, now - expected);
    expected = now + 10;
  }, 10);
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  clearInterval(timer);
  return { ms, maxBlockMs: Math.max(maxBlockMs, performance.now() - expected) };
}

console.log(`# bench:chart-fanout — ${describeMachine()}`);
// Warm up ECharts and resvg once, so neither way pays the first load.
await renderWeekChart(province, options);
const serial = await measure(async () => {
  for (const input of byGroup) await renderWeekChart(input, options);
});
const bounded = await measure(() => mapBounded(byRoster, CHARTS_AT_ONCE, async (input) => renderWeekChart(input, options)));
console.log(`serial: ${byGroup.length} charts, ${fmt(serial.ms / byGroup.length, 0)} ms each`);
console.log(`bounded: ${byRoster.length} charts at ${CHARTS_AT_ONCE} at a time, ${fmt(bounded.ms / byRoster.length, 0)} ms each`);
console.log(
  `chart-fanout: groups=${byGroup.length} charts=${byRoster.length} serial_ms=${fmt(serial.ms, 0)} bounded_ms=${fmt(bounded.ms, 0)} ` +
    `ratio=${fmt(bounded.ms / serial.ms, 2)} serial_max_block_ms=${fmt(serial.maxBlockMs, 0)} bounded_max_block_ms=${fmt(bounded.maxBlockMs, 0)}`,
);

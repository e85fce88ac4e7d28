import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRoster, type School } from "../../../src/config/roster.js";
import { loadBoard, MISSING_NAMED } from "../../../src/features/board/load-board.js";
import { renderBoard } from "../../../src/features/board/render-board.js";
import { escapeHtml } from "../../../src/features/board/html.js";
import { createKeys } from "../../../src/store/keys.js";
import { createExemptionStore } from "../../../src/store/exemptions.js";
import { createReportStore } from "../../../src/store/reports.js";
import { loadSchoolPlaces } from "../../../src/store/school-numbers.js";
import { startTestRedis, type TestRedis } from "../../support/redis.js";
import { abnormal, loadExample, makeExemption, makeReport, normal } from "../leaders/fixtures.js";
import { createTaskCalendar } from "../../../src/time/task-calendar.js";
import { ALL_KINDS, loadConfigVariant } from "../../support/config-variant.js";

/** What an admin could type into the roster's cells. */
const HOSTILE: Partial<School>[] = [
  { code: "H1", name: `<img src=x onerror=alert(1)>小学`, shortName: `"><svg onload=alert(2)>`, area: "<b>东区</b>" },
  { code: "H2", name: "A&B 学校", shortName: "", area: "<b>东区</b>" },
  { code: "H3", name: "三小", shortName: "三小", area: "西区' onmouseover='alert(3)" },
];

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

describe("escapeHtml", () => {
  it("turns the five markup characters into entities and leaves everything else", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a> 平安`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt; 平安");
  });
});

describe("renderBoard", () => {
  it("shows every name, area, reason and description as text, never as markup", async () => {
    const { config, periods } = await loadExample();
    const schools = HOSTILE.map((s, i): School => ({ stage: "小学", reporters: [`r${i}`], pupils: 100, staff: 10, line: i + 2, ...s }) as School);
    const roster = createRoster(schools);
    const client = redis.client();
    const keys = createKeys();
    const store = createReportStore({ redis: client, keys, places: await loadSchoolPlaces(client, keys, roster.schools) });
    const exemptions = createExemptionStore({ redis: client, keys });
    const tuesday = periods.at("safety", new Date("2026-11-24T09:00:00+08:00"))!;
    await store.put(makeReport(tuesday, "H1", abnormal(`</p><script>alert(4)</script>`), { by: "r0" }));
    await store.put(makeReport(tuesday, "H2", normal, { by: "<u>r1</u>" }));
    await exemptions.exempt({ ...makeExemption(tuesday, "H3", `<i>考点</i>`), periods: [tuesday.id], raw: "免报" });

    const board = await loadBoard({ roster, store, exemptions, calendar: periods, timeZone: config.timezone, now: new Date("2026-11-24T10:35:00+08:00") });
    const hrefOf = (view: { area?: string; page: number }) => `/board?${new URLSearchParams({ ...(view.area !== undefined && { area: view.area }) })}`;
    const expiresAt = new Date("2026-11-24T18:35:00+08:00");
    const page = renderBoard(board, { config, expiresAt, hrefOf });
    // Above the size that lists every school, each area links to its own page by its name.
    const large = await loadBoard({ roster, store, exemptions, calendar: periods, timeZone: config.timezone, now: board.now, listAllUpTo: 0 });
    const linked = renderBoard(large, { config, expiresAt, hrefOf });
    expect(linked).toContain(`href="/board?area=%3Cb%3E%E4%B8%9C%E5%8C%BA%3C%2Fb%3E"`);
    expect(linked).toContain(`href="/board?area=%E8%A5%BF%E5%8C%BA%27+onmouseover%3D%27alert%283%29"`);
    expect(linked).not.toContain("<b>东区");

    for (const markup of ["<img", "<svg onload", "<b>东区", "<script>alert", "<u>", "<i>", "onmouseover='"]) expect(page).not.toContain(markup);
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;小学");
    expect(page).toContain("&quot;&gt;&lt;svg onload=alert(2)&gt;");
    expect(page).toContain("A&amp;B 学校");
    expect(page).toContain("&lt;b&gt;东区&lt;/b&gt;");
    expect(page).toContain("西区&#39; onmouseover=&#39;alert(3)");
    expect(page).toContain("&lt;/p&gt;&lt;script&gt;alert(4)&lt;/script&gt;");
    expect(page).toContain("&lt;i&gt;考点&lt;/i&gt;");
    // The page's own script is the only one.
    expect(page.match(/<script>/g)).toHaveLength(1);
  });
});

describe("看板 of a declared kind", () => {
  it("quotes what an abnormal 汛期日报 said, in its card and in its history", async () => {
    const { config, roster, remove } = await loadConfigVariant(ALL_KINDS);
    try {
      const calendar = await createTaskCalendar(config);
      const client = redis.client();
      const keys = createKeys("t-board-flood");
      const store = createReportStore({ redis: client, keys, places: await loadSchoolPlaces(client, keys, roster.schools) });
      const now = new Date("2026-06-16T15:00:00+08:00");
      const day = calendar.at("flood", now)!;
      const school = roster.schools[0]!;
      await store.put(makeReport(day, school.code, { task: "fields", status: "abnormal", description: "校门口积水30厘米" }, { by: school.reporters[0]!, msgid: "f1" }));
      const board = await loadBoard({ roster, store, exemptions: createExemptionStore({ redis: client, keys }), calendar, timeZone: config.timezone, now });
      const page = renderBoard(board, { config, expiresAt: new Date("2026-06-16T23:00:00+08:00"), hrefOf: () => "/board" });
      expect(page).toContain(`<p class="desc">校门口积水30厘米</p>`);
      expect(page).toContain("上报：异常：校门口积水30厘米");
    } finally {
      remove();
    }
  });
});

describe("看板 of many missing schools", () => {
  /** Three areas of 12 schools, none reported on a Tuesday past the deadline. */
  const schools = ["甲片区", "乙片区", "丙片区"].flatMap((area, a) =>
    Array.from({ length: 12 }, (_, i): School => ({ code: `M${a}${String(i).padStart(2, "0")}`, name: `${area}第${i + 1}小学`, shortName: "", area, stage: "小学", reporters: [`m${a}${i}`], pupils: 100, staff: 10, line: a * 12 + i + 2 }) as School),
  );
  const expiresAt = new Date("2026-11-24T18:35:00+08:00");
  const cardOf = (page: string) => /<p class="note missing-list">([^<]*)<\/p>/.exec(page)?.[1];
  const FIRST_NAMED = `未报：${schools.slice(0, MISSING_NAMED).map((s) => s.name).join("、")} 等 36 所`;

  async function load(view?: { area: string; page: number }) {
    const { config, periods } = await loadExample();
    const roster = createRoster(schools);
    const client = redis.client();
    const keys = createKeys();
    const store = createReportStore({ redis: client, keys, places: await loadSchoolPlaces(client, keys, roster.schools) });
    const exemptions = createExemptionStore({ redis: client, keys });
    const board = await loadBoard({ roster, store, exemptions, calendar: periods, timeZone: config.timezone, now: new Date("2026-11-24T10:35:00+08:00"), listAllUpTo: 0, ...(view && { view }) });
    return { board, page: renderBoard(board, { config, expiresAt, hrefOf: () => "/board" }) };
  }

  it("names the first few on the county card, in roster order, with the count of all", async () => {
    expect(cardOf((await load()).page)).toBe(FIRST_NAMED);
  });

  it("on an area's page, names no more of the county's missing schools than the card shows, and lists the area's", async () => {
    const { board, page } = await load({ area: "乙片区", page: 0 });
    const safety = board.tasks.find((t) => t.tally.task === "safety")!;
    expect(safety.tally.missing).toBe(36);
    for (const group of safety.tally.missingByArea) {
      expect(group.entries.length, group.key).toBeLessThanOrEqual(MISSING_NAMED);
      expect(group.total, group.key).toBe(12);
    }
    expect(safety.areas.map((a) => a.area)).toEqual(["乙片区"]);
    expect(safety.areas[0]!.schools.map((s) => [s.school.code, s.state])).toEqual(schools.filter((s) => s.area === "乙片区").map((s) => [s.code, "missing"]));
    expect(cardOf(page)).toBe(FIRST_NAMED);
  });
});

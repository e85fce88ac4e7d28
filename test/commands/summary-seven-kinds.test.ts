import { afterAll, beforeAll, expect, it } from "vitest";
import summary from "../../commands/summary.js";
import type { CommandContext } from "../../src/bot/command.js";
import { createKeys } from "../../src/store/keys.js";
import { createExemptionStore } from "../../src/store/exemptions.js";
import { createReportStore } from "../../src/store/reports.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { createTaskCalendar } from "../../src/time/task-calendar.js";
import { utf8Bytes } from "../../src/push/enqueue.js";
import { ENTRIES_KEPT } from "../../src/features/leaders/fit-doc.js";
import { REPLY_BYTES } from "../../src/features/leaders/format-summary.js";
import { leaderText } from "../../src/features/leaders/leader-text.js";
import { abnormal, makeReport } from "../features/leaders/fixtures.js";
import { ALL_KINDS, loadConfigVariant } from "../support/config-variant.js";
import { watchingCommands } from "../support/sent-commands.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

/*
 * Issue 23: a week of seven kinds with every school abnormal every day holds far more abnormal
 * reports than a 20 KB reply can show. The reply keeps every kind's numbers, lists the first of
 * each kind's abnormal reports with exactly how many more there are, and reads only about as many
 * as it shows (it read 50 a kind, then cut off the kinds after the first).
 */
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/** 2026-06-15 to 21: in the flood season and the 端午 holiday, so every kind has periods. */
const SPAN = { start: "2026-06-15", end: "2026-06-21", kind: "range" } as const;
/** 300 more schools in 60 more 片区, beside the example's 28: the kinds not reported list their missing schools by area. */
const MORE_SCHOOLS = 300;
const withMoreSchools = (csv: string) =>
  csv.trimEnd() +
  "\n" +
  Array.from({ length: MORE_SCHOOLS }, (_, i) => `T${String(i).padStart(3, "0")},平安县第${i}九年一贯制实验学校附属分校,第${i}实验,第${i % 60}片区,小学,t_${i},第${i}号安全联络员,800,60`).join("\n") +
  "\n";
const ABNORMAL_KINDS = ["safety", "duty", "flood"] as const;
const TEXT = "教学楼二楼走廊天花板一块吊顶松动掉落，砸中一名学生肩部，已送县医院检查，家长已到场，吊顶已全部排查加固，学校已报告教育局安全股并安排值班人员守候现场";

it("lists the first abnormal reports of each of seven kinds with the exact number left out, every kind's numbers kept, reading only about those", async () => {
  const { config, roster, remove } = await loadConfigVariant(ALL_KINDS, { roster: withMoreSchools });
  try {
    const calendar = await createTaskCalendar(config);
    const client = redis.client();
    const keys = createKeys("t-summary-seven");
    const store = createReportStore({ redis: client, keys, places: await loadSchoolPlaces(client, keys, roster.schools) });
    // Every school abnormal on every day of 平安日报, 假期值班 and 汛期日报.
    const seeded = new Map<string, number>();
    for (const task of ABNORMAL_KINDS) {
      for (const period of calendar.list(task, SPAN.start, SPAN.end).filter((p) => p.required)) {
        const value = task === "safety" ? abnormal(TEXT) : { task: "fields" as const, status: "abnormal", description: TEXT };
        const at = (i: number) => new Date(period.deadline.getTime() - 3_600_000 + i * 1_000).toISOString();
        await Promise.all(roster.schools.map((school, i) => store.put(makeReport(period, school.code, value, { by: school.reporters[0]!, at: at(i) }))));
        seeded.set(task, (seeded.get(task) ?? 0) + roster.schools.length);
      }
    }
    const ctx = { config, roster, calendar, store, exemptions: createExemptionStore({ redis: client, keys }), now: new Date("2026-06-22T09:00:00+08:00") };

    // The last index each read of a list asked for (zrange 0 <stop>).
    const stops: number[] = [];
    const reply = await watchingCommands(
      client,
      (command) => void (command.name === "zrange" && stops.push(Number(command.args[2]))),
      () => summary.run({ span: SPAN, today: "2026-06-22" }, ctx as unknown as CommandContext<"config" | "roster" | "calendar" | "store" | "exemptions" | "incidents">),
    );

    expect(utf8Bytes(reply)).toBeLessThanOrEqual(REPLY_BYTES);
    expect(reply).not.toContain(leaderText.tooLong);
    for (const task of calendar.tasks) expect(reply).toContain(`**${config.tasks[task]!.name}**`);
    const lines = reply.split("\n");
    for (const task of ABNORMAL_KINDS) {
      const total = seeded.get(task)!;
      const block = lines.slice(lines.indexOf(`**${config.tasks[task]!.name}** ${leaderText.periods(calendar.list(task, SPAN.start, SPAN.end))}，7 天（按校次计）`));
      const heading = block.indexOf(leaderText.abnormalHeading(total));
      expect(heading, task).toBeGreaterThan(0);
      const more = block.findIndex((line) => line.startsWith("……另有异常"));
      const shown = block.slice(heading + 1, more).filter((line) => line.startsWith("> **")).length;
      expect(shown, task).toBeGreaterThanOrEqual(ENTRIES_KEPT);
      // Each entry quotes what happened, for a declared kind (its 情况说明) as for 平安日报.
      const quoted = block.slice(heading + 1, more).filter((line) => line.startsWith("> ") && !line.startsWith("> **") && !/^> \d/u.test(line));
      expect(quoted.length, task).toBe(shown);
      for (const line of quoted) expect(line, task).toMatch(/^> 教学楼二楼走廊/u);
      expect(block[more], task).toBe(leaderText.abnormalMore(total - shown, true));
    }
    // Each listing kind's share of 50 read (17 of a day's 328), where each kind read its 50.
    expect(Math.max(...stops)).toBeLessThan(17);
  } finally {
    remove();
  }
});

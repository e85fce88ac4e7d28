import { afterAll, beforeAll, expect, it } from "vitest";
import summary from "../../commands/summary.js";
import type { CommandContext } from "../../src/bot/command.js";
import { createKeys } from "../../src/store/keys.js";
import { createExemptionStore } from "../../src/store/exemptions.js";
import { createIncidentStore } from "../../src/store/incidents.js";
import { createReportStore } from "../../src/store/reports.js";
import { loadSchoolPlaces } from "../../src/store/school-numbers.js";
import { createTaskCalendar } from "../../src/time/task-calendar.js";
import { abnormal, makeExemption, makeReport, normal } from "../features/leaders/fixtures.js";
import { ALL_KINDS, loadConfigVariant } from "../support/config-variant.js";
import { ON_BEHALF_SHOWN } from "../../src/tally/task-tally.js";
import { watchingCommands } from "../support/sent-commands.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";

/*
 * Issue 23: a 汇总 of seven kinds reads every kind's counts for its periods in one round trip,
 * each kind tallied from its part: seven pipelines cost seven times the per-command work in Node.
 */
let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(() => redis.stop());

/** 2026-06-15 to 21: in the flood and anti-drowning seasons, school days and the 端午 holiday, so every kind has periods. */
const SPAN = { start: "2026-06-15", end: "2026-06-21", kind: "range" } as const;

type SummaryContext = CommandContext<"config" | "roster" | "calendar" | "store" | "exemptions" | "incidents">;

/** The seven kinds' config, its calendar and stores under their own keys, and a 汇总 of `span` asked on Monday 06-22 at 09:00. */
async function sevenKinds(prefix: string) {
  const variant = await loadConfigVariant(ALL_KINDS);
  const { config, roster } = variant;
  const calendar = await createTaskCalendar(config);
  const client = redis.client();
  const keys = createKeys(prefix);
  const store = createReportStore({ redis: client, keys, places: await loadSchoolPlaces(client, keys, roster.schools) });
  const exemptions = createExemptionStore({ redis: client, keys });
  const ctx = { config, roster, calendar, store, exemptions, now: new Date("2026-06-22T09:00:00+08:00") };
  const summarize = (span: { start: string; end: string; kind: "range" | "day" }, context: object = ctx) => summary.run({ span, today: "2026-06-22" }, context as unknown as SummaryContext);
  return { ...variant, calendar, client, keys, store, exemptions, ctx, summarize };
}

it("reads a week of seven kinds' counts in one round trip, each kind tallied from its own part", async () => {
  const { config, roster, calendar, client, store, summarize, remove } = await sevenKinds("t-summary-trip");
  try {
    const periodsOf = calendar.tasks.map((task) => calendar.list(task, SPAN.start, SPAN.end));
    expect(periodsOf.filter((periods) => periods.length > 0)).toHaveLength(7);
    const monday = calendar.list("safety", SPAN.start, SPAN.start)[0]!;
    for (const school of roster.schools.slice(0, 20)) await store.put(makeReport(monday, school.code, normal, { by: school.reporters[0]! }));

    // Once first, for Redis to learn the scripts (a NOSCRIPT answer is sent again).
    await summarize(SPAN);
    const sent: { name: string; key: unknown }[] = [];
    const reply = await watchingCommands(client, (command) => void sent.push({ name: command.name, key: command.args[0] }), () => summarize(SPAN));
    // Every period of every kind read its exemptions, all in one write: nothing waited for an answer.
    const exemptionReads = sent.filter(({ name, key }) => name === "hgetall" && String(key).includes("{exempt:"));
    expect(exemptionReads).toHaveLength(periodsOf.flat().length);
    expect(await roundTrips(client, () => summarize(SPAN))).toEqual({ waves: 1, lists: 0 });
    // Each kind tallied from its own part: the safety Monday's 20 reports, no other kind's.
    expect(reply).toContain(`**${config.tasks.safety!.name}**`);
    expect(reply).toContain("已报 20 ");
  } finally {
    remove();
  }
});

it("reads a week's first abnormal reports, 代报 and remarks beside its counts: one round trip for the counts and codes, one for their reports", async () => {
  const { roster, calendar, client, store, exemptions, summarize, remove } = await sevenKinds("t-summary-codes");
  try {
    // Every safety day: abnormal reports, 代报 and remarks, fewer than a reply shows of each.
    for (const period of calendar.list("safety", SPAN.start, SPAN.end)) {
      for (const [i, school] of roster.schools.slice(0, 6).entries()) {
        const value = i < 2 ? abnormal(`漏水${i}`) : i < 4 ? { ...normal, remark: `下雨${i}` } : normal;
        await store.put(makeReport(period, school.code, value, { by: school.reporters[0]!, onBehalf: i >= 4 }));
      }
    }
    const run = () => summarize(SPAN);

    // Once first, for Redis to learn the scripts (a NOSCRIPT answer is sent again).
    await run();
    // Each period's codes come with its counts; then the reports they name: two round trips (three before).
    expect(await roundTrips(client, run)).toEqual({ waves: 2, lists: 0 });
    // A Monday with more 代报 than a reply shows, one of an exempt school (left out): it reads its 代报 again, one more.
    const monday = calendar.list("safety", SPAN.start, SPAN.start)[0]!;
    for (const school of roster.schools.slice(6, 6 + ON_BEHALF_SHOWN)) await store.put(makeReport(monday, school.code, normal, { by: school.reporters[0]!, onBehalf: true }));
    await exemptions.exempt({ ...makeExemption(monday, roster.schools[4]!.code, "停水"), periods: [monday.id], raw: "免报" });
    expect(await roundTrips(client, run)).toEqual({ waves: 3, lists: 1 });
  } finally {
    remove();
  }
});

it("reads today's open incidents beside the counts: a 汇总 of today waits for no round trip of its own for them", async () => {
  const { client, keys, ctx, summarize, remove } = await sevenKinds("t-summary-incidents");
  try {
    const incidents = createIncidentStore({ redis: client, keys });
    const today = { start: "2026-06-22", end: "2026-06-22", kind: "day" } as const;
    let listed = 0;
    await summarize(today, { ...ctx, incidents });
    const counted = { ...ctx, incidents: { ...incidents, listOpen: () => ((listed += 1), incidents.listOpen()) } };
    // The counts and codes, then their reports; the incidents in the first of those (their own, after, before).
    expect(await roundTrips(client, () => summarize(today, counted))).toEqual({ waves: 1, lists: 0 });
    expect(listed).toBe(1);
  } finally {
    remove();
  }
});

/**
 * The round trips `run` makes: its waves (sends after an answer came start the next), and how
 * many sends after the first read the lists' codes (zrange).
 */
async function roundTrips(client: ReturnType<TestRedis["client"]>, run: () => Promise<unknown>): Promise<{ waves: number; lists: number }> {
  let waves = 0;
  let answered = true;
  let lists = 0;
  await watchingCommands(
    client,
    (command) => {
      if (answered) waves += 1;
      answered = false;
      if (command.name === "zrange" && waves > 1) lists += 1;
      const reply = () => void (answered = true);
      (command as unknown as { promise: Promise<unknown> }).promise.then(reply, reply);
    },
    run,
  );
  return { waves, lists };
}

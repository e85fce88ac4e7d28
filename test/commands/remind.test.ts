import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/harness.js";
import { runJobBeside } from "../support/run-job.js";
import { reportAll, sayAt, takeMessages } from "./leader-seed.js";

const PRINCIPALS = "全县校长群";
const MISSING = ["CG004", "XB003", "XB004", "BB006"];
const reportersOf = (h: Harness, codes: readonly string[]) => codes.flatMap((code) => h.roster.byCode(code)!.reporters).sort();

/** `平安` for one school by its first reporter, naming the school when he has several. */
async function reportOne(h: Harness, at: string, code: string): Promise<void> {
  const school = h.roster.byCode(code)!;
  const reporter = school.reporters[0]!;
  const reply = await sayAt(h, at, reporter, h.roster.schoolsOf(reporter).length > 1 ? `平安 ${school.shortName}` : "平安");
  expect(reply).toContain("已登记");
}

/** Everyone has reported 平安 at 08:30 of `day` but the MISSING schools. */
async function seed(h: Harness, day: string): Promise<void> {
  await reportAll(h, `${day}T08:30:00+08:00`, MISSING);
}

describe("提醒 respects people", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-25T09:30:00+08:00" });
  });
  afterAll(() => h.close());
  beforeEach(async () => {
    await h.drainPushes();
    await h.clearData();
    h.webhook.messages.length = 0;
  });

  /** `pingan run remind safety` as an admin runs it, in a process of its own (its own system and worker). */
  const runRemind = async (now: string, ...flags: ("--force" | "--dry-run")[]) => {
    const force = flags.includes("--force");
    const dryRun = flags.includes("--dry-run");
    const { code, lines } = await runJobBeside(h, { job: "remind", task: "safety", now, force, dryRun });
    return { code, text: lines.join("\n") };
  };

  it("a bare 提醒 on a Wednesday reminds only what is due today, not the Friday study", async () => {
    await seed(h, "2026-11-25");
    const reply = await sayAt(h, "2026-11-25T09:30:00+08:00", "wang_zhiyuan", "提醒");
    expect(reply).toContain("平安日报 11月25日（周三） 未报的 4 所学校");
    expect(reply).not.toContain("周学习");
    const messages = await takeMessages(h, PRINCIPALS);
    expect(messages.map((m) => m.content.split("\n")[0])).toEqual(["【催报】平安日报 11月25日（周三）"]);
    expect([...messages[0]!.mentioned_list].sort()).toEqual(reportersOf(h, MISSING));
  });

  it("a bare 提醒 on the Friday reminds the study too; after today's safety deadline, nothing due today is said so", async () => {
    await seed(h, "2026-11-27");
    const friday = await sayAt(h, "2026-11-27T09:30:00+08:00", "wang_zhiyuan", "提醒");
    expect(friday).toContain("平安日报 11月27日（周五） 未报的 4 所学校");
    expect(friday).toContain("周学习 2026年第48周（11月23日—11月29日） 未报的 28 所学校");
    expect((await takeMessages(h, PRINCIPALS)).map((m) => m.content.split("\n")[0]).sort()).toEqual(
      ["【催报】周学习 2026年第48周（11月23日—11月29日）", "【催报】平安日报 11月27日（周五）"].sort(),
    );
    // Saturday: safety runs every day, so it is due; study is not (weekly, deadline passed).
    await seed(h, "2026-11-28");
    const saturday = await sayAt(h, "2026-11-28T09:40:00+08:00", "chen_xiaohong", "提醒");
    expect(saturday).toContain("平安日报 11月28日（周六）");
    expect(saturday).not.toContain("周学习");
  });

  it("a repeat within the cooldown sends nothing and says when the last went out and to how many; 10 提醒 and 5 pingan run remind send one reminder", async () => {
    await seed(h, "2026-11-25");
    const first = await sayAt(h, "2026-11-25T09:30:00+08:00", "wang_zhiyuan", "提醒 平安");
    expect(first).toBe(
      "📣 已安排提醒 平安日报 11月25日（周三） 未报的 4 所学校（全县校长群，@ 各校上报人），马上发出。发出时已上报的学校不再提醒。",
    );
    const replies: string[] = [];
    for (let i = 0; i < 9; i += 1) {
      replies.push(await sayAt(h, `2026-11-25T09:3${i}:30+08:00`, i % 2 ? "chen_xiaohong" : "liu_xin", i % 3 ? "提醒 平安" : "提醒"));
    }
    for (const reply of replies) {
      expect(reply).toBe(
        "⏳ 平安日报 11月25日（周三）：09:30 已提醒过全县校长群（4 所学校，随即发出），10 分钟内不重复提醒，本次没有发送。09:40 后可再次提醒。",
      );
    }
    for (let i = 0; i < 5; i += 1) {
      const run = await runRemind(`2026-11-25T09:3${i}:45+08:00`);
      expect(run.code).toBe(0);
      expect(run.text).toContain("09:30 已提醒过全县校长群（4 所学校，随即发出），10 分钟内不重复提醒，本次没有发送。");
      expect(run.text).toContain("--force");
    }
    expect(await takeMessages(h, PRINCIPALS)).toHaveLength(1);

    // The record lives in Redis under the period's hash tag, and expires with the cooldown.
    const [key] = await h.client.keys("pa:{remind:safety:2026-11-25}:*");
    expect(key).toBe("pa:{remind:safety:2026-11-25}:last:principals");
    const ttl = await h.client.pttl(key!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);

    // Another task is no repeat; and once the cooldown is over, the same task is reminded again.
    expect(await sayAt(h, "2026-11-25T09:39:00+08:00", "wang_zhiyuan", "提醒 学习")).toContain("已安排提醒 周学习");
    expect(await sayAt(h, "2026-11-25T09:40:30+08:00", "wang_zhiyuan", "提醒 平安")).toContain("已安排提醒 平安日报");
    expect((await takeMessages(h, PRINCIPALS)).map((m) => m.content.split("\n")[0])).toEqual([
      "【催报】周学习 2026年第48周（11月23日—11月29日）",
      "【催报】平安日报 11月25日（周三）",
    ]);
  });

  it("pingan run remind --force sends despite the cooldown, and the scheduled reminder obeys it", async () => {
    await seed(h, "2026-11-25");
    expect(await sayAt(h, "2026-11-25T08:55:00+08:00", "wang_zhiyuan", "提醒 平安")).toContain("已安排提醒");
    await h.fire("slots", new Date("2026-11-25T09:00:00+08:00"));
    expect(await takeMessages(h, PRINCIPALS)).toHaveLength(1);

    const dry = await runRemind("2026-11-25T09:01:00+08:00", "--dry-run");
    expect(dry.text).toContain("08:55 已提醒过全县校长群");
    const forced = await runRemind("2026-11-25T09:02:00+08:00", "--force");
    expect(forced.code).toBe(0);
    expect(forced.text).toContain("已安排提醒 平安日报 11月25日（周三） 未报的 4 所学校");
    const messages = await takeMessages(h, PRINCIPALS);
    expect(messages).toHaveLength(1);
    expect([...messages[0]!.mentioned_list].sort()).toEqual(reportersOf(h, MISSING));
    // The forced one is now the last: a 提醒 right after it is held, naming its time.
    expect(await sayAt(h, "2026-11-25T09:03:00+08:00", "wang_zhiyuan", "提醒 平安")).toContain("09:02 已提醒过全县校长群");
  });
});

describe("提醒 at night", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-25T01:45:00+08:00" });
  });
  afterAll(() => h.close());

  /** The push jobs held for later, and how long each was held for when queued. */
  const held = async () => (await h.pushQueue.queue.getJobs(["delayed"])).map((job) => job.opts.delay);

  it("waits for the working hours and says when it goes; 立即 sends at once; after the period it is not held over", async () => {
    await reportAll(h, "2026-11-25T00:30:00+08:00", MISSING);
    const night = await sayAt(h, "2026-11-25T01:45:00+08:00", "wang_zhiyuan", "提醒 平安");
    expect(night).toBe(
      "🌙 现在不在推送时段（07:00—21:30）。\n" +
        "📣 已安排提醒 平安日报 11月25日（周三） 未报的 4 所学校（全县校长群，@ 各校上报人），今天 07:00 发出，发出时已上报的学校不再提醒。\n" +
        "确需现在就发，请发送“提醒 平安 立即”。",
    );
    // Held in the queue until 07:00 (5 h 15 min), nothing sent meanwhile.
    expect(await held()).toEqual([5.25 * 3_600_000]);
    expect(h.webhook.messages).toEqual([]);
    await h.pushQueue.queue.clean(0, 100, "delayed");

    expect(await sayAt(h, "2026-11-25T22:30:00+08:00", "liu_xin", "提醒平安现在")).toContain("马上发出");
    const [sent, ...more] = await takeMessages(h, PRINCIPALS);
    expect(more).toEqual([]);
    expect([...sent!.mentioned_list].sort()).toEqual(reportersOf(h, MISSING));

    // At 22:45 the day is over by the next working hours: nothing is held over to tomorrow.
    const late = await sayAt(h, "2026-11-25T22:45:00+08:00", "chen_xiaohong", "提醒");
    expect(late).toBe(
      "🌙 现在不在推送时段（07:00—21:30）。\n平安日报 11月25日（周三） 到明天 07:00 已经结束，没有安排提醒。\n确需现在就发，请发送“提醒 立即”。",
    );
    expect(await held()).toEqual([]);
  });
});

describe("a reminder queued behind a full window", () => {
  let h: Harness;
  // Five messages in six seconds, for the fake WeCom and for us: a window a test can wait out.
  const rate = { perWindow: 5, windowMs: 6_000 };
  beforeAll(async () => {
    h = await startHarness({ now: "2026-11-25T09:30:00+08:00", rate });
  });
  afterAll(() => h.close());

  it("says roughly when it goes out, and names only the schools still missing when it is sent", async () => {
    await seed(h, "2026-11-25");
    // The principals' group has just had its five messages.
    for (let i = 0; i < rate.perWindow; i += 1) {
      await h.pushQueue.enqueue({ idempotencyKey: `filler:${i}`, group: "principals", message: { msgtype: "text", lines: [{ text: `通知 ${i}` }] } });
    }
    await h.drainPushes();
    h.webhook.messages.length = 0;

    const reply = await sayAt(h, "2026-11-25T09:30:00+08:00", "wang_zhiyuan", "提醒 平安");
    const seconds = Number(/约 (\d+) 秒后发出/u.exec(reply)?.[1]);
    expect(reply).toContain("已安排提醒 平安日报 11月25日（周三） 未报的 4 所学校（全县校长群，@ 各校上报人）");
    expect(seconds).toBeGreaterThanOrEqual(4);
    expect(seconds).toBeLessThanOrEqual(6);

    // While it waits, two of the four report.
    await reportOne(h, "2026-11-25T09:30:20+08:00", "CG004");
    await reportOne(h, "2026-11-25T09:30:40+08:00", "BB006");
    expect(h.webhook.messages).toHaveLength(0);

    const [message, ...more] = await takeMessages(h, PRINCIPALS);
    expect(more).toHaveLength(0);
    expect([...message!.mentioned_list].sort()).toEqual(reportersOf(h, ["XB003", "XB004"]));
    expect(message!.content).toContain("【西部片区】\n· 平安县龙潭乡九年一贯制学校（宋文）\n· 平安县枫林乡中心小学（周杰）");
    expect(message!.content).not.toContain("实验小学");
    expect(message!.content).not.toContain("第四中学");
    // Areas left with nobody to remind drop out with them.
    expect(message!.content).not.toContain("城关片区");
    expect(message!.content).not.toContain("北部片区");
  });

  it("is not sent at all when every school it named has reported meanwhile", async () => {
    await h.clearData();
    await seed(h, "2026-11-26");
    for (let i = 0; i < rate.perWindow; i += 1) {
      await h.pushQueue.enqueue({ idempotencyKey: `filler2:${i}`, group: "principals", message: { msgtype: "text", lines: [{ text: `通知 ${i}` }] } });
    }
    await h.drainPushes();
    h.webhook.messages.length = 0;
    expect(await sayAt(h, "2026-11-26T09:30:00+08:00", "wang_zhiyuan", "提醒 平安")).toMatch(/约 \d+ 秒后发出/u);
    for (const code of MISSING) await reportOne(h, "2026-11-26T09:31:00+08:00", code);
    expect(await takeMessages(h, PRINCIPALS)).toHaveLength(0);
  });
});

import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TaskId } from "../../src/config/schema.js";
import type { ReportValue } from "../../src/store/report.js";
import { ALL_KINDS } from "../support/config-variant.js";
import { startHarness, type Harness } from "../support/harness.js";

/**
 * How principals really type (test/fixtures/report-corpus.yaml), sent as WeCom sends them:
 * encrypted callbacks over HTTP to the whole service, each checked against what Redis then
 * holds. Every one must do exactly what the corpus lists: a message that falls short is
 * counted as asked (nothing recorded, …本条消息没有登记) or wrong, and either fails the test.
 * Every kind the example declares is switched on: the words of the new ones (例会, 值班, 汛期…)
 * must take none of these messages from the three of today.
 */
interface Entry {
  says: string;
  from?: string;
  setup?: string[];
  school?: string;
  safety?: "normal" | { present: number };
  /** The remark a 平安 report keeps (what it says besides). */
  remark?: string;
  abnormal?: string;
  drowning?: [number, number] | { reached: number; total: number; channels?: string[] };
  study?: [number, number] | { attended: number; expected: number; leave?: number; topic?: string };
  withdraws?: TaskId;
  asks?: string;
  /** A leader's question: nothing recorded; the reply answers, containing text. */
  answers?: string;
  note?: string;
  /** The period the report must be recorded in, when not the current one (a 补报 named by its date). */
  period?: string;
}

const corpus = parse(readFileSync("test/fixtures/report-corpus.yaml", "utf8")) as Entry[];

/** The report value an entry lists, and its task. */
function expected(entry: Entry): { task: TaskId; value: ReportValue } | undefined {
  if (entry.safety) {
    const present = entry.safety === "normal" ? {} : { present: entry.safety.present };
    return { task: "safety", value: { task: "safety", status: "normal", ...present, ...(entry.remark && { remark: entry.remark }) } };
  }
  if (entry.abnormal) return { task: "safety", value: { task: "safety", status: "abnormal", description: entry.abnormal } };
  if (entry.drowning) {
    const d = Array.isArray(entry.drowning) ? { reached: entry.drowning[0], total: entry.drowning[1] } : entry.drowning;
    return { task: "drowning", value: { task: "drowning", reached: d.reached, total: d.total, channels: "channels" in d ? (d.channels ?? []) : [] } };
  }
  if (entry.study) {
    const s = Array.isArray(entry.study) ? { attended: entry.study[0], expected: entry.study[1] } : entry.study;
    return { task: "study", value: { task: "study", ...s } };
  }
  return undefined;
}

describe("the corpus of how principals type", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: "2026-06-12T08:30:00+08:00", variant: { edits: ALL_KINDS } });
  });
  afterAll(() => h.close());

  it(`does what ${corpus.length} messages must, every one as listed`, async () => {
    expect(corpus.length).toBeGreaterThanOrEqual(150);
    expect(h.jobDeps.calendar.tasks).toHaveLength(7);
    // Every kind's report is watched: a message taken by the wrong kind changes one of them.
    const TASKS = h.jobDeps.calendar.tasks;
    const now = h.clock.now();
    const periodOf = (task: TaskId) => h.jobDeps.calendar.at(task, now)!.id;
    const snapshot = async (codes: readonly string[]) => {
      const msgids: string[] = [];
      for (const code of codes) for (const task of TASKS) msgids.push((await h.store.get(task, periodOf(task), code))?.msgid ?? "-");
      return msgids.join(",");
    };
    const listed: string[] = [];
    const asked: string[] = [];
    const wrong: string[] = [];
    for (const entry of corpus) {
      const from = entry.from ?? "hu_bin";
      const schools = h.roster.schoolsOf(from).map((s) => s.code);
      const school = entry.school ?? schools[0]!;
      for (const setup of entry.setup ?? []) {
        expect(await h.say(from, setup), `setup of ${entry.says}`).toContain("已登记");
      }
      const before = await snapshot(schools);
      const sent = await h.sim.say({ from, text: entry.says });
      const reply = sent.markdown ?? "";
      const after = await snapshot(schools);
      const want = expected(entry);
      let ok: boolean;
      if (want) {
        const report = await h.store.get(want.task, entry.period ?? periodOf(want.task), school);
        ok = report?.msgid === sent.msgid && isDeepStrictEqual(report.value, want.value);
        ok &&= entry.note === undefined || reply.includes(entry.note);
      } else if (entry.withdraws) {
        ok = (await h.store.get(entry.withdraws, periodOf(entry.withdraws), school)) === undefined && reply.includes("已撤销");
      } else {
        ok = before === after && reply.includes((entry.asks ?? entry.answers)!);
      }
      const line = `${from}「${entry.says}」→ ${reply.split("\n").slice(0, 2).join(" / ")}`;
      if (ok) listed.push(line);
      else if (before === after && reply.includes("没有登记")) asked.push(line);
      else wrong.push(line);
    }
    const share = listed.length / corpus.length;
    console.log(
      `corpus: ${corpus.length} messages, ${listed.length} as listed (${(share * 100).toFixed(1)} %), ` +
        `${asked.length} asked instead, ${wrong.length} wrong` +
        [...asked.map((l) => `\n  asked: ${l}`), ...wrong.map((l) => `\n  WRONG: ${l}`)].join(""),
    );
    expect(wrong).toEqual([]);
    expect(asked).toEqual([]);
    expect(share).toBe(1);
  }, 120_000);
});


import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/cli.js";
import { CUT_WEEK, writeConfigVariant } from "../support/config-variant.js";

/** `pingan schedule` on the example config (or another) at a PINGAN_NOW (no secrets needed). */
async function schedule(now: string, days: number, config = "config/pingan.example.yaml"): Promise<string[]> {
  const lines: string[] = [];
  const push = (line: string) => lines.push(line);
  const code = await runCli(["node", "pingan", "schedule", "--days", String(days)], { PINGAN_CONFIG: config, PINGAN_NOW: now }, { out: push, err: push });
  expect(code).toBe(0);
  return lines;
}

describe("pingan schedule", () => {
  it("needs no secret of a config with several bots and groups (the province example's)", async () => {
    const lines = await schedule("2026-11-24T08:00:00+08:00", 1, "config/province/pingan.yaml");
    expect(lines.join("\n")).toContain("slots@09:00");
  });

  it("lists the National Day week's study reminder and tally on Wednesday 09-30, and none on Friday 10-02", async () => {
    const week = (await schedule("2026-09-28T08:00:00+08:00", 7)).filter((line) => line.includes("周学习"));
    expect(week).toEqual([
      "  9月30日 周三 15:00  周学习提醒（周期 2026-W40）",
      "  9月30日 周三 18:30  周学习汇总（周期 2026-W40）",
    ]);
    const friday = await schedule("2026-10-02T08:00:00+08:00", 1);
    expect(friday.join("\n")).not.toContain("周学习");
  });

  it("lists nothing for the study task on Friday 2027-01-01 (元旦 by law, before 2027's notice), but Thursday", async () => {
    const lines = (await schedule("2026-12-28T08:00:00+08:00", 7)).filter((line) => line.includes("周学习"));
    expect(lines).toEqual([
      "  12月31日 周四 15:00  周学习提醒（周期 2026-W53）",
      "  12月31日 周四 18:30  周学习汇总（周期 2026-W53）",
    ]);
  });

  it("warns from 1 November that 2027's holiday notice is not imported", async () => {
    const october = await schedule("2026-10-20T09:00:00+08:00", 1);
    expect(october.join("\n")).not.toContain("警告");
    const november = await schedule("2026-11-05T09:00:00+08:00", 1);
    expect(november[1]).toMatch(/^警告：2027 年放假调休安排尚未导入：pingan holidays import /);
  });

  it("lists week 2026-W28's anti-drowning tally on Thursday 07-09, the summer holiday's first day, when the week is cut", async () => {
    const variant = writeConfigVariant(CUT_WEEK);
    try {
      const lines = await schedule("2026-07-09T08:00:00+08:00", 1, variant.path);
      expect(lines.filter((line) => line.includes("2026-W28"))).toEqual(["  7月9日 周四 09:00  防溺水提醒汇总（周期 2026-W28）"]);
      expect(lines.filter((line) => line.includes("周期 2026-07-09") && line.includes("防溺水"))).toHaveLength(2);
    } finally {
      variant.remove();
    }
  });

  it("lists the Friday roll-up and every day's 17:00 补报 note among the next 7 days' pushes", async () => {
    const lines = await schedule("2026-11-23T08:00:00+08:00", 7);
    expect(lines.filter((line) => line.includes("每周汇总"))).toEqual(["  11月27日 周五 19:00  每周汇总（2026年第48周）"]);
    expect(lines.filter((line) => line.includes("补报通知"))).toEqual(
      ["11月23日 周一", "11月24日 周二", "11月25日 周三", "11月26日 周四", "11月27日 周五", "11月28日 周六", "11月29日 周日"].map((day) => `  ${day} 17:00  补报通知（有补报时才发）`),
    );
  });

  it("lists the 端午 week's roll-up on Thursday 06-18, saying why, and none for the Spring Festival week", async () => {
    const duanwu = await schedule("2026-06-15T08:00:00+08:00", 7);
    expect(duanwu.filter((line) => line.includes("每周汇总"))).toEqual(["  6月18日 周四 19:00  每周汇总（2026年第25周；6月19日（周五）不上班，提前到这天）"]);
    const spring = await schedule("2026-02-16T08:00:00+08:00", 7);
    expect(spring.filter((line) => line.includes("每周汇总"))).toEqual(["  2026年第8周 没有工作日，不发每周汇总"]);
  });
});

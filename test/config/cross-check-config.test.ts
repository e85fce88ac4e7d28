import { describe, expect, it } from "vitest";
import { crossCheckConfig } from "../../src/config/cross-check-config.js";
import { configSchema, type ConfigInput } from "../../src/config/schema.js";
import { createRoster, type School } from "../../src/config/roster.js";
import { TEST_AES_KEY } from "../support/test-env.js";

const BASE: ConfigInput = {
  bot: { token: "t", encoding_aes_key: TEST_AES_KEY },
  groups: {
    principals: { name: "校长群", webhook_key: "k1", role: "schools" },
    leaders: { name: "领导群", webhook_key: "k2", role: "leaders" },
  },
  leaders: [{ userid: "li_ming", name: "李明" }],
  roster: "schools.csv",
  tasks: { safety: { name: "平安日报", period: "day", days: "all", deadline: "10:00", reminders: ["09:00"], tally: "10:30" } },
  weekly: { at: "fri 19:00" },
};

function school(code: string, area: string): School {
  return { code, name: `${code}学校`, shortName: "", area, stage: "小学", reporters: ["r"], pupils: 1, staff: 1, line: 2 };
}
const roster = createRoster([school("CG001", "城关片区"), school("DB001", "东部片区")]);

function check(patch: Partial<ConfigInput>) {
  const config = configSchema.parse({ ...BASE, ...patch });
  return crossCheckConfig(config, { roster, quiet: () => false }).map((p) => [p.path.join("."), p.message]);
}

describe("crossCheckConfig", () => {
  it("finds nothing wrong with a sensible config", () => {
    expect(check({})).toEqual([]);
  });

  it("rejects impossible and overlapping calendar dates", () => {
    expect(
      check({
        calendar: {
          terms: [
            { name: "秋季", start: "2026-09-01", end: "2027-01-22" },
            { name: "秋季", start: "2027-03-01", end: "2027-02-20" },
          ],
          winter_holiday: [{ start: "2027-01-20", end: "2027-02-28" }],
          holidays: ["2026-02-29"],
          workdays: ["2026-10-10"],
        },
      }),
    ).toEqual([
      ["calendar.terms.1", "开始日期 2027-03-01 晚于结束日期 2027-02-20"],
      ["calendar.winter_holiday.0", "2027-01-20～2027-02-28 与 秋季 的日期重叠"],
      ["calendar.terms.1.name", "学期名 秋季 重复"],
      ["calendar.holidays.0", "没有 2026-02-29 这一天"],
    ]);
    expect(check({ calendar: { holidays: ["2026-10-10"], workdays: ["2026-10-10"] } })).toEqual([
      ["calendar.workdays.0", "2026-10-10 同时写在 holidays 和 workdays 里"],
    ]);
  });

  it("rejects a summer schedule that can never run", () => {
    const tasks = {
      safety: BASE.tasks["safety"]!,
      drowning: {
        name: "防溺水提醒",
        period: "week" as const,
        days: "school" as const,
        season: { start: "04-31", end: "10-15" },
        deadline: "fri 17:00",
        summer: { period: "day" as const, deadline: "18:00" },
      },
    };
    expect(check({ tasks })).toEqual([
      ["tasks.drowning.summer", "配置了暑假安排（summer），但 calendar.summer_holiday 没有写暑假日期，暑假安排不会生效"],
      ["tasks.drowning.days", "days: school 的任务在暑假里不运行，summer 安排不会生效"],
      ["tasks.drowning.season.start", "没有 04-31 这一天"],
    ]);
  });

  it("puts the weekly roll-up after the weekly deadlines and inside working hours", () => {
    const tasks = {
      safety: BASE.tasks["safety"]!,
      study: { name: "周学习", period: "week" as const, days: "school" as const, deadline: "fri 18:00", reminders: ["fri 15:00", "fri 15:00"] },
    };
    expect(check({ tasks, weekly: { at: "fri 17:30" }, late_note: { at: "22:00" } })).toEqual([
      ["tasks.study.reminders.1", "提醒时间 fri 15:00 重复"],
      ["weekly.at", "每周汇总 fri 17:30 早于「周学习」的截止时间 fri 18:00"],
      ["late_note.at", "22:00 在推送时段 07:00–21:30 之外，这条推送不会发出"],
    ]);
  });

  it("checks people, webhook keys, the time zone and the schools groups", () => {
    expect(
      check({
        timezone: "Asia/Beijing",
        groups: {
          leaders: { name: "领导群", webhook_key: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", role: "leaders" },
        },
        leaders: [
          { userid: "li_ming", name: "李明" },
          { userid: "li_ming", name: "李明" },
          { userid: "李明", name: "李明" },
        ],
      }),
    ).toEqual([
      ["timezone", '不认识时区 "Asia/Beijing"'],
      ["groups.leaders.webhook_key", "webhook_key 只写 key，不要写整个网址"],
      ["leaders.1.userid", "账号 li_ming 重复"],
      ["leaders.2.userid", '"李明" 不是企业微信账号（userid）'],
      ["groups", "没有学校群：至少要有一个 role: schools 的群，提醒才有地方发"],
    ]);
  });

  it("accepts areas and school codes in a group's schools list", () => {
    const groups = {
      east: { name: "东部群", webhook_key: "k1", role: "schools" as const, schools: ["东部片区"] },
      town: { name: "城关群", webhook_key: "k3", role: "schools" as const, schools: ["CG001"] },
      leaders: { name: "领导群", webhook_key: "k2", role: "leaders" as const },
    };
    expect(check({ groups })).toEqual([]);
    expect(check({ groups: { ...groups, town: { ...groups.town, schools: ["CG002"] } } })).toEqual([
      ["groups.town.schools.0", '名单里没有片区或学校代码 "CG002"'],
      ["groups", "1 所学校不在任何学校群（role: schools）里，收不到提醒：CG001学校"],
    ]);
  });
});

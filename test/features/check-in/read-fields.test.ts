import { describe, expect, it } from "vitest";
import { kindOf } from "../../../src/config/kinds.js";
import { loadConfig } from "../../../src/config/load-config.js";
import type { School } from "../../../src/config/roster.js";
import { fieldsText } from "../../../src/features/check-in/fields-text.js";
import { reportText } from "../../../src/features/check-in/report-text.js";
import { metRules } from "../../../src/features/check-in/abnormal-alerts.js";
import { readFields } from "../../../src/features/check-in/read-fields.js";
import { TEST_ENV } from "../../support/test-env.js";

const { config } = await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV });
const school: School = { code: "CG001", name: "城关一小", shortName: "", area: "城关", stage: "小学", reporters: ["r"], pupils: 1200, staff: 52, line: 2 };
const TODAY = "2026-12-03";

/** What a message of a kind records: the words after its keyword, read as the generic reader reads them. */
function read(id: string, words: string) {
  const kind = kindOf(config, id)!;
  const { value } = readFields({ words, typed: (start, end) => words.slice(start, end), kind, school, today: TODAY });
  return { value, met: metRules(kind, value).map((rule) => rule.alert), echo: fieldsText.describe(value, kind.fields) };
}

/** A message's words after its kind's keyword (each example starts with one of its words). */
function afterKeyword(id: string, example: string): string {
  const word = kindOf(config, id)!.words.filter((w) => example.startsWith(w)).sort((a, b) => b.length - a.length)[0]!;
  return example.slice(word.length);
}

describe("the generic reader of declared fields", () => {
  it("refuses a day still to come in a date field that takes days come only (a meeting held), with its label or without", () => {
    const ahead = (words: string) => () => read("meeting", words);
    expect(ahead(" 已召开 日期 12月5日")).toThrow("日期“12月5日”是12月5日（周六），还没到，本条没有登记。日期请写今天或以前的日期。");
    expect(ahead(" 已召开 12-05 主题:防火")).toThrow("还没到");
    expect(ahead(" 已召开 日期 明天")).toThrow("还没到");
    expect(ahead(" 已召开 2027-01-05")).toThrow("日期“2027-01-05”是2027年1月5日（周二），还没到");
    expect(read("meeting", " 已召开 12月3日").value.date).toBe("2026-12-03");
    expect(read("meeting", " 已召开 日期 昨天").value.date).toBe("2026-12-02");
  });

  it("records what each example of the example config's new kinds says", () => {
    const said = (id: string) => kindOf(config, id)!.examples.map((example) => read(id, afterKeyword(id, example)));
    expect(said("checkup")).toEqual([
      {
        value: { task: "fields", expected: 1200, present: 1185, sick: 6, symptoms: { 发热: 2, 咳嗽: 3 } },
        met: ["同一症状3例及以上"],
        echo: "实到 1185 / 应到 1200，因病缺勤 6，症状：发热 2、咳嗽 3",
      },
      { value: { task: "fields", expected: 1200, present: 1190 }, met: [], echo: "实到 1190 / 应到 1200" },
    ]);
    expect(said("meeting")).toEqual([
      {
        value: { task: "fields", held: true, date: "2026-12-01", topic: "冬季防火", attendees: 35 },
        met: [],
        echo: "召开：是，日期：12月1日（周二），主题：冬季防火，参会 35",
      },
      { value: { task: "fields", held: false }, met: ["例会未召开"], echo: "召开：否" },
    ]);
    expect(said("duty")).toEqual([
      { value: { task: "fields", leader: "王校长", staff: "李老师、张老师", status: "normal" }, met: [], echo: "带班领导：王校长，值班人员：李老师、张老师，无异常" },
      {
        value: { task: "fields", leader: "王校长", staff: "李老师", status: "abnormal", description: "校门口积水，已处理" },
        met: ["异常"],
        echo: "带班领导：王校长，值班人员：李老师，异常，情况说明：校门口积水，已处理",
      },
    ]);
    expect(said("flood").map((s) => [s.value.status, s.met])).toEqual([
      ["normal", []],
      ["abnormal", ["汛情异常"]],
    ]);
  });

  it("tells back the words no field took, and is silent on the words that say nothing", () => {
    const notes = (id: string, words: string) => readFields({ words, typed: (start, end) => words.slice(start, end), kind: kindOf(config, id)!, school, today: TODAY }).notes;
    expect(notes("meeting", " 未召开 原因：校长外出")).toEqual(["📌 “原因：校长外出”没有登记：安全工作例会登记的是召开、日期、主题、参会。"]);
    expect(notes("meeting", " 已召开 日期 12月1日 会上表扬了张老师")).toEqual(["📌 “会上表扬了张老师”没有登记：安全工作例会登记的是召开、日期、主题、参会。"]);
    expect(notes("meeting", " 已召开 参会十二人")).toEqual(["📌 “十二人”没有登记：安全工作例会登记的是召开、日期、主题、参会。"]);
    expect(notes("meeting", " 已召开，12月1日，主题:冬季防火，参会35人")).toEqual([]);
    expect(notes("meeting", " 没有召开")).toEqual([]);
    expect(notes("checkup", " 应到1200 实到1190 一切正常")).toEqual([]);
    // A status with words after it: they describe it, in the kind's 情况说明.
    expect(read("duty", " 带班领导 王校长 值班人员 李老师 平安 今天下雨").value).toMatchObject({ status: "normal", description: "今天下雨" });
  });

  it("keeps a status word inside what an abnormal report describes", () => {
    expect(read("flood", " 异常 河水上涨，学生已安全转移，现在一切正常").value).toEqual({
      task: "fields",
      status: "abnormal",
      description: "河水上涨，学生已安全转移，现在一切正常",
    });
  });

  it("takes 1185/1200 as a count and its total, and the roster's pupils when no total is given", () => {
    expect(read("checkup", " 1185/1200").value).toMatchObject({ present: 1185, expected: 1200 });
    expect(read("checkup", " 实到1150").value).toMatchObject({ present: 1150, expected: 1200 });
  });

  it("refuses a missing required field, a count over its total and a text over its limit, saying what to write", () => {
    expect(() => read("checkup", " 发热1")).toThrow("请写明实到，例如“晨检 应到1200 实到1185 因病缺勤6 发热2 咳嗽3”。");
    expect(() => read("checkup", " 应到100 实到120")).toThrow("实到 120 不能超过应到 100。");
    expect(() => read("meeting", ` 已召开 主题:${"防".repeat(101)}`)).toThrow("主题写了 101 个字，超过了 100 字的上限，没有登记。请只写要点。");
    expect(() => read("duty", " 带班领导 王校长 平安")).toThrow("请写明值班人员");
  });

  it("checks a whole the roster also gives as the named readers do, and no count above it (a symptom count is never above 应到)", () => {
    const kind = kindOf(config, "checkup")!;
    const notesOf = (words: string) => readFields({ words, typed: (start, end) => words.slice(start, end), kind, school, today: TODAY }).notes;
    expect(() => read("checkup", " 应到0 实到0")).toThrow("应到人数必须大于 0。");
    expect(() => read("checkup", " 应到2401 实到2400")).toThrow("应到人数 2401 超过了名单中贵校学生数 1200 的两倍，请核对。");
    expect(notesOf(" 应到1500 实到1490")).toEqual(["📌 名单里贵校学生 1200 人，请核对；如名单有误请联系管理员更新。"]);
    expect(notesOf(" 应到1190 实到1180")).toEqual([]);
    expect(() => read("checkup", " 实到1190 发热 1000000")).toThrow("发热 1000000 不能超过应到 1200。");
    expect(() => read("checkup", " 应到100 实到90 因病缺勤 101")).toThrow("因病缺勤 101 不能超过应到 100。");
    // Spoken for a school by a leader (代报): 该校.
    const forIt = () => readFields({ words: " 应到2401 实到1", typed: () => "", kind, school, today: TODAY, voice: reportText.voice(school) });
    expect(forIt).toThrow("名单中该校学生数 1200");
  });

  it("reads a figure as every reader does: thousands commas, a colon after its label, the same figure twice", () => {
    expect(read("checkup", " 实到1,190").value).toMatchObject({ present: 1190 });
    expect(read("checkup", " 实到1,190 发热：2").value).toMatchObject({ present: 1190, symptoms: { 发热: 2 } });
    expect(read("checkup", " 实到1190 发热2 发热 2").value).toMatchObject({ symptoms: { 发热: 2 } });
    expect(read("checkup", " 实到1190 其他正常").value).toEqual({ task: "fields", present: 1190, expected: 1200 });
  });

  it("refuses a figure that cannot be a count, two figures for one count and a yes with a no, recording none of it", () => {
    expect(() => read("checkup", " 实到1190 发热-2")).toThrow("发热不能是负数（“-2”）。");
    expect(() => read("checkup", " -1190/1200")).toThrow("实到不能是负数（“-1190”）。");
    expect(() => read("checkup", " 实到1190 发热2.5")).toThrow("发热要写整数（“2.5”）。");
    expect(() => read("checkup", " 实到1190 发热99999999999999999999")).toThrow("发热写的“99999999999999999999”太大了，一所学校不会超过 100 万，请核对。");
    expect(() => read("checkup", " 应到9000000000 实到1190")).toThrow("应到写的“9000000000”太大了");
    expect(() => read("checkup", " 实到1190 发热 2 发热 3")).toThrow("发热写了 2 和 3 两个数，是哪一个？请只写一个。");
    expect(() => read("checkup", " 实到1190 实到1180")).toThrow("实到写了 1190 和 1180 两个数");
    expect(() => read("meeting", " 已召开 参会-3人")).toThrow("参会不能是负数（“-3”）。");
    expect(() => read("meeting", " 已召开 未召开")).toThrow("召开既写了“是”又写了“否”");
    // A kind without a status keeps no 异常: what the words say would be lost, so nothing is recorded.
    expect(() => read("checkup", " 实到1190 异常 发热学生多")).toThrow("晨午检没有“异常”这一项，本条没有登记。有异常请另发一条“异常 具体情况”");
    expect(() => read("checkup", " 实到1190，有异常")).toThrow("晨午检没有“异常”这一项");
    expect(read("checkup", " 实到1190 无异常").value).toMatchObject({ present: 1190 });
    // A figure after no name the kind declares would be lost, and a rule on it never met.
    expect(() => read("checkup", " 实到1190 头痛3")).toThrow("“头痛3”里的 3 不知道该登记到哪一项，本条没有登记。晨午检的数字写在这些名称后面：应到、实到、因病缺勤、发热");
    expect(() => read("meeting", " 召开了3次")).toThrow("“召开了3次”里的 3 不知道该登记到哪一项");
    expect(() => read("duty", " 带班领导 王校长 值班人员 李老师 平安 来了3人")).not.toThrow();
  });

  it("reads a choice by its longest option, not an option inside a longer one or after a negation", () => {
    const choose = (options: string[], words: string, multiple = false) =>
      readFields({
        words,
        typed: (start, end) => words.slice(start, end),
        kind: { name: "食堂晨检", fields: { result: { type: "choice", label: "结果", options, multiple, required: false } }, examples: [] },
        school,
        today: TODAY,
      }).value.result;
    expect(choose(["合格", "不合格", "停餐"], " 结果 不合格")).toBe("不合格");
    expect(choose(["合格", "整改"], " 不合格")).toBeUndefined();
    expect(choose(["合格", "整改"], " 合格")).toBe("合格");
    expect(choose(["合格", "不合格", "停餐"], " 不合格 停餐", true)).toEqual(["不合格", "停餐"]);
    expect(() => choose(["合格", "整改", "停餐"], " 整改 停餐")).toThrow("结果只能选一项，您写了整改、停餐，请只写其中一个。");
  });
});

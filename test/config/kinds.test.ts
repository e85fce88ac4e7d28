import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkConfig } from "../../src/cli/check-config.js";
import { runCli } from "../../src/cli/cli.js";
import { createConfigSource } from "../../src/config/config-source.js";
import { crossCheckConfig } from "../../src/config/cross-check-config.js";
import { READER_DECLARATIONS, enabledKindWords, enabledKinds, listKinds, otherKindWords } from "../../src/config/kinds.js";
import { ALL_KINDS, loadConfigVariant } from "../support/config-variant.js";
import { loadConfig } from "../../src/config/load-config.js";
import { configSchema, type ConfigInput } from "../../src/config/schema.js";
import { createRoster } from "../../src/config/roster.js";
import { TEST_AES_KEY, TEST_ENV } from "../support/test-env.js";

const SAFETY = { name: "平安日报", period: "day" as const, days: "all" as const, deadline: "10:00", reminders: ["09:00"], tally: "10:30" };
const BASE: ConfigInput = {
  bot: { token: "t", encoding_aes_key: TEST_AES_KEY },
  groups: {
    principals: { name: "校长群", webhook_key: "k1", role: "schools" },
    leaders: { name: "领导群", webhook_key: "k2", role: "leaders" },
  },
  leaders: [{ userid: "li_ming", name: "李明" }],
  roster: "schools.csv",
  tasks: { safety: SAFETY },
};
const roster = createRoster([{ code: "CG001", name: "城关一小", shortName: "", area: "城关", stage: "小学", reporters: ["r"], pupils: 1, staff: 1, line: 2 }]);

function check(tasks: ConfigInput["tasks"]) {
  const config = configSchema.parse({ ...BASE, tasks });
  return crossCheckConfig(config, { roster, quiet: () => false }).map((p) => [p.path.join("."), p.message]);
}

describe("report kinds declared in the config", () => {
  it("declares today's three kinds in the example config exactly as their readers record them", async () => {
    const { config } = await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV });
    const kinds = listKinds(config);
    expect(kinds.map((kind) => [kind.id, kind.reader])).toEqual([
      ["safety", "safety"],
      ["drowning", "drowning"],
      ["study", "study"],
      ["checkup", "fields"],
      ["meeting", "fields"],
      ["duty", "fields"],
      ["flood", "fields"],
    ]);
    // The declared fields are the keys kept in Redis today: a running bureau's records read on.
    expect(Object.keys(kinds[0]!.fields)).toEqual(["status", "description", "present", "remark"]);
    expect(Object.keys(kinds[1]!.fields)).toEqual(["reached", "total", "channels"]);
    expect(Object.keys(kinds[2]!.fields)).toEqual(["attended", "expected", "leave", "topic"]);
    for (const kind of kinds.slice(0, 3)) {
      const { id: _id, name: _name, reader, ...declared } = kind;
      expect(declared, kind.id).toEqual(READER_DECLARATIONS[reader as keyof typeof READER_DECLARATIONS]);
    }
  });

  it("gives a config written before declarations its readers' words, fields and examples", () => {
    const [safety] = listKinds(configSchema.parse(BASE));
    expect(safety).toMatchObject({ id: "safety", name: "平安日报", reader: "safety", examples: READER_DECLARATIONS.safety.examples });
    expect(safety!.words).toContain("报平安");
  });

  it("accepts new words, a summary and examples for a kind", () => {
    expect(check({ safety: { ...SAFETY, words: ["平安", "报平安", "安全日报"], examples: ["安全日报"] } })).toEqual([]);
  });

  it("refuses a word that starts two kinds, in either script, where it is written", () => {
    expect(
      check({
        safety: SAFETY,
        study: { ...SAFETY, name: "周学习", words: ["学习", "報平安"] },
      }),
    ).toEqual([["tasks.study.words.1", "“報平安”已是任务 safety 的上报用词，一个词只能开始一种上报"]]);
  });

  it("refuses a rule that names a missing field, tests nothing or a value the field never takes", () => {
    expect(
      check({
        safety: {
          ...SAFETY,
          rules: [{ field: "stauts", equals: "abnormal" }, { field: "status" }, { field: "status", equals: "bad" }, { field: "remark", at_least: 3 }],
        },
      }),
    ).toEqual([
      ["tasks.safety.rules.0.field", "规则里的字段“stauts”不是本任务的字段"],
      ["tasks.safety.rules.1", "每条规则写 equals（等于某个值）或 at_least（不少于某个数）其中一项"],
      ["tasks.safety.rules.2.equals", "字段“status”不会等于 bad"],
      ["tasks.safety.rules.3.at_least", "at_least 只用于人数字段，“remark”不是"],
    ]);
  });

  it("refuses fields that differ from what the kind's reader records, and options of another type", () => {
    const fields = { ...READER_DECLARATIONS.drowning.fields };
    expect(
      check({
        safety: SAFETY,
        drowning: {
          ...SAFETY,
          name: "防溺水",
          fields: {
            reached: { ...fields.reached!, total: "channels" },
            total: { ...fields.total!, type: "text" },
            channels: { ...fields.channels!, max: 3 },
            parents: { type: "count", label: "家长", past: true },
          },
        },
      }),
    ).toEqual([
      ["tasks.drowning.fields.reached.total", "total 写的“channels”不是本任务的人数（count）字段"],
      ["tasks.drowning.fields.total.roster", "roster 不适用于 text 类型的字段"],
      ["tasks.drowning.fields.channels.max", "max 不适用于 choice 类型的字段"],
      ["tasks.drowning.fields.parents.past", "past 不适用于 count 类型的字段"],
      ["tasks.drowning.fields.total.type", "读取方式 drowning 登记的“total”是 count 类型"],
      ["tasks.drowning.fields.parents", "读取方式 drowning 不登记字段“parents”"],
    ]);
  });

  it("refuses a name two fields of a kind go by (a label, a named count, an option), in either script, and a second status field", () => {
    const checkup = {
      ...SAFETY,
      name: "晨午检",
      words: ["晨检"],
      examples: ["晨检 实到1190"],
      fields: {
        present: { type: "count" as const, label: "实到", required: true },
        sick: { type: "count" as const, label: "因病缺勤" },
        absent: { type: "count" as const, label: "因病缺勤" },
        symptoms: { type: "counts" as const, label: "症状", names: ["发热", "咳嗽", "发热"] },
        fever: { type: "count" as const, label: "咳嗽" },
        way: { type: "choice" as const, label: "方式", options: ["電話", "电话", "实到"] },
        status: { type: "status" as const, label: "状态" },
        again: { type: "status" as const, label: "情况" },
      },
    };
    expect(check({ safety: SAFETY, checkup })).toEqual([
      ["tasks.checkup.fields.absent.label", expect.stringMatching(/^“因病缺勤”已是字段 sick 的名称/)],
      ["tasks.checkup.fields.symptoms.names.2", expect.stringMatching(/^“发热”已是字段 symptoms 的名称/)],
      ["tasks.checkup.fields.fever.label", expect.stringMatching(/^“咳嗽”已是字段 symptoms 的名称/)],
      ["tasks.checkup.fields.way.options.1", expect.stringMatching(/^“电话”已是字段 way 的名称/)],
      ["tasks.checkup.fields.way.options.2", expect.stringMatching(/^“实到”已是字段 present 的名称/)],
      ["tasks.checkup.fields.again.type", "一个任务只能有一个 status 字段（已有 status）：“平安”“异常”只能登记到一处"],
    ]);
  });

  it("names the enabled kinds where a reply asks which one, and the words of the others a report must not hold", async () => {
    const { config, remove } = await loadConfigVariant(ALL_KINDS);
    try {
      expect(enabledKindWords(config)).toEqual(["平安", "防溺水", "学习", "晨午检", "安全工作例会", "假期值班", "汛期日报"]);
      expect(otherKindWords(enabledKinds(config), "safety")).toEqual(expect.arrayContaining(["防溺水", "学习", "晨检", "例会", "值班", "汛期"]));
      expect(otherKindWords(enabledKinds(config), "safety")).not.toContain("平安");
    } finally {
      remove();
    }
  });

  describe("pingan check-config", () => {
    const dir = mkdtempSync(join(tmpdir(), "pingan-kinds-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const checkYaml = async (name: string, edit: (yaml: string) => string) => {
      copyFileSync("config/schools.example.csv", join(dir, "schools.example.csv"));
      const yaml = edit(readFileSync("config/pingan.example.yaml", "utf8"));
      writeFileSync(join(dir, name), yaml);
      const lines: string[] = [];
      const code = await checkConfig({ source: createConfigSource(join(dir, name), TEST_ENV), now: new Date("2026-10-20T09:00:00+08:00"), out: (line) => lines.push(line) });
      const lineOf = (needle: string) => yaml.split("\n").findIndex((line) => line.includes(needle)) + 1;
      return { code, said: lines.join("\n"), lineOf };
    };

    it("names the line of an unknown field type", async () => {
      const { code, said, lineOf } = await checkYaml("type.yaml", (yaml) => yaml.replace("topic: { type: text, label: 主题 }", "topic: { type: words, label: 主题 }"));
      expect(code).not.toBe(0);
      expect(said).toContain(`type.yaml:${lineOf("topic: { type: words")} tasks.study.fields.topic.type: 不能写 "words"。可选：status、count、counts、yesno、choice、text、date`);
    });

    it("names the line of a count's name its sums could not be kept under (a colon)", async () => {
      const { code, said, lineOf } = await checkYaml("names.yaml", (yaml) => yaml.replace("names: [发热, 咳嗽,", 'names: ["发热:38度", 咳嗽,'));
      expect(code).not.toBe(0);
      expect(said).toContain(`names.yaml:${lineOf("发热:38度")} tasks.checkup.fields.symptoms.names[0]: 格式不对："发热:38度"。症状等名称不能含冒号、制表符或空格，例如 发热`);
    });

    it("refuses a declared kind's example that does not record, saying why, at its line", async () => {
      const { code, said, lineOf } = await checkYaml("examples.yaml", (yaml) => yaml.replace('"例会 未召开"]', '"例会 主题:防火", "开会了"]'));
      expect(code).toBe(1);
      const at = `examples.yaml:${lineOf('"例会 主题:防火", "开会了"]')}`;
      // The first example as a principal is shown it: its meeting's date is the day it is read (the field takes days come only).
      expect(said).toMatch(new RegExp(`${at} tasks\\.meeting\\.examples\\[1\\]: 示例“例会 主题:防火”不能登记：请写明召开，例如“例会 已召开 \\d+月\\d+日 主题:冬季防火 参会35人”。`));
      expect(said).toContain(`${at} tasks.meeting.examples[2]: 示例“开会了”没有以本任务的上报用词（words）开头`);
    });

    it("refuses an example whose figure no field records (a misspelt label), at its line", async () => {
      const { code, said, lineOf } = await checkYaml("figure.yaml", (yaml) => yaml.replace('"晨检 实到1190"]', '"晨检 实到1190 体温异常2"]'));
      expect(code).toBe(1);
      expect(said).toContain(`figure.yaml:${lineOf('"晨检 实到1190 体温异常2"]')} tasks.checkup.examples[1]: 示例“晨检 实到1190 体温异常2”不能登记：“体温异常2”里的 2 不知道该登记到哪一项，本条没有登记。晨午检的数字写在这些名称后面：应到、实到、因病缺勤、发热、咳嗽、腹泻、呕吐、皮疹、其他。`);
    });

    it("refuses an example with words no field records, at its line", async () => {
      const { code, said, lineOf } = await checkYaml("unrecorded.yaml", (yaml) => yaml.replace('"例会 未召开"]', '"例会 未召开 原因:校长外出"]'));
      expect(code).toBe(1);
      expect(said).toContain(`unrecorded.yaml:${lineOf('"例会 未召开 原因:校长外出"]')} tasks.meeting.examples[1]: 示例“例会 未召开 原因:校长外出”有字登记不下，照着写的校长会以为都登记了：“原因:校长外出”没有登记：安全工作例会登记的是召开、日期、主题、参会。`);
    });

    it("takes the example config with a roster of small schools: an example's figures are nobody's", async () => {
      writeFileSync(join(dir, "small.csv"), "学校代码,学校名称,简称,片区,学段,上报人,学生数,教职工数\nS001,小村小学,小村小学,城关片区,小学,zhang_wei,40,6\n");
      const { code, said } = await checkYaml("small.yaml", (yaml) => yaml.replace("roster: schools.example.csv", "roster: small.csv"));
      expect(code, said).toBe(0);
      expect(said).not.toContain("不能登记");
    });

    it("and pingan start refuses it too, before it opens anything", async () => {
      await checkYaml("start.yaml", (yaml) => yaml.replace('"例会 未召开"]', '"例会 主题:防火"]'));
      const said: string[] = [];
      const env = { ...TEST_ENV, PINGAN_CONFIG: join(dir, "start.yaml"), PINGAN_DATA_DIR: join(dir, "data"), LOG_LEVEL: "silent" };
      const code = await runCli(["node", "pingan", "start"], env, { out: (l) => said.push(l), err: (l) => said.push(l) });
      expect(code).not.toBe(0);
      expect(said.join("\n")).toContain("tasks.meeting.examples[1]: 示例“例会 主题:防火”不能登记：请写明召开");
    });

    it("names the line of a task's school list entry that the roster lacks, and of a monthly time without its day", async () => {
      const { code, said, lineOf } = await checkYaml("schools.yaml", (yaml) =>
        yaml
          .replace("    name: 晨午检\n", "    name: 晨午检\n    schools: [城关片区, 南部片区]\n")
          .replace('    period: week\n    days: school\n    deadline: "fri 17:00"\n    reminders: ["fri 15:00"]\n    tally: "fri 17:30"\n    words: [安全工作例会', '    period: month\n    days: school\n    deadline: "fri 17:00"\n    reminders: ["25 15:00"]\n    tally: "25 17:30"\n    words: [安全工作例会'),
      );
      expect(code).not.toBe(0);
      expect(said).toContain(`schools.yaml:${lineOf("schools: [城关片区, 南部片区]")} tasks.checkup.schools[1]: 名单中没有片区、学段或学校代码 "南部片区"`);
      // The meeting's deadline is two lines under its period.
      expect(said).toContain(`schools.yaml:${lineOf("period: month") + 2} tasks.meeting.deadline: 按月的安排要写几号，"fri 17:00" 没有写`);
    });

    it("names the line of a word of another kind and of a reminder after the deadline", async () => {
      const { code, said, lineOf } = await checkYaml("words.yaml", (yaml) =>
        yaml.replace("words: [学习, 周学习, 政治学习]", "words: [学习, 周学习, 防溺水]").replace('reminders: ["fri 15:00"]', 'reminders: ["fri 19:00"]'),
      );
      expect(code).not.toBe(0);
      expect(said).toContain(`words.yaml:${lineOf("words: [学习, 周学习, 防溺水]")} tasks.study.words[2]: “防溺水”已是任务 drowning 的上报用词`);
      expect(said).toContain(`words.yaml:${lineOf('reminders: ["fri 19:00"]')} tasks.study.reminders[0]: 提醒时间 fri 19:00 不早于截止时间 fri 18:00`);
    });
  });
});

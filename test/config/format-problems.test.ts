import { describe, expect, it } from "vitest";
import { configError } from "../../src/config/config-error.js";
import { formatProblems } from "../../src/config/format-problems.js";

describe("formatProblems", () => {
  it("writes one line per problem: file:line key: message, then the hint", () => {
    const text = formatProblems([
      { file: "config/pingan.yaml", line: 12, key: "tasks.safety.deadlin", message: "未知的配置项，是否想写 deadline？" },
      { file: "config/pingan.yaml", line: 30, key: "tasks.safety.tally", message: "汇总时间 09:30 不晚于截止时间 10:00", hint: '例如 tally: "10:30"' },
      { file: "config/schools.csv", line: 7, key: "学生数", message: '学生数不能是负数："-5"', hint: "写不带小数的整数，例如 1200" },
      { file: "config/pingan.yaml", message: "找不到配置文件" },
    ]);
    expect(text.split("\n")).toEqual([
      "config/pingan.yaml:12 tasks.safety.deadlin: 未知的配置项，是否想写 deadline？",
      'config/pingan.yaml:30 tasks.safety.tally: 汇总时间 09:30 不晚于截止时间 10:00。例如 tally: "10:30"',
      'config/schools.csv:7 学生数: 学生数不能是负数："-5"。写不带小数的整数，例如 1200',
      "config/pingan.yaml: 找不到配置文件",
    ]);
  });
});

describe("configError", () => {
  it("sorts problems by file, then line, and puts a count on top", () => {
    const error = configError([
      { file: "a.yaml", line: 9, message: "九" },
      { file: "b.csv", line: 2, message: "二" },
      { file: "a.yaml", line: 3, message: "三" },
      { file: "a.yaml", message: "无行号" },
    ]);
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.details.problems.map((p) => p.message)).toEqual(["无行号", "三", "九", "二"]);
    expect(error.message.split("\n")).toEqual([
      "配置有 4 处问题，改正后再启动：",
      "a.yaml: 无行号",
      "a.yaml:3: 三",
      "a.yaml:9: 九",
      "b.csv:2: 二",
    ]);
  });
});

import { describe, expect, it } from "vitest";
import type { School } from "../../../src/config/roster.js";
import { CodedError, ErrorCode } from "../../../src/errors.js";
import { parseTaskList } from "../../../src/features/leaders/parse-task-list.js";
import type { TaskCalendar } from "../../../src/time/task-calendar.js";
import { configSchema } from "../../../src/config/schema.js";

const TASK = { name: "平安日报", period: "day" as const, days: "all" as const, deadline: "10:00" };

const school = (code: string, area: string): School => ({ code, name: code, shortName: code, area, stage: "小学", reporters: [], pupils: 1, staff: 1, line: 1 });
const ctx = {
  roster: { schools: [school("A1", "东部片区"), school("A2", "东湖学区"), school("B1", "西部片区")] },
  calendar: { tasks: ["safety", "study"] as TaskCalendar["tasks"] },
  config: configSchema.parse({ bot: {}, groups: {}, roster: "x.csv", tasks: { safety: TASK, study: { ...TASK, name: "周学习" } } }),
};

describe("parseTaskList with areas", () => {
  it("takes an area by its name or the one area whose name starts with the word", () => {
    expect(parseTaskList("平安 西部片区", ctx, { areas: true })).toEqual({ tasks: ["safety"], areas: ["西部片区"] });
    expect(parseTaskList("平安 东部", ctx, { areas: true })).toEqual({ tasks: ["safety"], areas: ["东部片区"] });
    expect(parseTaskList("西", ctx, { areas: true })).toEqual({ areas: ["西部片区"] });
  });

  it("asks which when several areas start so, and refuses words that are neither", () => {
    expect(() => parseTaskList("东", ctx, { areas: true })).toThrow(new CodedError(ErrorCode.Usage, "“东”对应多个片区：东部片区、东湖学区，请写片区全称。"));
    expect(() => parseTaskList("城关一小", ctx, { areas: true })).toThrow(/不是任务名称/u);
    expect(() => parseTaskList("东部", ctx)).toThrow(/不是任务名称/u);
  });
});

import { describe, expect, it } from "vitest";
import { createRoster, type School } from "../../../src/config/roster.js";
import { CodedError, ErrorCode } from "../../../src/errors.js";
import { parseTaskList } from "../../../src/features/leaders/parse-task-list.js";
import { takePartWords } from "../../../src/features/leaders/find-area.js";
import type { TaskCalendar } from "../../../src/time/task-calendar.js";
import { configSchema } from "../../../src/config/schema.js";
import { quoteAsFolded } from "../../../src/text/words.js";

const TASK = { name: "平安日报", period: "day" as const, days: "all" as const, deadline: "10:00" };

const school = (code: string, area: string, above: Pick<School, "city" | "county"> = {}): School => ({ code, name: code, shortName: code, area, ...above, stage: "小学", reporters: [], pupils: 1, staff: 1, line: 1 });
const ctx = {
  roster: createRoster([school("A1", "东部片区"), school("A2", "东湖学区"), school("B1", "西部片区")]),
  calendar: { tasks: ["safety", "study"] as TaskCalendar["tasks"] },
  config: configSchema.parse({ bot: {}, groups: {}, roster: "x.csv", tasks: { safety: TASK, study: { ...TASK, name: "周学习" } } }),
  now: new Date("2026-11-27T08:30:00+08:00"),
};

describe("parseTaskList with areas", () => {
  it("takes an area by its name or the one area whose name starts with the word", () => {
    expect(parseTaskList("平安 西部片区", ctx, { areas: true, quote: quoteAsFolded })).toEqual({ tasks: ["safety"], areas: [{ keys: ["西部片区"], label: "西部片区" }] });
    expect(parseTaskList("平安 东部", ctx, { areas: true, quote: quoteAsFolded })).toEqual({ tasks: ["safety"], areas: [{ keys: ["东部片区"], label: "东部片区" }] });
    expect(parseTaskList("西", ctx, { areas: true, quote: quoteAsFolded })).toEqual({ areas: [{ keys: ["西部片区"], label: "西部片区" }] });
  });

  it("asks which when several areas start so, and refuses words that are neither", () => {
    expect(() => parseTaskList("东", ctx, { areas: true, quote: quoteAsFolded })).toThrow(new CodedError(ErrorCode.Usage, "“东”对应多个片区：东部片区、东湖学区。请照上面写其中一个，例如“未报 东部片区”。"));
    expect(() => parseTaskList("城关一小", ctx, { areas: true, quote: quoteAsFolded })).toThrow(/不是任务名称/u);
    expect(() => parseTaskList("东部", ctx, { quote: quoteAsFolded })).toThrow(/不是任务名称/u);
  });

  it("points a date to 汇总, which these commands do not take", () => {
    for (const word of ["昨天", "11-20", "2026-11-20", "上周", "2-30"]) {
      expect(() => parseTaskList(`平安 ${word}`, ctx, { areas: true, quote: quoteAsFolded }), word).toThrow(new CodedError(ErrorCode.Usage, `“${word}”是日期：这条指令不按日期查。要看某一天或某一周的情况，请发送“汇总 ${word}”。`));
    }
  });
});

describe("takePartWords (汇总's 片区)", () => {
  const today = "2026-11-27";
  const roster = createRoster([school("A1", "东部片区"), school("A2", "东湖学区"), school("B1", "上周村片区")]);
  const take = (text: string) => takePartWords(text, roster, { quote: quoteAsFolded, today });

  it("takes a 片区 by its name or the start of it, as 未报 does, and blanks its words for the date to be read", () => {
    expect(take("昨天 东部片区")).toEqual({ part: { node: roster.root.children[0], label: "东部片区" }, rest: "昨天     " });
    expect(take("东部 昨天").part?.label).toBe("东部片区");
    expect(take("上周村").part?.label).toBe("上周村片区");
    expect(() => take("东")).toThrow(/对应多个片区/u);
  });

  it("never takes a date for the start of a 片区's name", () => {
    for (const date of ["上周", "上周五", "11-20"]) expect(take(date), date).toEqual({ rest: date });
  });
});

describe("parseTaskList with areas above a county", () => {
  // A city's roster: two counties, each with a 城关片区.
  const city = createRoster([
    school("P1", "城关片区", { city: "平安市", county: "平安县" }),
    school("P2", "东部片区", { city: "平安市", county: "平安县" }),
    school("Q1", "城关片区", { city: "平安市", county: "城东区" }),
  ]);
  const cityCtx = { ...ctx, roster: city };

  it("takes an area by its path below the asker's node, slash or space between its names, or by a name unique in his part", () => {
    const pingan = { keys: ["平安市/平安县/城关片区"], label: "平安县/城关片区" };
    expect(parseTaskList("平安 平安县/城关片区", cityCtx, { areas: true, quote: quoteAsFolded })).toEqual({ tasks: ["safety"], areas: [pingan] });
    expect(parseTaskList("平安县 城关片区 学习", cityCtx, { areas: true, quote: quoteAsFolded })).toEqual({ tasks: ["study"], areas: [pingan] });
    expect(parseTaskList("平安市/平安县/城关片区", cityCtx, { areas: true, quote: quoteAsFolded })).toEqual({ areas: [pingan] });
    expect(parseTaskList("东部片区", cityCtx, { areas: true, quote: quoteAsFolded })).toEqual({ areas: [{ keys: ["平安市/平安县/东部片区"], label: "平安县/东部片区" }] });
    // A county's leader: the one 城关片区 of his county, by its bare name.
    const county = city.within(city.root.children[0]!.children[0]!);
    expect(parseTaskList("城关片区", { ...ctx, roster: county }, { areas: true, quote: quoteAsFolded })).toEqual({ areas: [{ keys: ["平安市/平安县/城关片区"], label: "城关片区" }] });
  });

  it("asks which of two counties' 城关片区 a bare name means, listing them as he would write them", () => {
    expect(() => parseTaskList("平安 城关片区", cityCtx, { areas: true, quote: quoteAsFolded })).toThrow(
      new CodedError(ErrorCode.Usage, "“城关片区”对应多个片区：平安县/城关片区、城东区/城关片区。请照上面写其中一个，例如“未报 平安县/城关片区”。"),
    );
  });

  it("takes a county below the asker's node as its 片区, his own node as all he sees, and refuses one outside it as not his", () => {
    expect(parseTaskList("平安 平安县", cityCtx, { areas: true, quote: quoteAsFolded })).toEqual({ tasks: ["safety"], areas: [{ keys: ["平安市/平安县/城关片区", "平安市/平安县/东部片区"], label: "平安县" }] });
    const county = { ...ctx, roster: city.within(city.root.children[0]!.children[0]!) };
    expect(parseTaskList("平安 平安县", county, { areas: true, quote: quoteAsFolded })).toEqual({ tasks: ["safety"] });
    for (const words of ["城东区", "城东区/城关片区", "平安市"]) {
      expect(() => parseTaskList(`平安 ${words}`, county, { areas: true, quote: quoteAsFolded })).toThrow(new CodedError(ErrorCode.NotYourSchool, `“${words}”不在您负责的范围（平安县）内，不能查看或操作。`));
    }
  });
});

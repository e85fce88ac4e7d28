import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CodedError, ErrorCode, hasCode } from "../../src/errors.js";
import {
  formatHolidayNotice,
  formatNoticeProblem,
  mergeHolidayYaml,
  parseHolidayNotice,
  type HolidayNotice,
  type NoticeProblem,
} from "../../src/time/holiday-notice.js";

const BUNDLED = readFileSync(new URL("../../config/holidays-cn.yaml", import.meta.url), "utf8");
const NOTICE_2025 = readFileSync(new URL("../fixtures/notices/2025.txt", import.meta.url), "utf8");
const NOTICE_2026 = readFileSync(new URL("../fixtures/notices/2026.txt", import.meta.url), "utf8");
/** The 2026 notice as copied from a news page: menus, share buttons, 来源, editor, related links. */
const NEWS_PAGE_2026 = readFileSync(new URL("../fixtures/notices/2026-news-page.txt", import.meta.url), "utf8");
/** The 2026 notice reposted by a Hong Kong site, in traditional script, 週 and 星期 for weekdays. */
const HK_REPOST_2026 = readFileSync(new URL("../fixtures/notices/2026-hk-repost.txt", import.meta.url), "utf8");

interface YearSection {
  source: string;
  festivals: { name: string; holidays: { start: string; end: string }; workdays?: string[] }[];
}

function bundledYear(year: number): YearSection {
  return (parseYaml(BUNDLED) as Record<string, YearSection>)[String(year)]!;
}

/** The year's festivals as the data file means them: no workdays key = no make-up workdays. */
function festivalsOf(section: YearSection): HolidayNotice["festivals"] {
  return section.festivals.map((item) => ({ name: item.name, holidays: item.holidays, workdays: item.workdays ?? [] }));
}

/** Replaces exactly one occurrence, so that a typo in a test cannot leave the notice unchanged. */
function mangle(text: string, from: string, to: string): string {
  expect(text.split(from)).toHaveLength(2);
  return text.replace(from, to);
}

/** Every problem of a refused notice; each quotes its sentence and names its line. */
function refusals(text: string, options?: { year?: number }): readonly NoticeProblem[] {
  try {
    parseHolidayNotice(text, options);
  } catch (error) {
    expect(hasCode(error, ErrorCode.HolidayNotice)).toBe(true);
    const refused = error as CodedError<ErrorCode.HolidayNotice>;
    expect(refused.code).toBe(ErrorCode.HolidayNotice);
    for (const problem of refused.details.problems) {
      if (problem.sentence !== "") {
        expect(problem.message).toContain(`“${problem.sentence}”`);
        expect(problem.line).toBeGreaterThan(0);
      }
    }
    expect(refused.message).toBe(refused.details.problems.map(formatNoticeProblem).join("\n"));
    return refused.details.problems;
  }
  throw new Error("the notice was accepted");
}

/** The one problem of a refused notice: a mistake is reported once, without echoes. */
function refusal(text: string, options?: { year?: number }): NoticeProblem {
  const problems = refusals(text, options);
  expect(problems.map((problem) => problem.message)).toHaveLength(1);
  return problems[0]!;
}

const toHalfWidth = (text: string): string =>
  text.replace(/[（），：；]/g, (c) => ({ "（": "(", "）": ")", "，": ",", "：": ":", "；": ";" })[c]!);
const toFullWidthDigits = (text: string): string =>
  text.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe("parseHolidayNotice", () => {
  it("reads the 2025 notice into exactly the bundled 2025 data, source included", () => {
    const notice = parseHolidayNotice(NOTICE_2025);
    expect(notice.year).toBe(2025);
    expect(notice.festivals).toEqual(festivalsOf(bundledYear(2025)));
    expect(notice.source).toBe(bundledYear(2025).source);
    expect(notice.festivals.map((f) => f.name)).toEqual(["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节"]);
  });

  it("reads the 2026 notice into exactly the bundled 2026 data", () => {
    const notice = parseHolidayNotice(NOTICE_2026);
    expect(notice.year).toBe(2026);
    expect(notice.festivals).toEqual(festivalsOf(bundledYear(2026)));
    expect(notice.source).toBe("国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）");
  });

  it("reads half-width punctuation and full-width digits alike", () => {
    for (const text of [NOTICE_2025, NOTICE_2026]) {
      const expected = parseHolidayNotice(text);
      expect(parseHolidayNotice(toHalfWidth(text))).toEqual(expected);
      expect(parseHolidayNotice(toFullWidthDigits(text))).toEqual(expected);
    }
  });

  it("reads the numbered paragraphs alone, run together on one line, given the year", () => {
    const body = NOTICE_2026.split("\n")
      .filter((line) => /^[一二三四五六七]、/.test(line))
      .join("");
    expect(body).not.toContain("\n");
    const notice = parseHolidayNotice(body, { year: 2026 });
    expect(notice.festivals).toEqual(festivalsOf(bundledYear(2026)));
    expect(notice.source).toBe("国务院办公厅关于2026年部分节假日安排的通知");
  });

  it("accepts options.year when it agrees with the title, and refuses when it does not", () => {
    expect(parseHolidayNotice(NOTICE_2025, { year: 2025 }).year).toBe(2025);
    const refused = refusal(NOTICE_2025, { year: 2026 });
    expect(refused.sentence).toBe("国务院办公厅关于2025年部分节假日安排的通知");
    expect(refused.message).toContain("2026");
  });

  it("refuses a title and a preamble that disagree on the year", () => {
    const text = mangle(NOTICE_2026, "现将2026年元旦", "现将2027年元旦");
    expect(refusal(text).sentence).toBe(
      "经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。",
    );
  });

  it("refuses to guess the year when there is no title and none is given", () => {
    const body = NOTICE_2026.split("\n").filter((line) => /^[一二三四五六七]、/.test(line)).join("\n");
    const refused = refusal(body);
    expect(refused.sentence).toBe("");
    expect(refused.message).toContain("哪一年");
  });

  describe("refuses a mangled notice, naming the sentence", () => {
    it("a weekday that does not match the date", () => {
      const refused = refusal(mangle(NOTICE_2026, "4月4日（周六）", "4月4日（周五）"));
      expect(refused.sentence).toBe("三、清明节：4月4日（周五）至6日（周一）放假，共3天。");
      expect(refused.message).toContain("4月4日是周六");
    });

    it("a weekday wrong at the end of a range", () => {
      const refused = refusal(mangle(NOTICE_2025, "至6日（周日）", "至6日（周一）"));
      expect(refused.sentence).toBe("三、清明节：4月4日（周五）至6日（周一）放假，共3天。");
    });

    it("a 共N天 that is not the length of the range", () => {
      const refused = refusal(mangle(NOTICE_2025, "共8天。9月28日", "共7天。9月28日"));
      expect(refused.sentence).toBe("六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共7天。");
      expect(refused.message).toContain("8 天");
    });

    it("放假N天 that is not the length of the range", () => {
      const refused = refusal(mangle(NOTICE_2025, "放假1天", "放假2天"));
      expect(refused.sentence).toBe("一、元旦：1月1日（周三）放假2天，不调休。");
    });

    it("a make-up workday on a Tuesday", () => {
      const refused = refusal(mangle(NOTICE_2026, "5月9日（周六）上班", "5月12日（周二）上班"));
      expect(refused.sentence).toBe("5月12日（周二）上班。");
      expect(refused.message).toContain("周六或周日");
    });

    it("a day both off and working", () => {
      const refused = refusal(mangle(NOTICE_2026, "1月4日（周日）上班", "1月3日（周六）上班"));
      expect(refused.sentence).toBe("1月3日（周六）上班。");
      expect(refused.message).toContain("既在元旦放假");
    });

    it("make-up workdays for a festival said to have none", () => {
      const refused = refusal(mangle(NOTICE_2025, "不调休。", "不调休。1月4日（周六）上班。"));
      expect(refused.sentence).toBe("1月4日（周六）上班。");
      expect(refused.message).toContain("不调休");
    });

    it("a garbled paragraph", () => {
      const refused = refusal(mangle(NOTICE_2026, "6月19日（周五）至21日（周日）放假", "6月19日（周五）到21日（周日）休息"));
      expect(refused.sentence).toBe("五、端午节：6月19日（周五）到21日（周日）休息，共3天。");
      expect(refused.message).toMatch(/^看不懂这一句：“五、端午节/);
    });

    it("a missing date at the end of a range", () => {
      const refused = refusal(mangle(NOTICE_2026, "至5日（周二）", "至（周二）"));
      expect(refused.sentence).toBe("四、劳动节：5月1日（周五）至（周二）放假调休，共5天。");
    });

    it("a missing month at the start of a range", () => {
      const refused = refusal(mangle(NOTICE_2026, "四、劳动节：5月1日", "四、劳动节：1日"));
      expect(refused.sentence).toBe("四、劳动节：1日（周五）至5日（周二）放假调休，共5天。");
      expect(refused.message).toContain("缺少月份");
    });

    it("a date that does not exist", () => {
      const refused = refusal(mangle(NOTICE_2026, "2月28日（周六）上班", "2月30日（周六）上班"));
      expect(refused.sentence).toBe("2月14日（周六）、2月30日（周六）上班。");
    });

    it("a lunar date that does not match", () => {
      const refused = refusal(mangle(NOTICE_2026, "农历腊月二十八", "农历腊月二十九"));
      expect(refused.sentence).toContain("二、春节：2月15日（农历腊月二十九、周日）");
      expect(refused.message).toContain("腊月廿八");
    });

    it("a 除夕 that is not the eve of the lunar new year", () => {
      const text = mangle(
        NOTICE_2025,
        "1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）",
        "1月27日（农历除夕、周一）至2月4日（农历正月初七、周二）放假调休，共9天。1月26日（周日）",
      );
      expect(refusal(text).message).toContain("不是除夕");
    });

    it("a block that misses its festival's statutory day", () => {
      const refused = refusal(mangle(NOTICE_2026, "9月25日（周五）至27日（周日）", "9月26日（周六）至28日（周一）"));
      expect(refused.sentence).toBe("六、中秋节：9月26日（周六）至28日（周一）放假，共3天。");
      expect(refused.message).toContain("9月25日");
    });

    it("a paragraph left out: out of sequence, and its festival missing", () => {
      const text = NOTICE_2026.replace(/^五、端午节.*\n/m, "");
      expect(text).not.toContain("五、端午节");
      expect(refusals(text).map((problem) => problem.message)).toEqual([
        "看不懂这一句：“六、中秋节：9月25日（周五）至27日（周日）放假，共3天。”（这一段应当是第五段）",
        "通知里没有端午节的安排，是不是少复制了一段？",
      ]);
    });

    it("an unknown festival", () => {
      const refused = refusal(mangle(NOTICE_2026, "五、端午节", "五、端午"));
      expect(refused.message).toContain("不认识节日“端午”");
    });

    it("a festival left out altogether", () => {
      const text = mangle(NOTICE_2025, "六、国庆节、中秋节：", "六、国庆节：");
      const refused = refusal(text);
      expect(refused.sentence).toBe("");
      expect(refused.message).toContain("中秋节");
    });

    it("a line between the paragraphs that schedules something it cannot read", () => {
      const refused = refusal(mangle(NOTICE_2026, "\n\n四、劳动节", "\n\n另：4月30日下午放假半天。\n\n四、劳动节"));
      expect(refused.sentence).toBe("另：4月30日下午放假半天。");
      expect(refused.line).toBe(13);
    });

    it("a schedule hidden in the preamble", () => {
      const text = mangle(NOTICE_2026, "具体安排通知如下。", "具体安排通知如下。1月5日（周一）上班。");
      expect(refusal(text).sentence).toBe("1月5日（周一）上班。");
    });
  });
});

describe("parseHolidayNotice on the notice as people copy it", () => {
  const expected = () => parseHolidayNotice(NOTICE_2026);

  it("finds the notice on a news page, passing over menus, share buttons, 来源, editor and related links", () => {
    expect(NEWS_PAGE_2026).toContain("点击右上角微信好友");
    expect(NEWS_PAGE_2026).toContain("5月9日（周六）上班\n一图读懂");
    expect(parseHolidayNotice(NEWS_PAGE_2026)).toEqual(expected());
  });

  it("reads a Hong Kong repost in traditional script, 週 and 星期 alike", () => {
    expect(HK_REPOST_2026).toContain("國務院辦公廳關於2026年");
    expect(HK_REPOST_2026).toContain("（週六）");
    expect(parseHolidayNotice(HK_REPOST_2026)).toEqual(expected());
  });

  it("reads an ASCII copy: half-width brackets, commas and colons, '.' ending sentences, ',' between dates", () => {
    const ascii = toHalfWidth(NEWS_PAGE_2026).replace(/。/g, ".").replace(/\)、/g, "),");
    expect(ascii).toContain("2月14日(周六),2月28日(周六)上班.");
    expect(parseHolidayNotice(ascii)).toEqual(expected());
    expect(parseHolidayNotice(toFullWidthDigits(HK_REPOST_2026))).toEqual(expected());
  });

  it("reads paragraphs numbered with a '.' (一.元旦)", () => {
    expect(parseHolidayNotice(NOTICE_2026.replace(/^([一二三四五六七])、/gm, "$1."))).toEqual(expected());
  });

  it("ends a notice copied without its closing and signature at the first line after its last festival that schedules nothing", () => {
    const start = NEWS_PAGE_2026.indexOf("　　鼓励单位和个人");
    const end = NEWS_PAGE_2026.indexOf("【我要纠错】");
    const cut = NEWS_PAGE_2026.slice(0, start) + NEWS_PAGE_2026.slice(end);
    expect(cut).toContain("10月10日（周六）上班。\n\n【我要纠错】");
    const notice = parseHolidayNotice(cut);
    expect(notice.festivals).toEqual(expected().festivals);
    expect(notice.source).toBe("国务院办公厅关于2026年部分节假日安排的通知");
  });

  it("passes over a line amid the paragraphs that schedules nothing (a caption, a share button)", () => {
    const text = mangle(NOTICE_2026, "\n\n四、劳动节", "\n\n分享到微信朋友圈\n\n四、劳动节");
    expect(parseHolidayNotice(text)).toEqual(expected());
  });

  it("reports every bad sentence in one run, each with its line, in the order of the text", () => {
    let text = mangle(NEWS_PAGE_2026, "4月4日（周六）", "4月4日（周五）");
    text = mangle(text, "5月9日（周六）上班。", "5月12日（周二）上班。");
    text = mangle(text, "6月19日（周五）至21日（周日）放假", "6月19日（周五）到21日（周日）休息");
    text = mangle(text, "农历腊月二十八", "农历腊月二十九");
    const problems = refusals(text);
    expect(problems.map((problem) => problem.line)).toEqual([26, 28, 30, 32]);
    expect(problems.map((problem) => problem.message)).toEqual([
      "这一句有误：“二、春节：2月15日（农历腊月二十九、周日）至23日（农历正月初七、周一）放假调休，共9天。”（2月15日是农历腊月廿八，不是腊月二十九）",
      "这一句有误：“三、清明节：4月4日（周五）至6日（周一）放假，共3天。”（4月4日是周六，不是周五）",
      "这一句有误：“5月12日（周二）上班。”（5月12日是周二，调休上班日只会是周六或周日）",
      "看不懂这一句：“五、端午节：6月19日（周五）到21日（周日）休息，共3天。”",
    ]);
  });

  it("reports bad sentences of a traditional copy as written", () => {
    const refused = refusal(mangle(HK_REPOST_2026, "4月4日（週六）", "4月4日（週五）"));
    expect(refused.sentence).toBe("三、清明節：4月4日（週五）至6日（週一）放假，共3天。");
    expect(refused.message).toContain("4月4日是周六");
  });
});

describe("formatHolidayNotice", () => {
  it("lists every holiday range and make-up workday with its weekday, and the totals", () => {
    const lines = formatHolidayNotice(parseHolidayNotice(NOTICE_2025));
    expect(lines).toHaveLength(8);
    expect(lines[0]).toContain("2025");
    expect(lines).toContain("元旦：2025-01-01（周三）放假，共 1 天；不调休");
    expect(lines).toContain(
      "春节：2025-01-28（周二）至2025-02-04（周二）放假，共 8 天；2025-01-26（周日）、2025-02-08（周六）调休上班",
    );
    expect(lines.at(-1)).toBe("合计：6 段假期共 28 天，调休上班 5 天");
  });

  it("mentions every date of the 2026 data", () => {
    const text = formatHolidayNotice(parseHolidayNotice(NOTICE_2026)).join("\n");
    for (const festival of bundledYear(2026).festivals) {
      for (const date of [festival.holidays.start, festival.holidays.end, ...(festival.workdays ?? [])]) {
        expect(text).toContain(date);
      }
    }
    expect(text).toContain("合计：7 段假期共 33 天，调休上班 6 天");
  });
});

describe("mergeHolidayYaml", () => {
  it("reproduces the bundled file byte for byte when merging the notice it was written from", () => {
    expect(mergeHolidayYaml(BUNDLED, parseHolidayNotice(NOTICE_2025))).toBe(BUNDLED);
  });

  it("replaces a year in place, changing nothing else", () => {
    const merged = mergeHolidayYaml(BUNDLED, parseHolidayNotice(NOTICE_2026));
    const before = BUNDLED.split("\n");
    const after = merged.split("\n");
    expect(after).toHaveLength(before.length);
    const changed = after.filter((line, i) => line !== before[i]);
    expect(changed).toEqual(["  source: 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）"]);
  });

  it("adds a new year after the others, keeping the header and the other years", () => {
    const notice: HolidayNotice = {
      year: 2027,
      source: "国务院办公厅关于2027年部分节假日安排的通知（2026年11月）",
      festivals: [
        { name: "元旦", holidays: { start: "2027-01-01", end: "2027-01-03" }, workdays: [] },
        { name: "春节", holidays: { start: "2027-02-05", end: "2027-02-12" }, workdays: ["2027-02-14", "2027-02-20"] },
      ],
    };
    const merged = mergeHolidayYaml(BUNDLED, notice);
    const header = BUNDLED.slice(0, BUNDLED.indexOf('"2025":'));
    expect(merged.startsWith(header)).toBe(true);
    expect(merged.startsWith(BUNDLED.trimEnd())).toBe(true);
    const parsed = parseYaml(merged) as Record<string, YearSection>;
    expect(Object.keys(parsed)).toEqual(["2025", "2026", "2027"]);
    expect(parsed["2025"]).toEqual(bundledYear(2025));
    expect(parsed["2026"]).toEqual(bundledYear(2026));
    expect(festivalsOf(parsed["2027"]!)).toEqual(notice.festivals);
    expect(parsed["2027"]!.source).toBe(notice.source);
    expect(merged).toContain('\n\n"2027":\n');
    expect(merged).toContain("      workdays: [2027-02-14, 2027-02-20]\n");
    expect(parsed["2027"]!.festivals[0]).not.toHaveProperty("workdays");
  });

  it("keeps the years in order when adding an earlier one", () => {
    const notice: HolidayNotice = { ...parseHolidayNotice(NOTICE_2025), year: 2024, source: "x" };
    const parsed = parseYaml(mergeHolidayYaml(BUNDLED, notice)) as Record<string, YearSection>;
    expect(Object.keys(parsed)).toEqual(["2024", "2025", "2026"]);
    expect(parsed["2026"]).toEqual(bundledYear(2026));
  });

  it("starts a new file when there is none", () => {
    const notice = parseHolidayNotice(NOTICE_2026);
    const parsed = parseYaml(mergeHolidayYaml(undefined, notice)) as Record<string, YearSection>;
    expect(Object.keys(parsed)).toEqual(["2026"]);
    expect(festivalsOf(parsed["2026"]!)).toEqual(notice.festivals);
  });

  it("refuses to merge into a file that is not YAML", () => {
    expect(() => mergeHolidayYaml('"2025": [unclosed', parseHolidayNotice(NOTICE_2025))).toThrow(/不是合法的 YAML/);
  });
});

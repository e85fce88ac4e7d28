import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportAll, sayAt } from "../../commands/leader-seed.js";
import { openChromium, type OpenChromium } from "../../support/chromium.js";
import { startHarness, type Harness } from "../../support/harness.js";
import { waitFor } from "../../support/wait-for.js";

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "../../artifacts");

/** Tuesday 2026-11-24 in the autumn term: safety daily (deadline 10:00), study weekly, drowning out of season. */
const TUESDAY_1035 = "2026-11-24T10:35:00+08:00";
const LEADER = "wang_zhiyuan";
/** Typed by a principal: markup that must reach the page as text. */
const INCIDENT = "一名学生课间摔伤，已送医 <b>无生命危险</b> & 家长已到 <script>alert(1)</script>";

type Counts = Record<"expected" | "reported" | "onTime" | "late" | "onBehalf" | "missing" | "exempt" | "abnormal", number>;

/** A task's numbers as 汇总 prints them, by task name. */
function parseSummary(reply: string): Map<string, Counts> {
  const tasks = new Map<string, Counts>();
  for (const block of reply.split("\n\n")) {
    const name = /^\*\*(.+?)\*\*/.exec(block)?.[1];
    const counts = /应报 (\d+) 所 · 已报 (\d+) 所/.exec(block);
    const details = /按时 (\d+) · 迟报 (\d+)(?: · 代报 (\d+))?/.exec(block);
    const gaps = /未报 (\d+) 所(?: · 免报 (\d+) 所)?/.exec(block);
    if (!name || !counts || !details || !gaps) continue;
    tasks.set(name, {
      expected: Number(counts[1]),
      reported: Number(counts[2]),
      onTime: Number(details[1]),
      late: Number(details[2]),
      onBehalf: Number(details[3] ?? 0),
      missing: Number(gaps[1]),
      exempt: Number(gaps[2] ?? 0),
      abnormal: Number(/异常 (\d+) 条/.exec(block)?.[1] ?? 0),
    });
  }
  return tasks;
}

/** Each task card's numbers on the page, by task name (a card without numbers is left out). */
async function readBoard(page: Page): Promise<Map<string, Partial<Counts>>> {
  const cards = await page.$$eval("section.task", (sections) =>
    sections.map((section) => ({
      name: section.querySelector("h2")!.childNodes[0]!.textContent!.trim(),
      counts: Object.fromEntries([...section.querySelectorAll("[data-count]")].map((el) => [el.getAttribute("data-count"), Number(el.textContent)])),
    })),
  );
  return new Map(cards.filter((c) => Object.keys(c.counts).length > 0).map((c) => [c.name, c.counts]));
}

let h: Harness;
let reply: string;
let link: URL;
const browsers: OpenChromium[] = [];
/** Every URL the browsers asked for, and those that would have left this machine. */
const requested: string[] = [];
const outside: string[] = [];
/** What the browsers' consoles said that a policy refused (CSP) or that threw. */
const complaints: string[] = [];

/** The link as served behind the public URL's proxy: same path and query, the test server's origin. */
const local = (url: URL) => `${h.url}${url.pathname}${url.search}`;

async function open(options: Parameters<typeof openChromium>[0]): Promise<Page> {
  const browser = await openChromium(options);
  browsers.push(browser);
  await browser.context.route("**/*", async (route) => {
    const url = route.request().url();
    requested.push(url);
    if (new URL(url).hostname === "127.0.0.1") return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) complaints.push(message.text());
  });
  page.on("pageerror", (error) => complaints.push(error.message));
  return page;
}

beforeAll(async () => {
  h = await startHarness({ now: "2026-11-23T08:00:00+08:00" });
  // Monday: all but three on time; one of them late, one abnormal.
  await reportAll(h, "2026-11-23T08:30:00+08:00", ["CG004", "XB003", "BB002", "BB001"]);
  await sayAt(h, "2026-11-23T09:10:00+08:00", "han_bing", "异常 校门口护栏松动，已设置警示");
  await sayAt(h, "2026-11-23T10:40:00+08:00", "chen_jing", "平安");
  // Tuesday: an exam centre exempt; three missing; an abnormal report; one abnormal then corrected;
  // one entered by a leader (代报); one late.
  await sayAt(h, "2026-11-24T07:50:00+08:00", "liu_xin", "免报 白沙学校 平安 今天 中考考点");
  await reportAll(h, "2026-11-24T08:30:00+08:00", ["CG001", "CG002", "CG003", "CG004", "DB003", "DB005", "XB003", "BB002"]);
  await sayAt(h, "2026-11-24T08:40:00+08:00", "zhang_wei", `异常 ${INCIDENT}`);
  await sayAt(h, "2026-11-24T09:20:00+08:00", "zhang_wei", "异常 受伤学生已做检查，无骨折，家长已接回");
  await sayAt(h, "2026-11-24T08:50:00+08:00", "liu_yang", "异常 厨房燃气泄漏，已疏散");
  await sayAt(h, "2026-11-24T09:10:00+08:00", "chen_xiaohong", "代报 青石小学 平安");
  await sayAt(h, "2026-11-24T09:30:00+08:00", "liu_yang", "平安");
  await sayAt(h, "2026-11-24T10:20:00+08:00", "wang_fang", "平安");

  reply = await sayAt(h, TUESDAY_1035, LEADER, "看板");
  const found = /\]\((https?:\/\/[^\s)]+)\)/.exec(reply);
  if (!found) throw new Error(`no link in the reply:\n${reply}`);
  link = new URL(found[1]!);
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await h?.close();
});

describe("看板", () => {
  it("answers a leader with a signed link under the public URL, and refuses a principal", async () => {
    expect(link.origin).toBe("https://pingan.example.edu.cn");
    expect(link.pathname).toBe("/board");
    expect([...link.searchParams.keys()]).toEqual(["by", "exp", "sig"]);
    expect(reply).toContain("**平安看板**");
    expect(reply).toContain("链接 8 小时内有效（至 11月24日 18:35）");
    const refused = await sayAt(h, TUESDAY_1035, "zhang_wei", "看板");
    expect(refused).not.toContain("http");
  });

  describe.each([
    { name: "phone", viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    { name: "desktop", viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false },
  ])("at $name width", ({ name, ...device }) => {
    let page: Page;
    let response: Response | null;
    beforeAll(async () => {
      page = await open(device);
      h.clock.set(new Date(TUESDAY_1035));
      response = await page.goto(local(link));
    });

    it("shows the same numbers as 汇总, from the service alone, under a strict CSP", async () => {
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-security-policy"]).toContain("default-src 'none'");
      const summary = parseSummary(await sayAt(h, TUESDAY_1035, LEADER, "汇总"));
      const board = await readBoard(page);
      expect(summary.get("平安日报")).toMatchObject({ expected: 27, reported: 24, late: 1, onBehalf: 1, missing: 3, exempt: 1, abnormal: 1 });
      expect([...board.keys()]).toEqual([...summary.keys()]);
      for (const [task, counts] of summary) expect(board.get(task), task).toEqual(task === "平安日报" ? counts : { ...counts, abnormal: undefined });
    });

    it("lists every school by area in its state, each with its word", async () => {
      const rows = await page.$$eval("section.task-areas[data-task=safety] li.school", (lis) =>
        lis.map((li) => ({ code: li.getAttribute("data-code"), state: li.getAttribute("data-state"), abnormal: li.hasAttribute("data-abnormal"), text: li.textContent!.replace(/\s+/g, " ").trim() })),
      );
      expect(rows).toHaveLength(28);
      const state = (code: string) => rows.find((r) => r.code === code)!;
      expect(rows.filter((r) => r.state === "missing").map((r) => r.code)).toEqual(["CG004", "XB003", "BB002"]);
      expect(state("CG001")).toMatchObject({ state: "on_time", abnormal: true });
      expect(state("CG001").text).toContain("异常");
      expect(state("CG002").text).toContain("迟报");
      expect(state("DB003").text).toContain("代报");
      expect(state("DB005").text).toMatch(/白沙学校.*中考考点.*免报/);
      expect(state("BB002").text).toContain("未报");
      const areas = await page.$$eval("section.task-areas[data-task=safety] .area h3", (hs) => hs.map((el) => el.textContent));
      expect(areas).toEqual(["城关片区", "东部片区", "西部片区", "北部片区"]);
    });

    it("shows the abnormal report in full, as typed, with its history, and the corrected one apart", async () => {
      const incident = page.locator("#abnormal .incident[data-school=CG001]");
      await expect(incident.locator(".desc").textContent()).resolves.toBe("受伤学生已做检查，无骨折，家长已接回");
      const history = await incident.locator(".history li").allTextContents();
      expect(history).toHaveLength(3);
      expect(history[0]).toMatch(/11月24日 09:20.*更正为：异常：受伤学生已做检查/);
      expect(history[1]).toContain(`上报：异常：${INCIDENT}`);
      expect(history[2]).toMatch(/11月23日 08:30.*上报：无异常/);
      expect(await page.locator("#abnormal script, #abnormal b:text('无生命危险')").count()).toBe(0);
      const resolved = await page.locator("#abnormal .incident.resolved[data-school=CG003]").textContent();
      expect(resolved).toContain("08:50 报“厨房燃气泄漏，已疏散”，09:30 更正为无异常");
    });

    it("draws the week: Monday and today tallied, the days to come not yet", async () => {
      const days = await page.$$eval(".trend .day", (lis) => lis.map((li) => li.textContent!.replace(/\s+/g, " ").trim()));
      expect(days).toHaveLength(7);
      expect(days[0]).toMatch(/周一.*26\/28.*异常 1.*迟报 1.*未报 2/);
      expect(days[1]).toMatch(/今天.*24\/27.*异常 1.*迟报 1.*未报 3/);
      expect(days[2]).toContain("未到");
    });

    it(`fits the ${name} screen and keeps a screenshot`, async () => {
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(device.viewport.width);
      await page.screenshot({ path: join(ARTIFACTS, `board-${name}.png`), fullPage: true });
    });
  });

  it("sends its page gzipped to whoever accepts it, the same page as plain", async () => {
    h.clock.set(new Date(TUESDAY_1035));
    const plain = await fetch(local(link), { headers: { "Accept-Encoding": "identity" } });
    const zipped = await fetch(local(link), { headers: { "Accept-Encoding": "gzip, deflate, br" } });
    expect([plain.status, zipped.status]).toEqual([200, 200]);
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    for (const response of [plain, zipped]) {
      expect(response.headers.get("vary")).toContain("Accept-Encoding");
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    }
    const sizes = [Number(plain.headers.get("content-length")), Number(zipped.headers.get("content-length"))];
    expect(sizes[1]).toBeLessThan(sizes[0]! / 3);
    expect(await zipped.text()).toBe(await plain.text());
  });

  it("refreshes itself in place, keeps the filter, and stops with the reason once the link expires", async () => {
    const page = await open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    h.clock.set(new Date(TUESDAY_1035));
    await page.goto(local(link));
    const school = (code: string) => page.locator(`section.task-areas[data-task=safety] li.school[data-code=${code}]`);
    await page.click("[data-filter]");
    expect(await school("CG005").isVisible()).toBe(false);
    expect(await school("CG004").isVisible()).toBe(true);

    await sayAt(h, "2026-11-24T10:45:00+08:00", "chen_jing", "平安");
    const summary = parseSummary(await sayAt(h, "2026-11-24T10:46:00+08:00", LEADER, "汇总")).get("平安日报")!;
    // As when the leader comes back to the page.
    await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await waitFor("the board to show the late report", async () => (await readBoard(page)).get("平安日报")?.reported === 25);
    expect((await readBoard(page)).get("平安日报")).toEqual(summary);
    expect(await school("CG004").getAttribute("data-state")).toBe("late");
    expect(await school("CG005").isVisible()).toBe(false);

    h.clock.advance(8 * 3600_000);
    await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await waitFor("the expiry notice", async () => (await page.locator("#notice").textContent())?.includes("已过期") === true);
    expect(await page.locator("#notice").isVisible()).toBe(true);
    // The last numbers stay up under the notice.
    expect((await readBoard(page)).get("平安日报")?.reported).toBe(25);
    await page.screenshot({ path: join(ARTIFACTS, "board-phone-expired-filtered.png"), fullPage: true });
  });

  it("refuses an expired or altered link with 403 and a Chinese page saying what to do", async () => {
    const page = await open({ viewport: { width: 390, height: 844 }, isMobile: true });
    const refusal = async (url: string) => {
      const response = await page.goto(url);
      return { status: response?.status(), text: await page.locator("#refusal").textContent({ timeout: 1000 }) };
    };
    h.clock.set(new Date("2026-11-24T18:34:00+08:00"));
    expect((await page.goto(local(link)))?.status()).toBe(200);
    h.clock.set(new Date("2026-11-24T18:36:00+08:00"));
    expect(await refusal(local(link))).toEqual({ status: 403, text: "看板链接已过期。请在群里重新发送“看板”获取新链接。" });

    h.clock.set(new Date(TUESDAY_1035));
    const altered = new URL(link);
    altered.searchParams.set("by", "someone_else");
    expect(await refusal(local(altered))).toEqual({ status: 403, text: "看板链接无效（可能被改动过）。请在群里重新发送“看板”获取新链接。" });
    const longer = new URL(link);
    longer.searchParams.set("exp", String(Number(link.searchParams.get("exp")) + 86_400));
    expect((await refusal(local(longer))).status).toBe(403);
    const cut = new URL(link);
    cut.searchParams.delete("sig");
    expect(await refusal(local(cut))).toEqual({ status: 403, text: "看板链接不完整。请在群里重新发送“看板”获取新链接。" });
  });

  it("while Redis does not answer, says in Chinese to try again (503, Retry-After), and the open board comes back on its next refresh", async () => {
    const page = await open({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    h.clock.set(new Date(TUESDAY_1035));
    await page.goto(local(link));
    const shown = (await readBoard(page)).get("平安日报");
    expect(shown?.reported).toBeGreaterThan(0);
    const redisPid = Number(/process_id:(\d+)/.exec(await h.client.info("server"))![1]);
    // Paused, not gone: the web connection's commands wait out their 1 s timeout, as under a load Redis cannot keep up with.
    process.kill(redisPid, "SIGSTOP");
    try {
      const response = await fetch(`${local(link)}&area=${encodeURIComponent("城关片区")}`);
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("60");
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(/<p id="unavailable">([^<]*)<\/p>/.exec(text)?.[1]).toBe("系统正忙，暂时读不到数据，请稍后再试：本页一分钟后自动重新打开，链接不用重新获取。多次仍打不开，请告诉管理员。");
      // Nothing of the request (its signature) nor of the error.
      for (const echoed of [link.searchParams.get("sig")!, "城关", "wang_zhiyuan", "timed out", "Error", ".ts:"]) expect(text).not.toContain(echoed);
      expect(text).toContain('<meta http-equiv="refresh" content="60">');

      const opened = await open({ viewport: { width: 390, height: 844 }, isMobile: true });
      expect((await opened.goto(local(link)))?.status()).toBe(503);
      expect(await opened.locator("#unavailable").isVisible()).toBe(true);
      await opened.screenshot({ path: join(ARTIFACTS, "board-phone-unavailable.png"), fullPage: true });

      await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
      await waitFor("the busy notice", async () => (await page.locator("#notice").textContent()) === "系统正忙，暂时读不到最新数据，一分钟后自动重试；下面是上次的数据。");
      expect((await readBoard(page)).get("平安日报")).toEqual(shown);
    } finally {
      process.kill(redisPid, "SIGCONT");
    }
    h.clock.set(new Date("2026-11-24T10:37:00+08:00"));
    await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await waitFor("the board again", async () => (await page.locator(".updated").textContent())?.includes("10:37") === true);
    expect(await page.locator("#notice").isHidden()).toBe(true);
    expect((await readBoard(page)).get("平安日报")).toEqual(shown);
  });

  it("while Redis is down, answers the same page, and the board once it is back", async () => {
    h.clock.set(new Date(TUESDAY_1035));
    await h.redis.kill("SIGKILL");
    try {
      const response = await fetch(local(link));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("60");
      expect(await response.text()).toContain('<p id="unavailable">系统正忙');
    } finally {
      await h.redis.restart();
    }
    await waitFor("the board again", async () => (await fetch(local(link))).status === 200, { timeoutMs: 30_000 });
  });

  it("asked for nothing outside the service, and nothing was refused by the page's policy", () => {
    expect(complaints).toEqual([]);
    expect(requested.length).toBeGreaterThan(5);
    expect(outside).toEqual([]);
    for (const url of requested) expect(url.startsWith(`${h.url}/board?`), url).toBe(true);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import { formatCheckInCard } from "../../../src/features/check-in/check-in-card.js";
import type { TaskCalendar } from "../../../src/time/task-calendar.js";
import { loadExample } from "../leaders/fixtures.js";

let periods: TaskCalendar;
beforeAll(async () => {
  ({ periods } = await loadExample());
});

describe("the check-in card", () => {
  it("says the deadline is ahead up to its minute, and passed after it, where a tap is recorded late", () => {
    const period = periods.at("safety", new Date("2026-11-24T09:00:00+08:00"))!;
    const card = (now: string) => formatCheckInCard({ id: "c", period, timeZone: "Asia/Shanghai", now: new Date(now) }).desc;
    expect(card("2026-11-24T10:00:59+08:00")).toBe("截止 11月24日 10:00，点一下即可上报");
    expect(card("2026-11-24T10:01:00+08:00")).toBe("截止 11月24日 10:00 已过，点一下即可补报（记为迟报）");
  });
});

import { TEST_AES_KEY, TEST_TOKEN } from "../../test/support/test-env.js";
import type { LoadPlan, LoadRun } from "./callback-load.js";

/**
 * The check-ins a benchmark offers beside what it measures (the board's pages, an export): the
 * fixture's principals each saying 平安 within his school's size, on the test credentials'
 * callback URL, at `rate` a second over `runs`, with callbacks enough for all of them.
 */
export function principalsPlan(args: { url: string; botName: string; schools: readonly { reporter: string; pupils: number }[]; rate: number; runs: LoadRun[] }): LoadPlan {
  const seconds = args.runs.reduce((sum, run) => sum + run.duration, 0);
  return {
    url: args.url,
    path: "/wecom/callback",
    token: TEST_TOKEN,
    encodingAESKey: TEST_AES_KEY,
    botName: args.botName,
    senders: args.schools.map((s) => s.reporter),
    pupils: args.schools.map((s) => s.pupils),
    pool: Math.ceil(args.rate * seconds * 1.2),
    runs: args.runs,
  };
}

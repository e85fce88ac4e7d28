import { defineConfig } from "vitest/config";

/** End-to-end scenarios that run again with WeCom on the long connection instead of the callback URL (harness.ts reads PINGAN_TEST_TRANSPORT). */
const BOTH_TRANSPORTS = [
  "test/commands/reporting.test.ts",
  "test/commands/summary.test.ts",
  "test/commands/report-for.test.ts",
  "test/commands/remind.test.ts",
  "test/commands/history.test.ts",
  "test/commands/fit-sender.test.ts",
  "test/commands/hostile-text.test.ts",
  "test/commands/examples.test.ts",
  "test/commands/reading.test.ts",
  "test/features/declared-kind.test.ts",
  "test/features/incidents/incident-life.test.ts",
];

export default defineConfig({
  test: {
    // Each file starts its own redis-server; two cores want few files at once.
    maxWorkers: 2,
    // Hang detectors only: every wait inside a test has its own condition and bound, and a test
    // that starts OS processes on a loaded 2-core machine may take minutes without being wrong.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    projects: [
      { extends: true, test: { name: "callback", include: ["test/**/*.test.ts"] } },
      { extends: true, test: { name: "websocket", include: BOTH_TRANSPORTS, env: { PINGAN_TEST_TRANSPORT: "websocket" } } },
    ],
  },
});

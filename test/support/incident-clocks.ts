import { Queue } from "bullmq";
import { afterAll, beforeAll } from "vitest";
import { INCIDENT_QUEUE_NAME, type IncidentJobData } from "../../src/features/incidents/incident-timers.js";
import { createKeys } from "../../src/store/keys.js";
import { startHarness, type Harness } from "./harness.js";

/**
 * The whole service on the example config with its incident clocks shortened by `edits` (lines of
 * the config replaced, so the delayed jobs run within a test), on a school morning, and the
 * clocks' queue to look into. `close` stops both and removes the config.
 */
async function openIncidentClocks(edits: [string, string][]): Promise<{ h: Harness; clocks: Queue<IncidentJobData>; close(): Promise<void> }> {
  const h = await startHarness({ now: "2026-11-24T10:00:00+08:00", variant: { edits } });
  const clocks = new Queue<IncidentJobData>(INCIDENT_QUEUE_NAME, { connection: h.client, prefix: createKeys().bullPrefix() });
  return {
    h,
    clocks,
    async close() {
      await clocks.close();
      await h.close();
    },
  };
}

/**
 * openIncidentClocks for a whole test file: opened before its tests and closed after them; the
 * tests read the service and the clocks' queue from what it returns.
 */
export function useIncidentClocks(edits: [string, string][]): { h: Harness; clocks: Queue<IncidentJobData> } {
  const env = {} as { h: Harness; clocks: Queue<IncidentJobData> };
  let opened: Awaited<ReturnType<typeof openIncidentClocks>> | undefined;
  beforeAll(async () => {
    opened = await openIncidentClocks(edits);
    Object.assign(env, { h: opened.h, clocks: opened.clocks });
  });
  afterAll(() => opened?.close());
  return env;
}

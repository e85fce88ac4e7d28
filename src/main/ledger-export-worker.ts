/**
 * The ledger export's own process (forked by runLedgerExport): reads one ledger from the
 * service's Redis and writes it to a file, batch by batch, so that a year of a province costs
 * the process that answers WeCom nothing but the fork. Protocol (IPC, advanced serialization):
 * receives one LedgerExportJob; answers `{ bytes, rows, maxRssKiB }` or `{ error }`, then exits.
 */
import { connectRedis, waitReady } from "../store/connect-redis.js";
import { createExemptionStore } from "../store/exemptions.js";
import { createIncidentStore } from "../store/incidents.js";
import { createKeys } from "../store/keys.js";
import { createReportStore } from "../store/reports.js";
import { writeLedgerFile } from "../features/ledger/write-ledger-file.js";
import type { LedgerExportJob, LedgerExportAnswer } from "./run-ledger-export.js";

/** How long the export waits for Redis to answer at all before it gives up. */
const READY_WITHIN_MS = 5000;

async function run(job: LedgerExportJob): Promise<LedgerExportAnswer> {
  // Fail fast, as a page does: with Redis down or hung the download answers 稍后再试 (503), never
  // waits on a connection that queues its reads until Redis is back.
  const redis = connectRedis(job.redisUrl, { role: "web" });
  try {
    await waitReady(redis, READY_WITHIN_MS);
    const keys = createKeys();
    const sources = {
      roster: { schools: job.schools },
      people: job.people,
      store: createReportStore({ redis, keys }),
      exemptions: createExemptionStore({ redis, keys }),
      incidents: createIncidentStore({ redis, keys }),
    };
    const { bytes, rows } = await writeLedgerFile(sources, job.plan, job.out, job.task);
    return { bytes, rows, maxRssKiB: process.resourceUsage().maxRSS };
  } finally {
    redis.disconnect();
  }
}

process.once("message", (job: LedgerExportJob) => {
  run(job)
    .catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }))
    .then((answer) => process.send!(answer, () => process.exit(0)));
});

/**
 * The ledger export's own process (forked by runLedgerExport): reads one ledger from the
 * service's Redis and writes it to a file, batch by batch, so that a year of a province costs
 * the process that answers WeCom nothing but the fork. Protocol (IPC, advanced serialization):
 * receives one LedgerExportJob; answers `{ bytes, rows, maxRssKiB }` or `{ error }`, then exits.
 */
import { connectRedis } from "../store/connect-redis.js";
import { createExemptionStore } from "../store/exemptions.js";
import { createIncidentStore } from "../store/incidents.js";
import { createKeys } from "../store/keys.js";
import { createReportStore } from "../store/reports.js";
import { writeLedgerFile } from "../features/ledger/write-ledger-file.js";
import type { LedgerExportJob, LedgerExportAnswer } from "./run-ledger-export.js";

/** How long the export waits for Redis to answer at all before it gives up (the download then answers 稍后再试, 503). */
const ANSWER_WITHIN_MS = 5000;

async function run(job: LedgerExportJob): Promise<LedgerExportAnswer> {
  // Patient reads: a batch job's process may wait its turn for the CPU longer than a page's
  // command timeout. Not forever: Redis must answer at the start, and a connection lost midway
  // ends the export, or its reads would wait in the offline queue until Redis is back.
  const redis = connectRedis(job.redisUrl, { role: "worker" });
  let timer: NodeJS.Timeout | undefined;
  try {
    const lost = new Promise<never>((_, fail) => redis.once("close", () => fail(new Error("the connection to Redis was lost"))));
    const silent = new Promise<never>((_, fail) => {
      timer = setTimeout(() => fail(new Error(`Redis did not answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
    });
    // One deadline for connecting and answering: the worker's connection queues the PING until it
    // is connected, and a hung Redis accepts the connection and answers nothing.
    await Promise.race([redis.ping(), silent, lost]);
    clearTimeout(timer);
    const keys = createKeys();
    const sources = {
      roster: { schools: job.schools },
      people: job.people,
      store: createReportStore({ redis, keys }),
      exemptions: createExemptionStore({ redis, keys }),
      incidents: createIncidentStore({ redis, keys }),
    };
    const { bytes, rows } = await Promise.race([writeLedgerFile(sources, job.plan, job.out, job.task), lost]);
    return { bytes, rows, maxRssKiB: process.resourceUsage().maxRSS };
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

process.once("message", (job: LedgerExportJob) => {
  run(job)
    .catch((error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }))
    .then((answer) => process.send!(answer, () => process.exit(0)));
});

/**
 * `pingan start` (web and workers) with the long connection's timings of a test: the same
 * startSystem in an OS process of its own, for tests that pause (SIGSTOP) or kill one of several
 * processes on a time scale of seconds. The timings come as JSON in PINGAN_TEST_CONNECTION_TUNING.
 */
import { readSettings } from "../../src/main/settings.js";
import { startSystem } from "../../src/main/system.js";
import { createLogger } from "../../src/ops/log.js";

const settings = readSettings(process.env);
const log = createLogger({ level: settings.logLevel });
const system = await startSystem(settings, { log, connectionTuning: JSON.parse(process.env.PINGAN_TEST_CONNECTION_TUNING ?? "{}") });
process.once("SIGTERM", () => void system.stop().then(() => process.exit(0)));

/**
 * `npm run trace -- checkin|ws-checkin|reminder`: which project files one real message or job
 * runs through, how often control enters each, which rooms it enters twice, and how many times
 * it goes to Redis (issue 22, item 6).
 *
 * What runs: the compiled service (dist/, as production runs it; rebuilt first when a source is
 * newer), whole (startSystem: web and workers) on the example config and roster, its own
 * embedded redis-server on a free port and a temporary data dir, the injected clock on a school
 * morning (Monday 2026-11-23), the WeCom simulator or the fake long-connection server in front
 * and the fake group-robot webhook behind (scripts/trace/run-path.ts):
 * - checkin: one principal's 平安 over the callback URL (encrypted and signed by the simulator),
 *   after a warm-up 平安 from another school; the window is from the service's HTTP request
 *   arriving to its reply handed to the socket (`res.end`).
 * - ws-checkin: the same over the long connection; from the frame carrying the message arriving
 *   on the service's socket to its reply frame sent on the same req_id.
 * - reminder: the 09:00 slot job on the real BullMQ schedule queue with 6 of 28 schools missing,
 *   after the same job on the school day before as a warm-up; from the job's processor being
 *   called to its pushes delivered to the fake webhook and the push queue drained.
 *
 * How: a loader hook (scripts/trace/instrument-hook.ts) puts a call at the start of every
 * function of every compiled project module, named by the .ts file its source map names. Each
 * unit of work the window traces (the request, the frame, each BullMQ job: a *walk*) runs in an
 * AsyncLocalStorage context opened where the transport hands it over (scripts/trace/open-walks.ts),
 * so a call is recorded only when made for the path, never for the service's timers, its lease
 * or the simulator sharing the process; its caller is the nearest project frame on V8's stack.
 * V8 coverage would give the set of files and call counts but neither the order nor the caller,
 * which the rooms need.
 *
 * What it prints:
 * 1. The project files executed (src/, commands/, jobs/; the simulator and the demo excluded), in
 *    the order first entered, with their folder and how many times control *entered* each: a call
 *    from a function of another file, or a walk starting in it. A call with no project frame on
 *    the stack later in a walk (a promise callback, a timer, an event handler) resumes work the
 *    file set up itself and is shown apart. Then `files=N folders=M` and the folders in order.
 * 2. Rooms entered twice. A room is a file, or a folder. It is entered twice when it was entered
 *    from two or more different places (two other rooms, or another room and a walk's start), or
 *    from another room while it was itself still on the stack (A → B → A). Calls from the one same
 *    room again (a loop, a run of look-ups) use the same door: they add to `entered` only. Each
 *    such room is listed with where it was entered from; `reentered_folders=K reentered_files=K`.
 * 3. Redis round trips made for the traced walks, from the ioredis client (every command goes
 *    through `Redis.prototype.sendCommand`; a pipeline or MULTI is one round trip, a script call
 *    one, its NOSCRIPT retry another), each with its commands; `redis_round_trips=N`, and
 *    `redis_in_sequence=K`, the longest chain of trips each sent after the previous one was
 *    answered (trips sent together wait once). The server's MONITOR feed between two markers
 *    confirms each command was executed, and shows the commands the scripts ran.
 * The last line is for machines:
 *   trace: path=checkin files=N folders=M reentered_folders=K reentered_files=K redis_round_trips=N redis_in_sequence=K
 */
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { register } from "node:module";
import { join, relative } from "node:path";
import { findRooms } from "./trace/find-rooms.js";
import { formatReport } from "./trace/format-report.js";
import { openWalksAtTransports } from "./trace/open-walks.js";
import { DIST, ROOT } from "./trace/project-files.js";
import { createRecorder } from "./trace/recorder.js";
import { groupRoundTrips, recordRedisCommands } from "./trace/redis-trips.js";
import { PATHS, runPath, type PathName } from "./trace/run-path.js";

const path = process.argv[2] as PathName;
if (!PATHS.includes(path)) {
  console.error(`usage: npm run trace -- ${PATHS.join("|")}`);
  process.exit(2);
}

if (distIsStale()) {
  console.log("trace: dist/ is older than the sources; npm run build…");
  const build = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

register("./trace/instrument-hook.ts", import.meta.url);
const recorder = createRecorder();
recorder.install();
openWalksAtTransports(recorder);
const redis = recordRedisCommands(recorder);
const run = await runPath(path, recorder, redis.name);
const report = formatReport({
  path,
  outcome: run.outcome,
  closedBy: recorder.closedBy(),
  walks: recorder.walks,
  rooms: findRooms(recorder.events),
  trips: groupRoundTrips(redis.sent),
  server: run.server,
});
console.log(report.join("\n"));

/** Whether a source under src/, commands/ or jobs/ is newer than its compiled module (or has none). */
function distIsStale(): boolean {
  const sources = ["src", "commands", "jobs"].flatMap((dir) => listTs(join(ROOT, dir)));
  return sources.some((source) => {
    const compiled = join(DIST, relative(ROOT, source)).replace(/\.ts$/, ".js");
    try {
      return statSync(compiled).mtimeMs < statSync(source).mtimeMs;
    } catch {
      return true;
    }
  });
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return listTs(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

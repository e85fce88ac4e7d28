import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { waitFor } from "../../test/support/wait-for.js";
import { distUrl, ROOT } from "./project-files.js";
import type { Recorder } from "./recorder.js";
import { watchServer, type ServerCommand } from "./redis-trips.js";

/** The three paths of issue 22: a check-in on either transport, and the 09:00 reminder. */
export const PATHS = ["checkin", "ws-checkin", "reminder"] as const;
export type PathName = (typeof PATHS)[number];

/** What the run did, besides what the recorder saw. */
export interface PathRun {
  /** One line for the reader: the reply, the pushes. */
  outcome: string;
  /** What the server executed between the window's markers. */
  server: ServerCommand[];
}

type Modules = Awaited<ReturnType<typeof importService>>;

const ZONE_OFFSET = "+08:00";
/** A Monday in the autumn term of the example config: 平安日报 is due by 10:00 and reminded at 09:00. */
const DAY = "2026-11-23";
/** The school day before it, for the reminder's warm-up. */
const DAY_BEFORE = "2026-11-20";
const CHATID = "wr_principals";
/** How many schools stay missing for the reminder. */
const MISSING = 6;

/** The compiled service, imported once the loader hook is in place (so it is instrumented). */
async function importService() {
  const load = <T>(compiled: string) => import(distUrl(compiled)) as Promise<T>;
  return {
    ...(await load<typeof import("../../src/main/system.js")>("src/main/system.js")),
    ...(await load<typeof import("../../src/main/settings.js")>("src/main/settings.js")),
    ...(await load<typeof import("../../src/clock/clock.js")>("src/clock/clock.js")),
    ...(await load<typeof import("../../src/wecom/simulator/fake-webhook.js")>("src/wecom/simulator/fake-webhook.js")),
    ...(await load<typeof import("../../src/wecom/simulator/wecom-simulator.js")>("src/wecom/simulator/wecom-simulator.js")),
    ...(await load<typeof import("../../src/wecom/simulator/fake-long-connection.js")>("src/wecom/simulator/fake-long-connection.js")),
    ...(await load<typeof import("../../src/dev/dev-credentials.js")>("src/dev/dev-credentials.js")),
    ...(await load<typeof import("../../src/dev/demo-wecom.js")>("src/dev/demo-wecom.js")),
    ...(await load<typeof import("../../src/dev/websocket-config.js")>("src/dev/websocket-config.js")),
  };
}

/**
 * Runs one path on the whole service (startSystem: web and workers) as the demo does: the
 * example config and roster, fresh development credentials, its own embedded redis-server on a
 * free port with a temporary data dir, the injected clock on a school-day morning, the WeCom
 * simulator (or the fake long-connection server) in front and the fake group-robot webhook
 * behind. Warm-ups go first, untraced, so that one-time work (first script loads, first
 * messages of a chat) stays out of the window; then the window is armed and the path runs once.
 */
export async function runPath(path: PathName, recorder: Recorder, nameConnection: (client: object, label: string) => void): Promise<PathRun> {
  const m = await importService();
  const dataDir = mkdtempSync(join(tmpdir(), "pingan-trace-"));
  const credentials = m.createDevCredentials();
  const bot = m.createDemoBot();
  const clock = m.createManualClock(new Date(`${path === "reminder" ? DAY_BEFORE : DAY}T08:40:00${ZONE_OFFSET}`));
  const webhook = await m.startFakeWebhook({
    keys: { [credentials.WEBHOOK_KEY_PRINCIPALS!]: "全县校长群", [credentials.WEBHOOK_KEY_LEADERS!]: "局领导群" },
    now: () => clock.now().getTime(),
  });
  const longConnection = path === "ws-checkin" ? await m.startFakeLongConnection({ botId: bot.WECOM_BOT_ID, secret: bot.WECOM_BOT_SECRET }) : undefined;
  const settings = m.readSettings({
    ...credentials,
    ...bot,
    PINGAN_CONFIG: longConnection ? m.writeWebsocketConfig(dataDir) : join(ROOT, "config/pingan.example.yaml"),
    PINGAN_DATA_DIR: dataDir,
    WECOM_API_BASE: webhook.url,
    ...(longConnection && { WECOM_WS_URL: longConnection.url }),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
  });
  const system = await m.startSystem(settings, { log: pino({ level: "silent" }), clock, schedules: false });
  const server = await watchServer(system.redisUrl).catch(async (error: unknown) => {
    await system.stop();
    throw error;
  });
  try {
    nameConnection(system.redis, "web");
    nameConnection(system.workerRedis, "worker");
    const wecom = longConnection
      ? await connectedLongConnection(longConnection)
      : createCallbackSay(m, { url: system.url!, token: credentials.WECOM_TOKEN!, encodingAESKey: credentials.WECOM_ENCODING_AES_KEY! });
    const onlySchool = system.roster.schools.filter((school) => system.roster.schoolsOf(school.reporters[0]!).length === 1);
    const checkIn = (school: (typeof onlySchool)[number]) => wecom.say(school.reporters[0]!, "平安");

    if (path === "reminder") {
      /** All but the first MISSING schools check in at 08:40; then the 09:00 slot job fires and its pushes go out. */
      const remind = async (day: string, label: string, beforeFiring: () => Promise<void>) => {
        clock.set(new Date(`${day}T08:40:00${ZONE_OFFSET}`));
        for (const school of system.roster.schools.slice(MISSING)) await wecom.say(school.reporters[0]!, `平安 ${school.code}`);
        clock.set(new Date(`${day}T09:00:00${ZONE_OFFSET}`));
        const before = webhook.messages.length;
        const at = clock.now().getTime();
        await beforeFiring();
        const job = await system.scheduler.queue.add("slots", { kind: "slots", scheduleId: `trace-${label}` }, { prevMillis: at, jobId: `trace-${label}-${at}` });
        await waitFor(`the ${label} slot job to finish`, async () => ["completed", "failed"].includes(await job.getState()), { timeoutMs: 30_000 });
        const done = await system.scheduler.queue.getJob(job.id!);
        if (done?.failedReason) throw new Error(`trace: the slot job failed: ${done.failedReason}`);
        await waitFor(
          `the ${label} pushes to be delivered`,
          async () => {
            const counts = await system.pushQueue.queue.getJobCounts("waiting", "delayed", "active", "prioritized", "waiting-children");
            return Object.values(counts).every((n) => n === 0) && webhook.messages.length > before;
          },
          { timeoutMs: 30_000 },
        );
        return webhook.messages.slice(before);
      };
      await remind(DAY_BEFORE, "warm-up", async () => {});
      const pushes = await remind(DAY, "reminder", async () => {
        await server.start();
        recorder.arm({ kind: "jobs" });
      });
      recorder.close(`${pushes.length} push(es) delivered and the queues drained`);
      return {
        outcome: `09:00 reminder on ${DAY}: ${MISSING} of ${system.roster.schools.length} schools missing; delivered ${pushes.map((p) => `${p.msgtype} to ${p.group}`).join(", ")}`,
        server: await server.end(),
      };
    }

    const [warm, traced] = [onlySchool[1], onlySchool[2]];
    if (!warm || !traced) throw new Error("trace: the example roster has fewer than three one-school reporters");
    await checkIn(warm);
    await server.start();
    recorder.arm(longConnection ? { kind: "ws", marker: wecom.nextMsgid() } : { kind: "http", port: system.port! });
    const reply = await checkIn(traced);
    await waitFor("the window to close", () => recorder.isClosed(), { timeoutMs: 30_000 });
    return {
      outcome: `${traced.reporters[0]} (${traced.shortName || traced.name}) says 平安 at 08:40 on ${DAY}; reply: ${reply.split("\n")[0]}`,
      server: await server.end(),
    };
  } finally {
    server.close();
    await system.stop();
    await longConnection?.close();
    await webhook.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Say {
  say(from: string, text: string): Promise<string>;
  /** The msgid the next `say` will carry, quoted as in its frame (the long connection's window opens on it). */
  nextMsgid(): string;
}

function createCallbackSay(m: Modules, options: { url: string; token: string; encodingAESKey: string }): Say {
  const sim = m.createWecomSimulator({ baseUrl: options.url, token: options.token, encodingAESKey: options.encodingAESKey });
  let n = 0;
  return {
    nextMsgid: () => JSON.stringify(`trace-${n}`),
    async say(from, text) {
      const reply = await sim.say({ from, text, chatid: CHATID, msgid: `trace-${n++}` });
      if (reply.status !== 200 || reply.markdown === undefined) throw new Error(`trace: no reply (${reply.status}): ${reply.raw}`);
      return reply.markdown;
    },
  };
}

async function connectedLongConnection(fake: Awaited<ReturnType<Modules["startFakeLongConnection"]>>): Promise<Say> {
  await fake.waitFor(() => fake.subscriptions().some((sub) => sub.closedAt === undefined), 10_000);
  let n = 0;
  return {
    nextMsgid: () => JSON.stringify(`trace-${n}`),
    async say(from, text) {
      const reqId = fake.sendText({ userid: from, text, chatid: CHATID, msgid: `trace-${n++}` });
      const body = (await fake.reply(reqId, 30_000)).body as { stream?: { content?: string } };
      if (body.stream?.content === undefined) throw new Error(`trace: no stream reply: ${JSON.stringify(body)}`);
      return body.stream.content;
    },
  };
}

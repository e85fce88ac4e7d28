import { Command } from "commander";
import { hasCode, isUserMistake } from "../errors.js";
import { listBots } from "../config/list-bots.js";
import { createLogger } from "../ops/log.js";
import type { LoadedConfig } from "../config/load-config.js";
import type { Records } from "../main/open-records.js";
import { clockOf, readSettings, type Settings } from "../main/settings.js";
import type { System } from "../main/system.js";

/** Where the CLI writes: lines for people on stdout, errors on stderr. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
  /** stdout is a terminal: `pingan start` then logs readable lines rather than JSON. */
  terminal?: boolean;
}

const consoleOutput: CliOutput = { out: (line) => console.log(line), err: (line) => console.error(line), terminal: process.stdout.isTTY === true };

/** The `pingan` command line as the entry point runs it: the exit code goes to the process. */
export async function main(argv: string[], env: Readonly<Record<string, string | undefined>> = process.env): Promise<void> {
  const code = await runCli(argv, env);
  if (code !== 0) process.exitCode = code;
}

/**
 * The `pingan` command line: runs one command and returns its exit code. The environment is read
 * here, once, into settings; every command below receives those, never the environment.
 */
export async function runCli(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  { out, err, terminal = false }: CliOutput = consoleOutput,
): Promise<number> {
  /** The settings, with the config file of `--config` where a command takes one. */
  const settings = (configPath?: string): Settings => {
    const read = readSettings(env);
    return configPath === undefined ? read : { ...read, config: read.config.at(configPath) };
  };
  /** A system built for one command (no web, no workers) on the service's Redis, stopped after it. */
  const withSystem = async <T>(s: Settings, use: (system: System) => Promise<T>, loaded?: LoadedConfig): Promise<T> => {
    const { createSystem } = await import("../main/system.js");
    // A one-shot command logs only what goes wrong, unless LOG_LEVEL asks for more.
    const log = createLogger({ level: s.logLevel === "info" ? "warn" : s.logLevel });
    const system = await createSystem(s, { log, say: out, roles: { web: false, workers: false }, ...(loaded && { loaded }) });
    try {
      return await use(system);
    } finally {
      await system.stop();
    }
  };
  /** The service's records for one command, closed after it (see openRecords). */
  const withRecords = async <T>(s: Settings, options: { write?: boolean; say: (line: string) => void; loaded?: LoadedConfig }, use: (records: Records) => Promise<T>): Promise<T> => {
    const { openRecords } = await import("../main/open-records.js");
    const records = await openRecords(s, options);
    try {
      return await use(records);
    } finally {
      await records.close();
    }
  };
  let exitCode = 0;
  const program = new Command("pingan").description("平安助手：教育局企业微信群平安日报、防溺水、周学习登记助手");

  program
    .command("start")
    .description("启动服务（读取 PINGAN_CONFIG、PORT、REDIS_URL 等环境变量）")
    .option("--web", "只运行 Web 服务（接收企业微信回调）")
    .option("--workers", "只运行后台任务（推送、定时提醒和汇总）")
    .option("--pretty", "日志写成易读的行（在终端里运行时默认如此）")
    .option("--json", "日志每行一个 JSON（交给 journald 等日志系统时默认如此），也可设 LOG_FORMAT=json")
    .action(async (options: { pretty?: boolean; json?: boolean; web?: boolean; workers?: boolean }) => {
      const s = settings();
      const { startSystem } = await import("../main/system.js");
      const format = options.json ? "json" : options.pretty ? "pretty" : (s.logFormat ?? (terminal ? "pretty" : "json"));
      const log = createLogger({ level: s.logLevel, pretty: format === "pretty" });
      const both = !options.web && !options.workers;
      const roles = { web: both || (options.web ?? false), workers: both || (options.workers ?? false) };
      // The handlers first: a Ctrl+C as the service comes up stops it once it is up, never kills it half-started.
      const starting = startSystem(s, { log, roles, say: err });
      stopOnSignal(async () => (await starting).stop());
      await starting;
    });

  program
    .command("demo")
    .description("演示：内置 Redis + 服务 + 本地企业微信模拟器，打印群聊过程")
    .option("--transport <transport>", "callback（回调，默认）或 websocket（长连接）", "callback")
    .option("--province", "省级部署：两个市、三个县（区），每县一个机器人，按层级看汇总（config/province/）")
    .action(async (options: { transport: string; province?: boolean }) => {
      if (options.province) {
        const { runProvinceDemo } = await import("./run-province-demo.js");
        await runProvinceDemo({ settings: settings(), out });
        return;
      }
      if (options.transport !== "callback" && options.transport !== "websocket") {
        err(`--transport 写 callback 或 websocket（收到 "${options.transport}"）`);
        exitCode = 2;
        return;
      }
      const { runDemo } = await import("./run-demo.js");
      await runDemo({ settings: settings(), out, transport: options.transport });
    });

  program
    .command("say")
    .description("以某个用户的身份向运行中的服务发送一条消息（经过真实的加密和签名）")
    .requiredOption("--as <userid>", "发送者的企业微信账号")
    .option("--url <url>", "服务地址（默认 http://127.0.0.1:$PORT）")
    .option("--direct", "作为私聊发送（默认是群聊 @机器人）")
    .option("--ws <url>", "经长连接模拟器发送（服务使用长连接时），例如 --ws ws://127.0.0.1:9091")
    .option("--tap <n>", "回复带卡片时，点卡片上的第 n 个按钮（按钮前的编号），例如 --tap 1")
    .option("--bot <id>", "配置了多个机器人（bots:）时，经哪个机器人发送：用它的回调地址和配置里的密钥，长连接的用它的 ws_url，例如 --bot pingan")
    .argument("<text...>", "消息内容，例如 平安")
    .action(async (words: string[], options: { as: string; url?: string; direct?: boolean; ws?: string; tap?: string; bot?: string }) => {
      const tap = options.tap === undefined ? undefined : Number(options.tap);
      if (tap !== undefined && !(Number.isInteger(tap) && tap >= 1)) {
        err(`--tap 写按钮的编号，例如 --tap 1（收到 "${options.tap}"）`);
        exitCode = 2;
        return;
      }
      const s = settings();
      const { say, sayThrough } = await import("./say.js");
      const url = options.url ?? `http://127.0.0.1:${s.port}`;
      const through = options.bot === undefined ? { credentials: s.trial, ...(options.ws && { ws: options.ws }) } : sayThrough(listBots((await s.config.load()).config), options.bot, options.ws);
      await say({
        ...through,
        url,
        from: options.as,
        text: words.join(" "),
        direct: options.direct ?? false,
        ...(tap !== undefined && { tap }),
        out,
      });
    });

  program
    .command("fake-webhook")
    .description("在本机模拟企业微信群机器人，把服务推送的提醒、汇总按群聊打印出来（试用时与 pingan say 配合）")
    .option("--port <port>", "监听的端口（服务的 WECOM_API_BASE 设为 http://127.0.0.1:端口）", "9090")
    .option("--long-connection <port>", "同时模拟企业微信长连接（服务的 WECOM_WS_URL 设为 ws://127.0.0.1:端口），需设置 WECOM_BOT_ID 和 WECOM_BOT_SECRET")
    .option("--save-images <dir>", "把收到的每张图片（每周汇总的图表等）存到这个目录，并打印文件路径")
    .action(async (options: { port: string; longConnection?: string; saveImages?: string }) => {
      const ports = [options.port, ...(options.longConnection === undefined ? [] : [options.longConnection])].map(Number);
      const bad = ports.findIndex((port) => !Number.isInteger(port) || port <= 0 || port > 65535);
      if (bad >= 0) {
        err(`端口写 1—65535 的数字，例如 --port 9090 --long-connection 9091（收到 "${[options.port, options.longConnection][bad]}"）`);
        exitCode = 2;
        return;
      }
      const s = settings();
      const { runFakeWebhook } = await import("./run-fake-webhook.js");
      const fake = await runFakeWebhook({
        // Without a config that loads, every key is taken and shown as its own group.
        config: await s.config.load().catch(() => undefined),
        configPath: s.config.path,
        clock: clockOf(s),
        credentials: s.trial,
        port: ports[0]!,
        ...(ports[1] !== undefined && { longConnectionPort: ports[1] }),
        ...(options.saveImages !== undefined && { imagesDir: options.saveImages }),
        out,
      });
      stopOnSignal(() => fake.stop());
    });

  program
    .command("run")
    .description("立即运行一项定时任务：remind <任务>、tally <任务>、weekly、late-note")
    .argument("<job>", "remind | tally | weekly | late-note")
    .argument("[task]", "任务：配置里 tasks 下的名字，如 safety、drowning、study、checkup（remind 和 tally 需要）")
    .option("--date <date>", "按这一天（YYYY-MM-DD）所在的周期运行，默认今天")
    .option("--dry-run", "只打印将要发送的消息，不发送")
    .option("--force", "remind：刚提醒过（冷却时间内）也照样发送")
    .action(async (job: string, task: string | undefined, options: { date?: string; dryRun?: boolean; force?: boolean }) => {
      const [{ readJobRequest, runJobNow }, { readCliTask }] = await Promise.all([import("./run-job-now.js"), import("./read-cli-task.js")]);
      const request = readJobRequest({ job, ...(task !== undefined && { task }), ...(options.date !== undefined && { date: options.date }) });
      if ("refused" in request) {
        out(request.refused);
        exitCode = 2;
        return;
      }
      const s = settings();
      const loaded = await s.config.load();
      const named = request.task === undefined ? {} : { task: readCliTask(loaded.config, request.task) };
      exitCode = await withSystem(s, (system) => runJobNow(system, { ...request, ...named }, { ...options, out }), loaded);
    });

  program
    .command("schedule")
    .description("列出每项定时任务接下来的触发时间")
    .option("--days <n>", "列出多少天内的提醒和汇总", "7")
    .action(async (options: { days: string }) => {
      const s = settings();
      const [{ printSchedule }, { createTaskCalendar }, { createDevCredentials, requiredSecretNames }, { readFile }] = await Promise.all([
        import("./print-schedule.js"),
        import("../time/task-calendar.js"),
        import("../dev/dev-credentials.js"),
        import("node:fs/promises"),
      ]);
      // No secrets needed: the ones the config names are stood in for (a file that cannot be read is the loader's to refuse).
      const named = requiredSecretNames(await readFile(s.config.path, "utf8").catch(() => ""));
      const { config } = await s.config.load(createDevCredentials(named));
      const calendar = await createTaskCalendar(config, { configPath: s.config.path });
      printSchedule({ path: s.config.path, config, calendar, now: clockOf(s).now(), days: Number(options.days), out });
    });

  program
    .command("export")
    .description("导出台账：汇总表和每项任务每校每期的上报明细（Excel，或一项任务的 CSV）")
    .requiredOption("--from <date>", "开始日期 YYYY-MM-DD")
    .requiredOption("--to <date>", "结束日期 YYYY-MM-DD（含）")
    .requiredOption("--out <file>", "写到这个文件，例如 台账.xlsx")
    .option("--csv", "写 CSV（UTF-8，Excel 可直接打开），需同时给出 --task")
    .option("--task <task>", "任务：配置里 tasks 下的名字，如 safety、checkup（只用于 --csv）")
    .option("--config <path>", "配置文件（默认 $PINGAN_CONFIG 或 config/pingan.yaml）")
    .action(async (options: { from: string; to: string; out: string; csv?: boolean; task?: string; config?: string }) => {
      const s = settings(options.config);
      const [{ readExportRequest, exportLedgerFile }, { readCliTask }] = await Promise.all([import("./export-ledger-file.js"), import("./read-cli-task.js")]);
      const request = readExportRequest(options);
      const loaded = await s.config.load();
      const { taskWord, ...range } = request;
      const named = taskWord === undefined ? {} : { task: readCliTask(loaded.config, taskWord) };
      await withRecords(s, { say: err, loaded }, (records) => exportLedgerFile(records, { ...range, ...named }, err));
    });

  program
    .command("verify-aggregates")
    .description("核对统计：按每期的上报重算 汇总 所用的统计并比对（从备份恢复后使用）；加 --repair 修复不符的")
    .requiredOption("--from <date>", "开始日期 YYYY-MM-DD")
    .requiredOption("--to <date>", "结束日期 YYYY-MM-DD（含）")
    .option("--repair", "把不符的统计按上报重算改正（写入服务所用的 Redis：外部的用 REDIS_URL，内置的直接用，服务运行与否都可以）")
    .option("--config <path>", "配置文件（默认 $PINGAN_CONFIG 或 config/pingan.yaml）")
    .action(async (options: { from: string; to: string; repair?: boolean; config?: string }) => {
      const s = settings(options.config);
      const { checkVerifyRange, verifyAggregates } = await import("./verify-aggregates.js");
      checkVerifyRange(options.from, options.to);
      // A repair writes where the service reads: its own embedded server, never a copy.
      const write = options.repair ?? false;
      const differing = await withRecords(s, { write, say: out }, (records) => verifyAggregates(records, { ...options, repair: write }, out));
      if (differing > 0 && !options.repair) exitCode = 1;
    });

  program
    .command("chats")
    .description("列出长连接模式下机器人见过的群 chatid 和记下的最近一次发言人及时间（用于配置 via: bot 的群）")
    .action(async () => {
      const { listChats } = await import("./list-chats.js");
      await withSystem(settings(), (system) => listChats(system, out));
    });

  program
    .command("deliveries")
    .description("列出推送记录：每条推送的去向、尝试次数、结果和用时；--clear 清除一条不再补发的未送达推送")
    .option("--failed", "只列未送达的（失败的和还在等的）")
    .option("--since <时长>", "只列这段时间内的，例如 2h、30m、3d")
    .option("--group <群>", "只列这个群的（群的 id 或名称）")
    .option("--clear <编号>", "清除一条未送达的推送：不再补发，也不再提示（编号见每行末尾）")
    .option("--config <path>", "配置文件（默认 $PINGAN_CONFIG 或 config/pingan.yaml）")
    .action(async (options: { failed?: boolean; since?: string; group?: string; clear?: string; config?: string }) => {
      const s = settings(options.config);
      const { listDeliveries } = await import("./list-deliveries.js");
      // Clearing writes where the service reads: its own Redis, never a copy.
      exitCode = await withRecords(s, { write: options.clear !== undefined, say: out }, (records) => listDeliveries(records, options, out));
    });

  program
    .command("check-config")
    .description("检查配置文件和学校名单，列出全部问题")
    .option("--config <path>", "配置文件（默认 $PINGAN_CONFIG 或 config/pingan.yaml）")
    .action(async (options: { config?: string }) => {
      const s = settings(options.config);
      const { checkConfig } = await import("./check-config.js");
      const { checkServiceRedis } = await import("../main/service-redis.js");
      const redis = await checkServiceRedis(s);
      exitCode = await checkConfig({ source: s.config, now: clockOf(s).now(), ...(redis && { redis }), out });
    });

  program
    .command("roster")
    .description("学校名单")
    .command("ids")
    .description("按名单的“上报人姓名”（和配置里角色的姓名列，如“校医姓名”），从企业微信通讯录导出的成员表里查出账号，填进“上报人”（“校医”）列（同名、查不到的列出来，不猜）")
    .argument("<directory>", "管理后台“通讯录 → 导出成员”得到的文件，例如 通讯录.xlsx")
    .option("--roster <file>", "要填的名单（.xlsx 或 .csv），默认是配置里的 roster")
    .option("--sheet <name>", "名单所在的工作表，默认第一个（或配置里的 roster_sheet）")
    .option("--out <file>", "填好的名单写到这里（.csv 写成 CSV），默认写在名单旁边，文件名加“-已填账号”")
    .option("--config <path>", "配置文件（默认 $PINGAN_CONFIG 或 config/pingan.yaml）")
    .action(async (directory: string, options: { roster?: string; sheet?: string; out?: string; config?: string }) => {
      const s = settings(options.config);
      const { fillRosterIds } = await import("./fill-roster-ids.js");
      exitCode = await fillRosterIds({ directory, configPath: s.config.path, ...options, say: out });
    });

  program
    .command("holidays")
    .description("法定节假日和放假调休安排")
    .command("import")
    .description("导入国务院办公厅当年的放假调休通知（网页上的全文存成文本文件），写到配置文件旁的 holidays.yaml")
    .argument("<file>", "通知全文的文本文件（记事本存的 .txt，UTF-8 或 GBK 都可以），例如 2027通知.txt")
    .option("--year <year>", "通知的年份（文本里没有标题时需要），例如 2027")
    .option("--config <path>", "配置文件（默认 $PINGAN_CONFIG 或 config/pingan.yaml）；holidays.yaml 写在它旁边")
    .action(async (file: string, options: { year?: string; config?: string }) => {
      const s = settings(options.config);
      const year = options.year === undefined ? undefined : Number(options.year);
      if (year !== undefined && !/^\d{4}$/.test(options.year!)) {
        err(`--year 写成四位年份，例如 --year 2027（收到 "${options.year}"）`);
        exitCode = 2;
        return;
      }
      const { importHolidays } = await import("./import-holidays.js");
      exitCode = await importHolidays({ file, configPath: s.config.path, ...(year !== undefined && { year }), out });
    });

  try {
    await program.parseAsync(argv);
  } catch (error) {
    err(describe(error));
    // A mistake in what was asked (an unknown task) exits 2, as the refusals checked before anything opens do.
    exitCode = isUserMistake(error) ? 2 : 1;
  }
  return exitCode;
}

function stopOnSignal(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(describe(error));
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", handler);
  process.once("SIGINT", handler);
}

/** The CLI's one error handler: our coded errors carry Chinese text for people; anything else shows its message. */
function describe(error: unknown): string {
  if (hasCode(error)) return error.message;
  return error instanceof Error ? `错误：${error.message}` : String(error);
}

import type { ErrorCode } from "yaml";
import type { KeyPath } from "./problems.js";

/**
 * Every message the admin reads about the config and the roster, in one place. Functions take
 * only values that are safe to show; callers decide what is secret.
 */
export const text = {
  problemsHeader: (count: number) => `配置有 ${count} 处问题，改正后再启动：`,
  /** An example's figure that no field records (a misspelt label). */
  /** A declared kind's example that does not record (`problem`: the reply it gets; none: it starts with none of the kind's words). */
  exampleUnrecorded: (example: string, note: string) => `示例“${example}”有字登记不下，照着写的校长会以为都登记了：${note.replace(/^📌\s*/u, "")}`,
  exampleRefused: (example: string, problem?: string) => `示例“${example}”${problem ? `不能登记：${problem}` : "没有以本任务的上报用词（words）开头"}`,
  checkPassed: (path: string) => `配置正确：${path}`,
  checkSummary: (schools: number, areas: number, reporters: number, groups: number, tasks: readonly string[]) =>
    `学校 ${schools} 所（${areas} 个片区），上报人 ${reporters} 人，群 ${groups} 个，启用的任务：${tasks.join("、") || "无"}`,

  // files
  configNotFound: "找不到配置文件",
  configNotFoundHint: "复制 config/pingan.example.yaml 为 config/pingan.yaml，再按其中的注释修改",
  configEmpty: "配置文件是空的",
  rosterPathHint: "roster 写名单（Excel 工作簿 .xlsx 或 CSV）的路径，相对于配置文件所在的目录，例如 roster: schools.xlsx",
  ignoredColumns: (file: string, columns: readonly string[]) => `说明：名单 ${file} 中这些列用不到，已忽略：${columns.join("、")}`,

  // text files: what a file that is not text looks like, and the encoding one was read in
  readAsEncoding: (file: string, encoding: string) =>
    `说明：${file} 是 ${encoding === "GBK" ? "GBK（中文 Windows 上 Excel、记事本的默认编码）" : `${encoding}（Excel 的“Unicode 文本”）`}，已按 ${encoding} 读取`,
  looksLikePdf: "看起来是 PDF 文件，不是文本",
  looksLikeZipDocument: "看起来是 Word 或 Excel 文档（.docx、.xlsx，压缩格式），不是文本",
  looksLikeOldOffice: "看起来是旧版 Word 或 Excel 文档（.doc、.xls），不是文本",
  looksLikeRtf: "看起来是 RTF 格式的文档（写字板、Word 另存的），不是纯文本",
  looksLikeImage: "看起来是图片，不是文本",
  looksLikeArchive: "看起来是压缩包，不是文本",
  looksLikeBinary: "不是文本文件（不是 UTF-8、GBK 或 UTF-16 编码的文字）",

  // environment variables
  envMissing: (name: string) => `环境变量 ${name} 没有设置`,
  envMissingHint: (name: string) => `启动前设置它，例如 export ${name}=…（密钥只放在环境变量里，不要写进配置文件）`,
  envMalformed: "环境变量引用的写法不对",
  envMalformedHint: "写成 ${NAME} 或 ${NAME:-默认值}，NAME 只用英文字母、数字和下划线；要写字面的 ${ 请写 $${",

  // schema
  required: "缺少这一项",
  emptyValue: "没有填写值",
  emptyValueHint: "在冒号后面填上值，或删掉这一行",
  fullWidthColonHint: "冒号要用英文半角“:”，并在后面加一个空格，例如 token: ${WECOM_TOKEN}",
  wrongType: (expected: string) => `应该是${typeName(expected)}`,
  tooSmall: (origin: string, minimum: number, inclusive: boolean) => {
    if (origin === "string") return minimum <= 1 ? "不能为空" : `太短，至少要 ${minimum} 个字符`;
    if (origin === "number") return inclusive ? `不能小于 ${minimum}` : `必须大于 ${minimum}`;
    if (origin === "array") return `至少要有 ${minimum} 项`;
    return "太小";
  },
  tooBig: (origin: string, maximum: number, inclusive: boolean) => {
    if (origin === "string") return `太长，最多 ${maximum} 个字符`;
    if (origin === "number") return inclusive ? `不能大于 ${maximum}` : `必须小于 ${maximum}`;
    if (origin === "array") return `最多 ${maximum} 项`;
    return "太大";
  },
  badFormat: (shown: string | undefined) => (shown === undefined ? "格式不对" : `格式不对：${quote(shown)}`),
  urlHint: "写完整的网址，例如 https://pingan.example.edu.cn",
  notAllowed: (shown: string | undefined) => (shown === undefined ? "取值不对" : `不能写 ${quote(shown)}`),
  allowedValues: (values: readonly string[]) => `可选：${values.join("、")}`,
  badRecordKey: (key: string) => `名称 ${quote(key)} 不合规则`,
  badValue: "取值不对",
  unknownKey: "未知的配置项",
  unknownKeyDidYouMean: (guess: string) => `未知的配置项，是否想写 ${guess}？`,
  validKeys: (keys: readonly string[]) => `这里可以写：${keys.join("、")}`,

  // cross-checks
  didYouMean: (guess: string) => `是否想写 ${guess}？`,
  badTimezone: (zone: string) => `不认识时区 ${quote(zone)}`,
  timezoneHint: "写 IANA 时区名，例如 timezone: Asia/Shanghai",
  noLeadersGroup: "没有领导群：至少要有一个 role: leaders 的群，用来接收汇总和异常提醒",
  noLeadersGroupHint: "例如 leaders: { name: 局领导群, webhook_key: ${WEBHOOK_KEY_LEADERS}, role: leaders }",
  noSchoolsGroup: "没有学校群：至少要有一个 role: schools 的群，提醒才有地方发",
  noSchoolsGroupHint: "例如 principals: { name: 全县校长群, webhook_key: ${WEBHOOK_KEY_PRINCIPALS}, role: schools, schools: all }",
  transportNeeds: (transport: string, key: string, section = "bot.") =>
    transport === "websocket" ? `长连接（transport: websocket）需要 ${section}${key}` : `回调模式需要 ${section}${key}（不用回调请写 transport: websocket）`,
  transportNeedsHint: (key: string) =>
    ({
      token: "token: ${WECOM_TOKEN}（“接收消息”设置里的 Token）",
      encoding_aes_key: "encoding_aes_key: ${WECOM_ENCODING_AES_KEY}",
      bot_id: "bot_id: 机器人详情页“API 模式”里的 BotID",
      secret: "secret: ${WECOM_BOT_SECRET}（机器人详情页里的 Secret，放在环境变量里）",
    })[key] ?? "",
  viaBotNeedsWebsocket: "via: bot 要由智能机器人经长连接推送，需要 bot.transport: websocket",
  viaBotNeedsWebsocketHint: "在 bot: 下写 transport: websocket，或改用群机器人：via: webhook 加 webhook_key",
  viaBotNeedsChatid: "via: bot 的群要写 chatid",
  botAndBots: "写了 bots:（多个机器人）时，bot: 下只留 name（默认名称），各机器人的密钥写在 bots: 各自一项里",
  botAndBotsHint: "把 bot: 下的 token、encoding_aes_key、transport、bot_id、secret 移到 bots: 的某一项",
  duplicateBotId: (id: string) => `机器人 id ${id} 重复：id 出现在回调地址 /wecom/${id}/callback 中，要互不相同`,
  sameBotCredential: (what: "token" | "bot_id", other: string) =>
    `与机器人 ${other} 的 ${what === "token" ? "Token" : "BotID"} 相同：每个机器人有自己的一套（企业微信后台各自生成）`,
  sameBotCredentialHint: "检查环境变量是否复制时写成了同一个",
  groupClaimedTwice: (group: string, other: string) => `群 ${group} 已归机器人 ${other}：一个群只能归一个机器人`,
  groupClaimedTwiceHint: "从其中一个机器人的 groups 里删掉这个群",
  viaBotNeedsOwner: "via: bot 的群要归一个长连接机器人：在 bots: 里 transport: websocket 的那个机器人的 groups 中列出它",
  viaBotNeedsOwnerHint: "或改用群机器人：via: webhook 加 webhook_key",
  viaBotNeedsChatidHint: "chatid: wrk…（运行 pingan chats 列出机器人见过的群，复制那一串）",
  webhookKeyMissing: "缺少 webhook_key（或写 via: bot 和 chatid，由智能机器人推送）",
  webhookKeyMissingHint: "webhook_key: ${WEBHOOK_KEY_PRINCIPALS}（群机器人地址中 key= 后面的部分）",
  webhookKeyIsUrl: "webhook_key 只写 key，不要写整个网址",
  webhookKeyIsUrlHint: "群机器人地址 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=… 中只取 key= 后面的部分，放进环境变量",
  unknownGroup: (name: string | undefined) => (name === undefined ? "没有这个群" : `没有名为 ${name} 的群`),
  validGroups: (ids: readonly string[]) => `groups 中有：${ids.join("、") || "（空）"}`,
  noLeadersOrAdmins: "leaders 和 admins 都是空的，没有人能查看汇总",
  onDutyNotLeader: (userid: string) => `incidents.on_duty 里的 ${userid} 不在 leaders 里`,
  onDutyHint: (ids: readonly string[]) => (ids.length > 0 ? `写 leaders 里的账号：${ids.join("、")}` : "先在 leaders 里写上这位领导"),
  noLeadersOrAdminsHint: "至少写一位，例如 leaders: [{ userid: li_ming, name: 李明 }]",
  badUserid: (userid: string) => `${quote(userid)} 不是企业微信账号（userid）`,
  useridHint: "写通讯录里的账号，只含英文字母、数字和 _ . @ -，例如 li_ming",
  duplicateUserid: (userid: string) => `账号 ${userid} 重复`,
  workingHoursReversed: (start: string, end: string) => `开始时间 ${start} 不早于结束时间 ${end}`,
  workingHoursHint: '例如 working_hours: { start: "07:00", end: "21:30" }',
  noSuchDate: (date: string) => `没有 ${date} 这一天`,
  dateHint: '日期写成 "YYYY-MM-DD"，例如 2026-09-01',
  monthDayHint: '月日写成 "MM-DD"，例如 "04-15"',
  rangeReversed: (start: string, end: string) => `开始日期 ${start} 晚于结束日期 ${end}`,
  rangeHint: "start 写第一天，end 写最后一天，例如 { start: 2026-09-01, end: 2027-01-22 }",
  rangesOverlap: (a: string, b: string) => `${a} 与 ${b} 的日期重叠`,
  rangesOverlapHint: "学期、暑假、寒假互不重叠，例如学期到 2026-07-10 结束，暑假从 2026-07-11 开始",
  duplicateTermName: (name: string) => `学期名 ${name} 重复`,
  holidayAndWorkday: (date: string) => `${date} 同时写在 holidays 和 workdays 里`,
  summerWithoutHoliday: "配置了暑假安排（summer），但 calendar.summer_holiday 没有写暑假日期，暑假安排不会生效",
  summerWithoutHolidayHint: "在 calendar 下写 summer_holiday: [{ start: 2026-07-11, end: 2026-08-31 }]",
  summerOnSchoolDays: "days: school 的任务在暑假里不运行，summer 安排不会生效",
  summerOnSchoolDaysHint: "暑假也要上报的任务写 days: all",
  weeklySlotNeedsDay: (slot: string) => `按周的安排要写星期几，${quote(slot)} 没有写`,
  weeklySlotHint: '写成 "fri 17:00"（mon tue wed thu fri sat sun）',
  monthlySlotNeedsDate: (slot: string) => `按月的安排要写几号，${quote(slot)} 没有写`,
  monthlySlotHint: '写成 "25 17:00"（每月 25 日 17:00；写 31 即每月最后一天）',
  dailySlotHasDay: (slot: string) => `按天的安排不写星期几或几号，${quote(slot)} 写了`,
  dailySlotHint: '写成 "HH:MM"，例如 "09:30"；要每周一次请写 period: week，每月一次写 period: month',
  reminderNotBeforeDeadline: (reminder: string, deadline: string) => `提醒时间 ${reminder} 不早于截止时间 ${deadline}`,
  reminderHint: '提醒要在截止之前，例如 deadline: "10:00" 时写 reminders: ["09:00", "09:45"]',
  duplicateReminder: (reminder: string) => `提醒时间 ${reminder} 重复`,
  tallyNotAfterDeadline: (tally: string, deadline: string) =>
    `汇总时间 ${tally} 不晚于截止时间 ${deadline}，汇总时学校还没到截止时间`,
  tallyHint: '汇总要在截止之后，例如 deadline: "10:00" 时写 tally: "10:30"',
  weeklyAtHint: '每周汇总写星期几和时间，放在各周任务截止之后，例如 at: "fri 19:00"',
  weeklyBeforeDeadline: (at: string, task: string, deadline: string) =>
    `每周汇总 ${at} 早于「${task}」的截止时间 ${deadline}`,
  outsideWorkingHours: (slot: string, start: string, end: string) =>
    `${slot} 在推送时段 ${start}–${end} 之外，这条推送不会发出`,
  outsideWorkingHoursHint: "改到推送时段内，或调整 working_hours",
  unknownNode: (node: string | undefined) =>
    node === undefined ? "名单里没有这一级（node）" : `名单里没有 ${quote(node)} 这一级（node 写名单中的 市/县 名称，用 / 分隔上下级）`,
  twoNodes: (userid: string, asLeader: string | undefined, asAdmin: string | undefined) =>
    `账号 ${userid} 在 leaders 里管 ${asLeader ?? "全部"}，在 admins 里管 ${asAdmin ?? "全部"}：一个账号只能管一级`,
  twoNodesHint: "两处写同一个 node，或只留一处（管理员也能用领导的全部指令）",
  validNodes: (nodes: readonly string[]) =>
    nodes.length === 0 ? "名单没有 省、市、县 列：县级部署不写 node" : `名单中有：${nodes.slice(0, 12).join("、")}${nodes.length > 12 ? " 等" : ""}`,
  unknownAreaOrCode: (entry: string | undefined) =>
    entry === undefined ? "名单里没有这个片区或学校代码" : `名单里没有片区或学校代码 ${quote(entry)}`,
  validAreas: (areas: readonly string[]) => `名单中的片区：${areas.join("、")}；也可以写学校代码`,
  unknownTaskSchools: (entry: string | undefined) =>
    entry === undefined ? "名单中没有这个片区、学段或学校代码" : `名单中没有片区、学段或学校代码 ${quote(entry)}`,
  validTaskSchools: (names: readonly string[]) => `名单中的片区和学段：${names.join("、")}；也可以写学校代码，或写 all（全部学校）`,
  roleNotInRoster: (role: string) => `名单表头没有 ${quote(role)} 这一列：reporters 写的是名单里填写该角色企业微信账号的列名`,
  roleNotInRosterHint: (role: string) => `在学校名单里加一列 ${role}，每所学校填该角色的企业微信账号（多个用 | 分隔）；或删去 reporters，由各校上报人上报`,
  roleIsRosterColumn: (role: string) => `${quote(role)} 是名单的固定列，不能当作上报角色`,
  roleIsRosterColumnHint: "reporters 写名单中另加的角色列名，例如 校医、校车安全员；由各校上报人上报时不写 reporters",
  schoolsNotInAnyGroup: (names: readonly string[]) =>
    `${names.length} 所学校不在任何学校群（role: schools）里，收不到提醒：${names.slice(0, 10).join("、")}${names.length > 10 ? ` 等` : ""}`,
  schoolsNotInAnyGroupHint: (areas: readonly string[]) =>
    `把片区加进某个学校群的 schools，例如 schools: [${areas.join(", ")}]，或写 schools: all`,

  // tables: the roster and the directory export, as Excel workbooks or CSV
  tableIsXls: "这是旧版 Excel 97-2003 工作簿（.xls），读不了",
  saveAsXlsxHint: "请在 Excel 里打开它，“文件 → 另存为”选“Excel 工作簿（*.xlsx）”，再用新文件",
  xlsxIsText: (file: string) => `${file} 的扩展名是 .xlsx，内容却是文本（CSV），不是 Excel 工作簿`,
  renameToCsvHint: (file: string) => `请把文件名改成 ${file.replace(/\.xlsx?m?$/i, ".csv")}（配置里的 roster 也一起改），或在 Excel 里另存为 Excel 工作簿（*.xlsx）`,
  xlsxDamaged: "不是 Excel 工作簿（.xlsx），可能已损坏或是别的文件",
  csvIsXlsx: (file: string) => `${file} 的内容是 Excel 工作簿（.xlsx），扩展名却不是 .xlsx`,
  renameToXlsxHint: (file: string) => `请把文件名改成 ${file.replace(/\.[^./\\]*$/, "")}.xlsx（配置里的 roster 也一起改）`,
  xlsxTooLarge: (size: string, max: string) => `这个工作簿解压后有 ${size}（最多 ${max}），不像是一份名单；请检查是不是选错了文件`,
  notTextTableHint: "请用 Excel 工作簿（.xlsx），或在 Excel 里“另存为 → CSV”得到的文件",
  xlsxNoSheet: "工作簿里没有可见的工作表",
  noSuchSheet: (sheet: string, names: readonly string[]) => `工作簿里没有名为 ${quote(sheet)} 的工作表；有：${names.join("、")}`,
  sheetOfCsv: (sheet: string) => `CSV 文件没有工作表，不能指定工作表 ${quote(sheet)}`,

  // the roster
  rosterEmpty: "学校名单是空的",
  rosterHeaderHint:
    "表头写 学校代码,学校名称,简称,片区,学段,上报人,学生数,教职工数（可再加一列 上报人姓名）或 code,name,short_name,area,stage,reporters,pupils,staff；" +
    "也认 学校简称、校名、学区、所属片区、上报人账号、在校生数、教师数 等常见写法，其他的列（序号、联系电话……）不用删",
  csvSyntax: "CSV 格式错误：双引号没有配对（在这一行或之前）",
  csvSyntaxHint: '字段里的双引号要成对，字段内的引号写两次，例如 "城关""一""小"',
  duplicateColumn: (cell: string, other: string) =>
    cell === other ? `表头的列 ${quote(cell)} 重复` : `表头的列 ${quote(cell)} 和 ${quote(other)} 是同一项，只能留一列`,
  missingColumns: (columns: readonly string[], guesses: readonly { cell: string; guess: string }[]) =>
    `表头缺少列：${columns.join("、")}${guesses.map(({ cell, guess }) => `；${quote(cell)} 是不是想写 ${guess}？`).join("")}`,
  tooFewFields: (count: number, width: number) => `这一行只有 ${count} 列，表头有 ${width} 列`,
  tooManyFields: (count: number, width: number) => `这一行有 ${count} 列，比表头的 ${width} 列多`,
  fieldCountHint: '每行的列数要与表头相同；名称里有英文逗号时用双引号括起来，例如 "城关小学(本部,分部)"',
  requiredCell: (column: string) => `缺少${column}`,
  cellHint: (field: string) => CELL_HINTS[field] ?? "",
  placeWithSeparator: (column: string, value: string) => `${column} ${quote(value)} 不能含 /（配置里用 / 分隔上下级，例如 平安市/平安县）`,
  badCode: (code: string) => `学校代码 ${quote(code)} 只能含英文字母、数字、- 和 _`,
  reporterSeparator: "多个上报人要用 | 分隔",
  indentLost: "缩进不对：这一行比上一行和下一行缩进得少",
  indentLostHint: "同一层的配置项左边对齐：在行首补上空格，和上下两行对齐",
  reporterIdsHint: "写企业微信账号（不是姓名）。只知道姓名时，把姓名写在“上报人姓名”列，运行 pingan roster ids 通讯录.xlsx（管理后台导出的成员表），它按姓名查出账号填进这一列",
  roleCellHint: (role: string) => `${role} 列填企业微信账号（userid），多个用 | 分隔，可以空着（该校由领导代报）`,
  reporterNamesCount: (names: number, accounts: number) =>
    `上报人姓名有 ${names} 个，上报人账号有 ${accounts} 个，两列要按同样的顺序一一对应`,
  /** A role's names column (校医姓名) whose count differs from its accounts column's (校医). */
  peopleNamesCount: (column: string, role: string, counts: { names: number; accounts: number }) =>
    `${column}有 ${counts.names} 个，${role}账号有 ${counts.accounts} 个，两列要按同样的顺序一一对应`,
  badReporter: (userid: string) => `上报人 ${quote(userid)} 不是企业微信账号（userid）`,
  negativeCount: (column: string, cell: string) => `${column}不能是负数：${quote(cell)}`,
  fractionalCount: (column: string, cell: string) => `${column}要写整数：${quote(cell)}`,
  notACount: (column: string, cell: string) => `${column}不是数字：${quote(cell)}`,
  countTooLarge: (column: string, cell: string, max: number) => `${column}太大：${quote(cell)}（最多 ${max / 10_000} 万）`,
  schoolListedTwice: (otherLine: number) => `这所学校第 ${otherLine} 行已经有了（学校代码和名称都相同）`,
  schoolListedTwiceHint: "同一所学校只写一行：删掉这一行",
  duplicateIdentifier: (column: string, value: string, otherLine: number, otherColumn: string) =>
    column === otherColumn
      ? `${column} ${quote(value)} 与第 ${otherLine} 行重复`
      : `${column} ${quote(value)} 与第 ${otherLine} 行学校的${otherColumn}相同`,
  uniqueHint: (field: "code" | "name" | "shortName", freeCode?: string) =>
    `学校代码、名称、简称在全县要互不相同（上报时按它们找学校）。${UNIQUE_FIXES[field](freeCode)}`,

  // warnings: check-config passes, but the admin should look
  warning: (message: string) => `警告：${message}`,
  otherTransportLines: (transport: "callback" | "websocket", fields: readonly string[], bot = "bot") =>
    transport === "websocket"
      ? `${bot}.transport 是 websocket（长连接），${fields.map((f) => `${bot}.${f}`).join("、")} 不会用到；同一个机器人回调和长连接只能选一种，请删掉这几行，免得以为两种都开着`
      : `${bot} 是回调模式，${fields.map((f) => `${bot}.${f}`).join("、")} 只在长连接（transport: websocket）时使用；要用长连接请写 transport: websocket 并删掉 token 和 encoding_aes_key`,
  examplePublicUrl: (url: string) =>
    `server.public_url 还是示例地址 ${url}，导出台账的下载链接会打不开；请改成本县服务的外网地址，例如 https://pingan.你的域名`,
  accountInTwoAreas: (userid: string, schools: readonly string[], areas: readonly string[]) =>
    `上报人 ${userid} 同时负责 ${areas.join("、")} 的学校（${schools.join("、")}），请确认没有填错账号`,
  accountTwoNames: (userid: string, named: readonly { school: string; name: string }[]) =>
    `上报人账号 ${userid} 在名单里有不同的姓名（${named.map(({ school, name }) => `${school}：${name}`).join("，")}）；一个账号只是一个人，请核对是否有一行填错了账号`,
  remindersWithinCooldown: (at: string, earlier: string, later: string, minutes: number) =>
    `${at}.reminders: 提醒 ${earlier} 和 ${later} 相隔不到 ${minutes} 分钟（limits.remind_cooldown_minutes），${later} 的提醒会被当作重复而不发；请拉开间隔，或调小这个冷却时间`,
  leaderIsReporter: (userid: string, name: string, schools: readonly string[]) =>
    `${name}（${userid}）既是局领导或管理员，又是 ${schools.join("、")} 的上报人；发送“平安”等会登记为该校上报，请确认`,
};

/** How to fix a duplicated code, name or short name, fitting the column. */
const UNIQUE_FIXES: Record<"code" | "name" | "shortName", (freeCode?: string) => string> = {
  code: (freeCode) => `请给这一行换一个没有用过的学校代码${freeCode ? `，例如 ${freeCode}` : ""}`,
  name: () => "请写这所学校的完整全称（带乡镇名），例如 平安县东湖镇中心小学",
  shortName: () => "请给这一行换一个别的学校都没有用的简称，或者留空（留空时按学校名称找学校）",
};

const CELL_HINTS: Record<string, string> = {
  code: "学校代码用英文字母和数字，例如 CG001",
  name: "写学校全称，例如 平安县城关第一小学",
  area: "写所属片区，例如 城关片区",
  province: "写所属省，例如 平安省；只有县级名单时整列不要",
  city: "写所属市，例如 平安市；只有县级名单时整列不要",
  county: "写所属县（区），例如 平安县；只有县级名单时整列不要",
  stage: "写学段，例如 小学、初中、九年一贯制、高中",
  reporters: "写上报人的企业微信账号（userid），多人用 | 分隔，例如 zhang_wei|li_na",
  reporterNames: "按上报人账号的顺序写姓名，用 | 分隔，例如 上报人 zhang_wei|li_na 写 张伟|李娜；不知道的姓名留空，例如 张伟|",
  pupils: "写不带小数的整数，例如 1200",
  staff: "写不带小数的整数，例如 86",
};

function quote(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `"${shown}"`;
}

function typeName(expected: string): string {
  switch (expected) {
    case "string":
      return "文字";
    case "number":
      return "数字";
    case "boolean":
      return " true 或 false";
    case "array":
      return "列表（每项一行、以“- ”开头，或写成 [a, b]）";
    case "object":
      return "一组子项（在下一行多缩进两个空格书写）";
    default:
      return ` ${expected}`;
  }
}

const YAML_ERRORS: Partial<Record<ErrorCode, { message: string; hint?: string }>> = {
  TAB_AS_INDENT: { message: "用了 Tab 缩进", hint: "YAML 只能用空格缩进，把 Tab 换成两个空格" },
  BAD_INDENT: { message: "缩进不对", hint: "同一层的配置项左边对齐，子项比上一层多缩进两个空格" },
  DUPLICATE_KEY: { message: "配置项重复", hint: "同一层里每个配置项只能写一次，删掉多余的一个" },
  MISSING_CHAR: {
    message: "缺少配对的符号（引号、括号）或冒号",
    hint: '检查引号和括号是否成对，冒号后面要有一个空格，例如 deadline: "10:00"',
  },
  MULTILINE_IMPLICIT_KEY: {
    message: "这一行不是“配置项: 值”的写法",
    hint: "每行写成 key: value，冒号用英文半角并在后面加空格；列表项以“- ”开头",
  },
  BLOCK_AS_IMPLICIT_KEY: {
    message: "这一行不是“配置项: 值”的写法",
    hint: "每行写成 key: value，冒号用英文半角并在后面加空格；列表项以“- ”开头",
  },
  UNEXPECTED_TOKEN: { message: "这里有无法识别的内容", hint: "检查冒号、引号和括号，冒号要用英文半角" },
  BAD_SCALAR_START: {
    message: "值以特殊字符开头",
    hint: '以 @ ` % & * ! | > 等开头的值要用引号括起来，例如 name: "@平安助手"',
  },
  BAD_ALIAS: { message: "值以 * 开头", hint: '以 * 开头的值要用引号括起来，例如 name: "*平安助手"' },
  BAD_DQ_ESCAPE: {
    message: "双引号里的反斜杠写法不对",
    hint: "Windows 路径用单引号或正斜杠，例如 roster: 'D:/pingan/schools.csv'",
  },
  MULTIPLE_DOCS: { message: "文件里有多段 YAML（---）", hint: "删掉多余的 ---，只保留一份配置" },
  KEY_OVER_1024_CHARS: { message: "配置项名太长", hint: "检查这一行是否少了换行" },
};

/** The admin's version of a YAML syntax error; never quotes the source line (it may hold a secret). */
export function yamlErrorMessage(code: ErrorCode): { message: string; hint?: string } {
  return YAML_ERRORS[code] ?? { message: "YAML 格式错误", hint: "检查这一行的缩进、冒号和引号" };
}

const EXAMPLES: Record<string, string> = {
  timezone: "timezone: Asia/Shanghai",
  bot: "bot: 下写 token、encoding_aes_key、name，参照 config/pingan.example.yaml",
  "bot.name": "name: 平安助手",
  "bot.token": "token: ${WECOM_TOKEN}（企业微信后台“接收消息”设置里的 Token，放在环境变量里）",
  "bot.encoding_aes_key": "encoding_aes_key: ${WECOM_ENCODING_AES_KEY}",
  "bot.max_clock_skew_seconds": "max_clock_skew_seconds: 300",
  "bot.transport": "transport: callback（回调 URL）或 transport: websocket（长连接）",
  "bot.bot_id": "bot_id: 机器人详情页“API 模式”里的 BotID",
  "bot.secret": "secret: ${WECOM_BOT_SECRET}（放在环境变量里）",
  "groups.*.via": "via: webhook（群机器人推送）或 via: bot（智能机器人经长连接推送）",
  "groups.*.chatid": "chatid: wrk…（pingan chats 列出的群 ID）",
  "server.public_url": "public_url: https://pingan.example.edu.cn",
  "server.admin_token": "admin_token: ${PINGAN_ADMIN_TOKEN}（至少 16 个字符的随机串）",
  groups: "groups: 下写 principals: { name: 全县校长群, webhook_key: ${WEBHOOK_KEY_PRINCIPALS}, role: schools }",
  "groups.*": "principals: { name: 全县校长群, webhook_key: ${WEBHOOK_KEY_PRINCIPALS}, role: schools }；群名用小写英文字母开头，只含小写字母、数字、- 和 _",
  "groups.*.name": "name: 全县校长群",
  "groups.*.webhook_key": "webhook_key: ${WEBHOOK_KEY_PRINCIPALS}（群机器人地址中 key= 后面的部分）",
  "groups.*.role": "role: schools（学校上报群）或 role: leaders（领导群）",
  "groups.*.schools": "schools: all，或片区 / 学校代码的列表，例如 schools: [城关片区, 东部片区]",
  "groups.*.schools[]": "片区名或学校代码，例如 城关片区 或 CG001",
  leaders: "leaders: [{ userid: li_ming, name: 李明 }]",
  "leaders[]": "{ userid: li_ming, name: 李明 }",
  "leaders[].userid": "userid: li_ming（企业微信通讯录里的账号）",
  "leaders[].name": "name: 李明",
  admins: "admins: [{ userid: liu_xin, name: 刘鑫 }]",
  "admins[]": "{ userid: liu_xin, name: 刘鑫 }",
  "admins[].userid": "userid: liu_xin（企业微信通讯录里的账号）",
  "admins[].name": "name: 刘鑫",
  roster: "roster: schools.csv（相对于配置文件所在的目录）",
  working_hours: 'working_hours: { start: "07:00", end: "21:30" }',
  "working_hours.start": 'start: "07:00"',
  "working_hours.end": 'end: "21:30"',
  "calendar.holidays": "holidays: [2026-10-01, 2026-10-02]",
  "calendar.workdays": "workdays: [2026-10-10]",
  "calendar.terms": "terms: [{ name: 2026秋季, start: 2026-09-01, end: 2027-01-22 }]",
  "calendar.terms[]": "{ name: 2026秋季, start: 2026-09-01, end: 2027-01-22 }",
  "calendar.terms[].name": "name: 2026秋季",
  "calendar.summer_holiday[]": "{ start: 2026-07-11, end: 2026-08-31 }",
  "calendar.winter_holiday[]": "{ start: 2027-01-23, end: 2027-02-28 }",
  tasks: "tasks: 下至少写一个任务，例如 safety（平安日报），参照 config/pingan.example.yaml",
  "tasks.*": "参照 config/pingan.example.yaml 中的 tasks.safety",
  "tasks.*.name": "name: 平安日报",
  "tasks.*.enabled": "enabled: true 或 enabled: false",
  "tasks.*.period": "period: day（每天一次）或 period: week（每周一次）",
  "tasks.*.days": "days: all（每天）、school（上学日）、weekdays（工作日）或 holidays（法定节假日和寒暑假）",
  "tasks.*.deadline": 'deadline: "10:00"；按周的任务写 deadline: "fri 17:00"',
  "tasks.*.reminders": 'reminders: ["09:00", "09:45"]',
  "tasks.*.tally": 'tally: "10:30"',
  "tasks.*.season": 'season: { start: "04-15", end: "10-15" }',
  "tasks.*.summer": 'summer: { period: day, deadline: "18:00", reminders: ["17:00"], tally: "18:30" }',
  "tasks.*.tally_group": "tally_group: leaders",
  weekly: 'weekly: { at: "fri 19:00", group: leaders }',
  "weekly.at": 'at: "fri 19:00"',
  "weekly.group": "group: leaders",
  late_note: 'late_note: { at: "17:00", group: leaders }',
  "late_note.at": 'at: "17:00"',
  "late_note.group": "group: leaders",
};

/** An example of what to write at `path`, when there is a useful one. */
export function exampleFor(path: KeyPath): string | undefined {
  const pattern = path
    .map((segment, index) =>
      typeof segment === "number" ? "[]" : index === 1 && (path[0] === "groups" || path[0] === "tasks") ? "*" : segment,
    )
    .join(".")
    .replace(/\.\[\]/g, "[]");
  const example = EXAMPLES[pattern] ?? EXAMPLES[pattern.replace(".summer.", ".")];
  return example === undefined ? undefined : `例如 ${example}`;
}

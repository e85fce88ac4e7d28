/** What the admin reads about a report kind's declaration (tasks.<id>.fields, rules, words). */
export const kindText = {
  genericNeeds: (key: string) => `新的上报任务要写 ${key}（开始上报的词 words、登记的内容 fields、示例 examples），参照 config/pingan.example.yaml 中的 tasks.meeting`,
  optionNotForType: (key: string, type: string) => `${key} 不适用于 ${type} 类型的字段`,
  countsNeedNames: "counts 类型的字段要写 names（各项的名称）",
  namesHint: "例如 names: [发热, 咳嗽, 腹泻]",
  choiceNeedsOptions: "choice 类型的字段要写 options（可选的答案）",
  optionsHint: "例如 options: [电话, 短信, 家访]",
  totalNotACount: (name: string) => `total 写的“${name}”不是本任务的人数（count）字段`,
  totalAndRoster: "一个人数字段的总数只能有一个来源：写了 total 就不要再写 roster",
  fieldsAre: (ids: readonly string[]) => `本任务的字段：${ids.join("、") || "（无）"}`,
  ruleUnknownField: (name: string) => `规则里的字段“${name}”不是本任务的字段`,
  ruleNeedsOneTest: "每条规则写 equals（等于某个值）或 at_least（不少于某个数）其中一项",
  ruleHint: "例如 { field: status, equals: abnormal } 或 { field: symptoms, at_least: 3 }",
  atLeastNotCount: (name: string) => `at_least 只用于人数字段，“${name}”不是`,
  ruleValueImpossible: (name: string, value: string) => `字段“${name}”不会等于 ${value}`,
  statusValues: "status 字段写 equals: abnormal（异常）或 equals: normal（正常）",
  yesnoValues: "是/否字段写 equals: false（否）或 equals: true（是）",
  choiceValues: (options: readonly string[]) => `可写：${options.join("、")}`,
  readerLacksField: (reader: string, name: string) => `读取方式 ${reader} 不登记字段“${name}”`,
  readerFieldType: (reader: string, name: string, type: string) => `读取方式 ${reader} 登记的“${name}”是 ${type} 类型`,
  readerFieldsMissing: (reader: string, ids: readonly string[]) =>
    `读取方式 ${reader} 还登记这些字段，要一并写上（字段名就是已存记录的键，改了会读不到以前的上报）：${ids.join("、")}`,
  nameTwice: (name: string, owner: string) =>
    `“${name}”已是字段 ${owner} 的名称。同一任务里一个名称（字段的 label、names 的一项、options 的一项）只能用一次，否则消息里写它时不知道登记到哪一项`,
  statusTwice: (owner: string) => `一个任务只能有一个 status 字段（已有 ${owner}）：“平安”“异常”只能登记到一处`,
  wordTwice: (word: string, owner: string) => `“${word}”已是任务 ${owner} 的上报用词，一个词只能开始一种上报`,
};

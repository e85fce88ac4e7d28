/** What `pingan roster ids` says to the admin, in one place. */
export const rosterIdsText = {
  noDirectoryHeader:
    "找不到“姓名”“帐号”两列：这不像企业微信管理后台导出的成员表。请在管理后台“通讯录 → 导出成员”，用导出的 .xlsx 文件",
  noNamesColumn: "名单里没有“上报人姓名”列（也没有配置里角色的姓名列，如 校医姓名）：要按姓名查账号，请先加一列 上报人姓名，填上每校上报人的姓名（多人用 | 分隔）",
  reporter: "上报人",
  withRole: (role: string, name: string) => `${role} ${name}`,
  notWritten: "没有写入任何文件。",
  csvOnlyToCsv: (out: string) => `${out}：CSV 名单只能写成 CSV 文件，请用 .csv 结尾的文件名`,
  targetExists: (target: string) =>
    `${target} 已经有了，没有覆盖它（您可能已在里面补填了账号）：要在它的基础上接着查，用 --roster ${target}；要重新生成，先删掉它，或用 --out 写到别的文件`,
  sameAsInput: (out: string) => `${out} 就是输入的名单；为了不丢原文件，请另起一个文件名`,

  directoryRead: (file: string, members: number) => `通讯录 ${file}：成员 ${members} 人`,
  rosterRead: (file: string, column: string, names: number, had: number, filled: number) =>
    `名单 ${file}：${column}姓名 ${names} 个，原有账号 ${had} 个，按姓名查到 ${filled} 个`,
  byDepartmentHeader: (count: number) => `按部门确定的 ${count} 个（通讯录里有同名的人，只有这一位在本校的部门里，已填上；请核对）：`,
  byDepartment: (where: string, name: string, namesakes: number, chosen: string) => `  ${where} ${name}：${chosen}（同名 ${namesakes} 人）`,
  ambiguousHeader: (count: number) => `同名的 ${count} 个，查不准是谁，请在名单里填上账号：`,
  ambiguous: (where: string, name: string, candidates: readonly string[]) => `  ${where} ${name}：${candidates.join("；")}`,
  candidate: (userid: string, departments: readonly string[], position: string, status: string) =>
    `${userid}（${[departments.join("、") || "无部门", position, status === "已激活" ? "" : status].filter((part) => part !== "").join("，")}）`,
  missingHeader: (count: number) => `通讯录里没有的 ${count} 个（请核对姓名，或请他们先加入企业微信）：`,
  missing: (where: string, name: string) => `  ${where} ${name}`,
  disabledHeader: (count: number) => `通讯录里已禁用的 ${count} 个：`,
  disabled: (where: string, name: string, userids: readonly string[]) => `  ${where} ${name}（${userids.join("、")}）`,
  noNameHeader: (count: number) => `没有填上报人姓名的 ${count} 所学校：`,
  noName: (where: string) => `  ${where}`,
  where: (line: number, school: string) => `第 ${line} 行 ${school}`,
  written: (out: string) => `已写入 ${out}。`,
  allFilled: "每个人都有了账号。把它作为配置里的 roster，再运行 pingan check-config。",
  someLeft: (columns: readonly string[]) =>
    `请在上面列出的行里补上账号（${columns.map((column) => `${column}列与${column}姓名`).join("、")}按 | 一一对应），再运行 pingan check-config。`,
  noRoster: (config: string) => `${config} 里没有写 roster（学校名单），请用 --roster 指定名单文件`,
};

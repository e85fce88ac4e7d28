/**
 * The demo's leaders and their offices, shown beside their names; they talk in the leaders'
 * group. Everyone's name is the product's own (the config and the roster's 上报人姓名).
 */
export const demoLeaders: Record<string, string> = { wang_zhiyuan: "局长", chen_xiaohong: "安全股" };

/** One message of the demo day, sent at a local time of the demo Friday, or a tap on a card. */
export interface DemoStep {
  at: string;
  from: string;
  /** What he types; for a tap, the text of the button he taps on the last card he was shown. */
  text: string;
  tap?: boolean;
  /** Shown before the message, to say what it demonstrates. */
  note?: string;
}

/** The demo's Friday: 2026-11-27, in the autumn term, Asia/Shanghai. */
export const DEMO_DAY = "2026-11-27";

/**
 * Schools that report in the background (not printed) on Friday morning, and the ones that
 * have gaps earlier in the week, so the tally and the weekly roll-up have something to say.
 */
export const quietlyMissingFriday = ["DB001", "XB004", "XB001", "BB002", "BB005"];
export const quietlyMissingWeek: Record<string, string[]> = {
  "2026-11-24": ["CG002"],
  "2026-11-25": ["CG002", "XB007"],
  "2026-11-26": ["BB005"],
};
/** Schools not in the script that leave Friday's 晨午检 for its 09:30 reminder. */
export const checkupMissingFriday = ["DB003", "BB005"];
/** Schools that did their weekly study before Friday (the rest get Friday's reminder). */
export const studyDoneBeforeFriday = ["CG001", "CG003", "CG004", "CG005", "CG006", "CG007", "CG008", "DB002", "DB003", "DB004", "DB005", "DB006", "DB007", "XB002", "XB003", "XB005", "XB006", "BB001", "BB003", "BB004", "BB006"];

/** What people type on the demo Friday; the scheduler's pushes come in between by themselves. */
export const demoScript: DemoStep[] = [
  { at: "08:31", from: "zhang_wei", text: "平安 在校2100" },
  { at: "08:36", from: "liu_yang", text: "報平安", note: "繁体字也能识别" },
  { at: "08:42", from: "zhou_jie", text: "平安", note: "负责两所学校的校长需要写明学校" },
  { at: "08:43", from: "zhou_jie", text: "平安 岭头小学" },
  { at: "08:45", from: "zhang_wei", text: "晨检 应到2136 实到2126 因病缺勤10 发热4 咳嗽3 腹泻1", note: "晨午检是在 pingan.yaml 里声明的任务（没有专门的代码）：发热 4 例达到“同一症状 3 例及以上”的规则，局领导群立即收到" },
  { at: "08:47", from: "wang_fang", text: "异常 一名学生课间摔伤，已送医，无生命危险", note: "异常报告：局领导群立即收到" },
  { at: "08:52", from: "luo_gang", text: "学习 53/52", note: "输错了数字：不登记，并给出正确示例" },
  { at: "08:53", from: "luo_gang", text: "学习 50/52 主题：学习《未成年人保护法》" },
  { at: "09:12", from: "wang_fang", text: "平安", note: "更正：学生已无大碍，改报平安（旧记录留在审计日志里）" },
  { at: "09:20", from: "wang_zhiyuan", text: "汇总" },
  { at: "09:24", from: "chen_xiaohong", text: "未报" },
  { at: "09:30", from: "luo_gang", text: "状态", note: "帮助和状态的回复下面带着今日平安的按钮卡片" },
  { at: "09:31", from: "luo_gang", text: "今日平安 ✅", tap: true, note: "点一下就报了平安：和发“平安”一样登记，卡片只对他本人更新" },
  { at: "09:33", from: "tang_lin", text: "平安 在校740" },
  { at: "09:35", from: "tang_lin", text: "晨检 实到738 因病缺勤2 发热2", note: "09:30 晨午检的催报点了名，应到人数不写时按名单" },
  { at: "09:38", from: "zhou_jie", text: "平安 枫林小学" },
  { at: "10:50", from: "hu_bin", text: "平安", note: "10:00 截止、10:30 统计之后才报：记为迟报，17:00 进入补报通知" },
  { at: "16:40", from: "wang_fang", text: "学习 应到88 实到85 请假3" },
];

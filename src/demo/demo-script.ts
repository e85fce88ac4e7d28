/** People of the demo, with the school or office shown beside their names. */
export const demoPeople: Record<string, { name: string; label: string; role: "reporter" | "leader" }> = {
  zhang_wei: { name: "张伟", label: "张伟（城关一小）", role: "reporter" },
  wang_fang: { name: "王芳", label: "王芳（城关二小）", role: "reporter" },
  liu_yang: { name: "刘洋", label: "刘洋（城关三小）", role: "reporter" },
  hu_bin: { name: "胡斌", label: "胡斌（东湖小学）", role: "reporter" },
  zhou_jie: { name: "周杰", label: "周杰（枫林小学、岭头小学）", role: "reporter" },
  luo_gang: { name: "罗刚", label: "罗刚（石门小学）", role: "reporter" },
  wang_zhiyuan: { name: "王志远", label: "王志远（局长）", role: "leader" },
};

/** One message of the demo day. */
export interface DemoStep {
  /** Local time it is sent. */
  at: string;
  from: string;
  text: string;
  /** Shown before the message, to say what it demonstrates. */
  note?: string;
  /** How many group-robot pushes this message causes. */
  expectPushes?: number;
}

/** A school day: reports, a traditional-script one, a correction, a mistake, a late report. */
export const demoScript: DemoStep[] = [
  { at: "2026-11-24T08:31:00+08:00", from: "zhang_wei", text: "平安 在校2100" },
  { at: "2026-11-24T08:36:00+08:00", from: "liu_yang", text: "報平安", note: "繁体字也能识别" },
  { at: "2026-11-24T08:42:00+08:00", from: "zhou_jie", text: "平安", note: "负责两所学校的校长需要写明学校" },
  { at: "2026-11-24T08:43:00+08:00", from: "zhou_jie", text: "平安 岭头小学" },
  { at: "2026-11-24T08:50:00+08:00", from: "wang_fang", text: "学习 53/52", note: "输错了数字：不会登记，并给出正确示例" },
  { at: "2026-11-24T08:51:00+08:00", from: "wang_fang", text: "学习 50/52 主题：学习《未成年人保护法》" },
  { at: "2026-11-24T09:05:00+08:00", from: "zhang_wei", text: "平安 在校2098", note: "更正：新的上报替换旧的，旧记录留在审计日志里" },
  { at: "2026-11-24T10:20:00+08:00", from: "hu_bin", text: "平安", note: "10:00 截止后才报：记为迟报" },
];

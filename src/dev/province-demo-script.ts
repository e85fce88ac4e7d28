import type { DemoStep } from "./demo-script.js";

/** The province demo's config (config/province/): 1 province, 2 cities, 3 counties, each county its own bot. */
export const PROVINCE_CONFIG = "config/province/pingan.yaml";

/** The province demo's day: a Tuesday of the autumn term, Asia/Shanghai. */
export const PROVINCE_DAY = "2026-11-24";

/** The leaders of the demo and their offices, shown beside their names. */
export const provinceLeaders: Record<string, string> = {
  zhao_ting: "省教育厅",
  qian_hao: "平安市教育局",
  sun_li: "安宁市教育局",
  li_ming: "平安县教育局",
  zhou_yun: "城东区教育局",
  wu_bo: "安宁县教育局",
};

/** Schools that have not reported when the 09:00 reminders go out (besides the script's). */
export const provinceQuietlyMissing = ["PAX06", "CDQ11", "ANX17", "ANX18"];

/** What people type on the demo day, each in the group of his node; the reminders and the tally come in between. */
export const provinceScript: DemoStep[] = [
  { at: "08:31", from: "pax_01", text: "平安 在校737" },
  { at: "08:38", from: "cdq_07", text: "平安", note: "每个县（区）的校长在本县的群里 @ 本县的机器人" },
  { at: "08:47", from: "anx_13", text: "异常 一名学生课间摔伤，已送医，无生命危险", note: "安宁县的异常：安宁县、安宁市和省的领导群收到，平安市的群收不到" },
  { at: "09:20", from: "li_ming", text: "汇总", note: "县领导：本县的片区和学校" },
  { at: "09:22", from: "qian_hao", text: "汇总", note: "市领导：本市各县（区）一行" },
  { at: "09:24", from: "zhao_ting", text: "汇总", note: "省领导：各市一行" },
  { at: "09:26", from: "wu_bo", text: "未报", note: "只列本县没报的学校" },
  { at: "09:27", from: "qian_hao", text: "未报 平安", note: "市领导的未报：本市各县（区）没报的学校" },
  { at: "09:28", from: "li_ming", text: "历史 安宁一小", note: "外县的学校看不到" },
  { at: "09:40", from: "anx_18", text: "平安" },
];

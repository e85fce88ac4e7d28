import { defineCommand } from "../src/bot/command.js";
import { readSchoolStep, takeSchoolStep } from "../src/features/incidents/take-step.js";

export default defineCommand({
  id: "follow-up",
  aliases: ["续报"],
  roles: ["reporter"],
  services: ["config", "roster", "incidents", "store", "calendar"],
  summary: "报告异常事件的处理进展（会转告局领导）",
  examples: ["续报 受伤学生已转入县医院，家长已到场", "续报 #12 学生情况稳定，已返校上课", "续报 城关一小 已联系保险公司"],
  parse(input, ctx) {
    return readSchoolStep(input, ctx, "续报");
  },
  run(words, ctx) {
    return takeSchoolStep(ctx, words, "follow-up");
  },
});

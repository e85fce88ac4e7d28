import { defineCommand } from "../src/bot/command.js";
import { readSchoolStep, takeSchoolStep } from "../src/features/incidents/take-step.js";

export default defineCommand({
  id: "final-report",
  aliases: ["终报"],
  roles: ["reporter"],
  services: ["config", "roster", "incidents", "store", "calendar"],
  summary: "异常事件处理完毕时的最终报告（事件随之结束，会转告局领导）",
  examples: ["终报 学生已康复返校，家校已达成一致", "终报 #12 积水已排除，校门口恢复通行"],
  parse(input, ctx) {
    return readSchoolStep(input, ctx, "终报");
  },
  run(words, ctx) {
    return takeSchoolStep(ctx, words, "final");
  },
});

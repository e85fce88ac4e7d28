import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { incidentText } from "../src/features/incidents/incident-text.js";
import { findStepIncident, readSchoolStep, takeStep } from "../src/features/incidents/take-step.js";

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
  async run(words, ctx) {
    const incident = await findStepIncident(ctx, words);
    if (typeof incident === "string") return incident;
    if (!ctx.schools.some((school) => school.code === incident.school)) throw new CodedError(ErrorCode.NotYourSchool, incidentText.notYourIncident(incident.number));
    return takeStep(ctx, incident, "final", words.text, incidentText.finalled(incident, ctx.roster.byCode(incident.school)));
  },
});

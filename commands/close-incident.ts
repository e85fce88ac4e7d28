import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { wordsAround } from "../src/text/words.js";
import { incidentText } from "../src/features/incidents/incident-text.js";
import { findStepIncident, readIncidentNumber, takeStep } from "../src/features/incidents/take-step.js";

export default defineCommand({
  id: "close-incident",
  aliases: ["结案"],
  roles: ["leader", "admin"],
  // A principal who writes 结案 means his school's 终报.
  reporterInstead: { keyword: "终报", when: "学校这边处理完毕时" },
  services: ["config", "roster", "incidents", "store", "calendar"],
  summary: "结束一起异常事件，写明结案意见（会告知其他领导）",
  examples: ["结案 #12 已妥善处理，家长无异议"],
  parse(input) {
    const numbered = readIncidentNumber(input.folded);
    if (!numbered || wordsAround({ before: input.before, folded: "" }) !== "") throw new CodedError(ErrorCode.Usage, incidentText.closeWhat);
    const text = input.original(numbered.end).trim();
    if (text === "") throw new CodedError(ErrorCode.Usage, incidentText.closeWhat);
    return { number: numbered.number, text };
  },
  async run({ number, text }, ctx) {
    const incident = await findStepIncident(ctx, { number });
    if (typeof incident === "string") return incident;
    return takeStep(ctx, incident, "close", text);
  },
});

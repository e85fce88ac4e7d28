import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { wordsAround } from "../src/text/words.js";
import { findSchool } from "../src/features/leaders/find-school.js";
import type { School } from "../src/config/roster.js";
import { incidentText } from "../src/features/incidents/incident-text.js";
import { findNumberedIncident, findOpenIncidents, readIncidentNumber } from "../src/features/incidents/take-step.js";
import type { Incident } from "../src/store/incidents.js";
import { acknowledgeIncident } from "../src/features/incidents/acknowledge-incident.js";
import { INCIDENT_TAP_TOPIC } from "../src/features/incidents/incident-card.js";
import { answerIncidentTap } from "../src/features/incidents/incident-tap.js";

export default defineCommand({
  id: "acknowledge",
  aliases: ["收到"],
  roles: ["leader", "admin"],
  services: ["config", "roster", "incidents", "store", "calendar"],
  summary: "表示已阅某起异常事件（第一位收到的领导会在下一条有关消息中告知其他领导）",
  examples: ["收到 #12", "收到 城关一小"],
  parse(input, ctx): { number: number } | { school: School } {
    const numbered = readIncidentNumber(input.folded);
    if (numbered && input.folded.slice(numbered.end).trim() === "") return { number: numbered.number };
    const text = wordsAround(input).trim();
    if (text === "") throw new CodedError(ErrorCode.Usage, incidentText.ackWhich);
    return { school: ctx.roster.find(text) ?? findSchool(ctx.roster, text, input.around.quote(text)) };
  },
  async run(args, ctx) {
    let incidents: Incident[];
    if ("number" in args) {
      const incident = await findNumberedIncident(ctx, args.number);
      if (typeof incident === "string") return incident;
      incidents = [incident];
    } else {
      const open = await findOpenIncidents(ctx, args.school);
      if (typeof open === "string") return open;
      incidents = open;
    }
    const replies: string[] = [];
    for (const incident of incidents) replies.push((await acknowledgeIncident(incident, ctx)).reply);
    return replies.join("\n");
  },
  // 收到 on the card under an alert over the long connection.
  tapTopic: INCIDENT_TAP_TOPIC,
  tap: answerIncidentTap,
});

import type { CommandContext } from "../../bot/command.js";
import type { Incident } from "../../store/incidents.js";
import { incidentText } from "./incident-text.js";

/**
 * A leader's 收到 of one incident, typed or tapped: recorded once per leader (a repeat is the
 * same step), refused on an incident that has ended. The reply names the first leader who
 * acknowledged it when that was someone else.
 */
export async function acknowledgeIncident(incident: Incident, ctx: CommandContext<"config" | "roster" | "incidents">): Promise<{ recorded: boolean; reply: string }> {
  const school = ctx.roster.byCode(incident.school);
  // Keyed by leader, not by message: a second 收到 (typed or tapped) by the same leader is the same step.
  const msgid = `ack#${incident.number}#${ctx.sender.userid}`;
  const result = await ctx.incidents.step(incident.number, { kind: "ack", by: ctx.sender.userid, at: ctx.now.toISOString(), msgid });
  if (result.outcome === "closed") return { recorded: false, reply: incidentText.ended(incident.number, result.status) };
  const first = result.outcome === "ok" ? result.shown : undefined;
  const reply =
    first && first.by !== ctx.sender.userid
      ? incidentText.ackedAfter(incident, school, first.by, new Date(first.at), ctx.config, ctx.config.timezone)
      : incidentText.acked(incident, school);
  return { recorded: true, reply };
}

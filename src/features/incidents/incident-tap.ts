import type { CardTap, CommandContext } from "../../bot/command.js";
import { botText } from "../../bot/bot-text.js";
import type { BotCard } from "../../message/card.js";
import { acknowledgeIncident } from "./acknowledge-incident.js";
import { incidentButtons, parseIncidentKey } from "./incident-card.js";
import { incidentText } from "./incident-text.js";

/**
 * The answer to a tap on 收到 under an incident's alert, as the card that replaces it for the
 * tapper: the same acknowledgement as a typed `收到 #12`, by a leader (or admin) whose node holds
 * the school. A forged key, an incident that is not his, or a tapper who is no leader records nothing and says why.
 */
export async function answerIncidentTap(tap: CardTap, ctx: CommandContext<"config" | "roster" | "incidents">): Promise<BotCard> {
  const key = parseIncidentKey(tap.key);
  const card = (title: string, text: string, number?: number, acked = false): BotCard => ({
    id: tap.cardId,
    title,
    text,
    // The button stays (已收到 once recorded), so the card keeps its shape.
    buttons: number === undefined ? [{ text: incidentText.ackButton, key: tap.key }] : incidentButtons(number, acked),
  });
  if (!key) return card(incidentText.notRecordedTitle, incidentText.cardUnreadable);
  if (ctx.roles.size === 0) return card(incidentText.notRecordedTitle, botText.unknownSender(ctx.config), key.n);
  if (!ctx.roles.has("leader") && !ctx.roles.has("admin")) return card(incidentText.notRecordedTitle, incidentText.cardForLeaders, key.n);
  const incident = await ctx.incidents.read(key.n);
  // A leader's roster is his node's: an incident outside it is none of his.
  if (!incident) return card(incidentText.notRecordedTitle, incidentText.noSuchIncident(key.n), key.n);
  if (!ctx.roster.byCode(incident.school)) return card(incidentText.notRecordedTitle, incidentText.outsideNode(key.n, ctx.roster.node.name), key.n);
  const { recorded, reply } = await acknowledgeIncident(incident, ctx);
  return recorded ? card(incidentText.ackedTitle(incident.number), reply, incident.number, true) : card(incidentText.notRecordedTitle, reply, incident.number);
}

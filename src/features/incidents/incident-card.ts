import { z } from "zod";
import type { BotCard } from "../../message/card.js";
import { readTapKey } from "../../bot/tap-key.js";
import type { School } from "../../config/roster.js";
import type { Incident } from "../../store/incidents.js";
import { formatCardId } from "../check-in/check-in-card.js";
import { incidentText } from "./incident-text.js";

/** The topic of the keys of an incident card's buttons (see bot/tap-key.ts). */
export const INCIDENT_TAP_TOPIC = "incident";

/**
 * What the 收到 button stands for: the incident it acknowledges. Anyone can forge a tap, so a
 * key is read with this schema and the incident it names is checked again where it is used.
 */
const incidentKeySchema = z.strictObject({
  t: z.literal(INCIDENT_TAP_TOPIC),
  n: z.number().int().positive(),
});

export type IncidentKey = z.infer<typeof incidentKeySchema>;

/** The incident a tapped button names, or undefined when the key is not one of ours. */
export function parseIncidentKey(raw: string): IncidentKey | undefined {
  return readTapKey(raw, incidentKeySchema);
}

/** The card's one button, 收到 (已收到 once the tapper acknowledged). */
export function incidentButtons(number: number, acked = false): BotCard["buttons"] {
  const key: IncidentKey = { t: INCIDENT_TAP_TOPIC, n: number };
  return [{ text: acked ? incidentText.ackedButton : incidentText.ackButton, key: JSON.stringify(key), primary: !acked }];
}

/** The card under an incident's alert in a leaders' group the smart bot pushes to: who, when, what, and 收到. */
export function formatIncidentCard(args: { incident: Incident; school: School | undefined; group: string; timeZone: string }): BotCard {
  const { incident, school, group, timeZone } = args;
  return {
    id: formatCardId("incident", String(incident.number), group),
    title: incidentText.cardTitle(incident, school),
    desc: incidentText.cardDesc(incident, timeZone),
    text: incidentText.cardBody(incident.description),
    buttons: incidentButtons(incident.number),
  };
}

import { it } from "vitest";
import { runIncidentBurst, type IncidentWorld } from "../support/incident-burst.js";
import { useIncidentClocks } from "../support/incident-clocks.js";
import { redisStop, webhookFault } from "../support/faults.js";
import { TEST_ENV } from "../support/test-env.js";

// Clocks of seconds, so that both escalations of an unacknowledged incident come due mid-fault: 3 s, then 6 s.
const env = useIncidentClocks([
  ["  ack_minutes: 15", "  ack_minutes: 0.05"],
  ["  on_duty: []", "  on_duty: [wang_zhiyuan]"],
]);

const world = (): IncidentWorld => ({
  roster: env.h.roster,
  say: async (from, text, msgid) => {
    const reply = await env.h.sim.say({ from, text, msgid });
    if (reply.status !== 200 || reply.markdown === undefined) throw new Error(`no reply (${reply.status})`);
    return reply.markdown;
  },
  received: () => env.h.webhook.messages.filter((m) => m.group === "局领导群").map((m) => m.content),
  redis: env.h.client,
});
const LEADERS_KEY = TEST_ENV.WEBHOOK_KEY_LEADERS;
/** A survival run takes minutes: a bound for a hang, not a wait. */
const RUN_MS = 600_000;

/**
 * A burst of incidents, follow-ups, acknowledgements and escalations coming due, through each
 * fault the service must survive in this process (runIncidentBurst says what is asserted): every
 * alert, follow-up and escalation reaches the leaders exactly once (at most twice under a hang
 * past the request timeout), in order per school, and the delivery log agrees with the fake.
 */
it("survives the leaders' robot answering HTTP 500", { timeout: RUN_MS }, async () => {
  await runIncidentBurst(world(), webhookFault(env.h.webhook, LEADERS_KEY, "http-500"), { tag: "五百", first: 0, count: 5 });
});

it("survives the leaders' robot hanging 30 s (within the request timeout)", { timeout: RUN_MS }, async () => {
  await runIncidentBurst(world(), webhookFault(env.h.webhook, LEADERS_KEY, { hangMs: 30_000 }, { requests: 2 }), { tag: "三十秒", first: 5, count: 5 });
});

it("survives the leaders' robot hanging 60 s (past the request timeout)", { timeout: RUN_MS }, async () => {
  await runIncidentBurst(world(), webhookFault(env.h.webhook, LEADERS_KEY, { hangMs: 60_000 }, { requests: 2 }), { tag: "六十秒", first: 10, count: 5 });
});

it("survives Redis stopped for 20 s", { timeout: RUN_MS }, async () => {
  await runIncidentBurst(world(), redisStop(env.h.redis, 20_000), { tag: "停库", first: 15, count: 5 });
});

import type { Harness } from "../support/harness.js";

/**
 * Every school not in `except` reports `平安` at `at` through HTTP, by its first reporter
 * (naming the school when that reporter has several).
 */
export async function reportAll(h: Harness, at: string, except: readonly string[] = []): Promise<void> {
  h.clock.set(new Date(at));
  for (const school of h.roster.schools) {
    if (except.includes(school.code)) continue;
    const reporter = school.reporters[0]!;
    const several = h.roster.schoolsOf(reporter).length > 1;
    const reply = await h.say(reporter, several ? `平安 ${school.shortName}` : "平安");
    if (!reply.includes("已登记")) throw new Error(`${school.code} was not recorded: ${reply}`);
  }
}

/** Says `text` as `from` at the local time `at`. */
export async function sayAt(h: Harness, at: string, from: string, text: string): Promise<string> {
  h.clock.set(new Date(at));
  return h.say(from, text);
}

/** Waits for the push queue to empty and returns what the group received since the last call. */
export async function takeMessages(h: Harness, groupName: string) {
  await h.drainPushes();
  const taken = h.webhook.messages.filter((m) => m.group === groupName);
  const rest = h.webhook.messages.filter((m) => m.group !== groupName);
  h.webhook.messages.length = 0;
  h.webhook.messages.push(...rest);
  return taken;
}

/** What the group received since the last take, as one text (each message on its own line). */
export async function takeText(h: Harness, groupName: string): Promise<string> {
  return (await takeMessages(h, groupName)).map((m) => m.content).join("\n");
}

import type { ConfigSections } from "./cross-check-config.js";
import { configSchema, taskSchema } from "./schema.js";

interface SafeParser {
  safeParse(value: unknown): { success: true; data: unknown } | { success: false };
}

/**
 * Each top-level section (and each task) of a config that failed the schema as a whole, parsed
 * on its own; sections with problems are left out. Lets the cross-checks still run on the rest.
 */
export function parseSections(input: unknown): ConfigSections {
  const source = (input !== null && typeof input === "object" ? input : {}) as Record<string, unknown>;
  const sections: Record<string, unknown> = {};
  const shape = configSchema.shape as unknown as Record<string, SafeParser>;
  for (const [key, schema] of Object.entries(shape)) {
    if (key === "tasks") continue;
    const result = schema.safeParse(source[key]);
    if (result.success) sections[key] = result.data;
  }
  const rawTasks = (source.tasks !== null && typeof source.tasks === "object" ? source.tasks : {}) as Record<string, unknown>;
  const tasks: Record<string, unknown> = {};
  for (const [id, raw] of Object.entries(rawTasks)) {
    const result = taskSchema.safeParse(raw);
    if (result.success && result.data !== undefined) tasks[id] = result.data;
  }
  sections.tasks = tasks;
  return sections as ConfigSections;
}

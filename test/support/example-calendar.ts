import { loadConfig } from "../../src/config/load-config.js";
import type { Config } from "../../src/config/schema.js";
import { createTaskCalendar, type TaskCalendar } from "../../src/time/task-calendar.js";
import { TEST_ENV } from "./test-env.js";

/** The example config and the task calendar the service builds from it. */
export async function loadExampleCalendar(): Promise<{ config: Config; calendar: TaskCalendar }> {
  const { config } = await loadConfig({ path: "config/pingan.example.yaml", env: TEST_ENV });
  return { config, calendar: await createTaskCalendar(config) };
}

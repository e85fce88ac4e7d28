import type { Config } from "../../config/schema.js";
import type { TallySources } from "../../tally/load-tally.js";

/**
 * What the leaders' pushes need: the config (groups, tasks, bot name, time zone), the roster
 * and the two stores. A CommandContext is one; the scheduler builds one from its own deps.
 */
export interface LeaderDeps extends TallySources {
  config: Config;
}

import type { Config } from "../../src/config/schema.js";

/** Webhook keys of the two groups push tests deliver to (fake secrets). */
export const PRINCIPALS_KEY = "principals-key-7d2e";
export const LEADERS_KEY = "leaders-key-91ab";

/** A schools group and a leaders group, each with its robot, as the fake webhook knows them by name. */
export const PUSH_GROUPS: Config["groups"] = {
  principals: { name: "校长群", webhook_key: PRINCIPALS_KEY, role: "schools", schools: "all" },
  leaders: { name: "领导群", webhook_key: LEADERS_KEY, role: "leaders", schools: "all" },
};

import { randomBytes } from "node:crypto";

/**
 * Fresh development secrets for the example config's `${…}` references, for the demo and for
 * commands that need the config but no secret (`pingan schedule`). Never for production.
 */
export function createDevCredentials(): Record<string, string> {
  return {
    WECOM_TOKEN: `dev${randomBytes(8).toString("hex")}`,
    WECOM_ENCODING_AES_KEY: randomBytes(32).toString("base64").slice(0, 43),
    WEBHOOK_KEY_PRINCIPALS: `dev-principals-${randomBytes(4).toString("hex")}`,
    WEBHOOK_KEY_LEADERS: `dev-leaders-${randomBytes(4).toString("hex")}`,
  };
}

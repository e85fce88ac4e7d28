import { randomBytes } from "node:crypto";

/** The secrets the example config (config/pingan.example.yaml) reads from the environment. */
const EXAMPLE_SECRETS = ["WECOM_TOKEN", "WECOM_ENCODING_AES_KEY", "WEBHOOK_KEY_PRINCIPALS", "WEBHOOK_KEY_LEADERS"] as const;

/** `${NAME}` without a default: a value the environment must give. */
const REQUIRED_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Fresh development secrets for a config's `${…}` references (the example's by default), for the
 * demos and for commands that need the config but no secret (`pingan schedule`), each of the form
 * its name asks for: an EncodingAESKey of 43 characters, a webhook key, a token. Never for production.
 */
export function createDevCredentials(names: readonly string[] = EXAMPLE_SECRETS): Record<string, string> {
  return Object.fromEntries(names.map((name) => [name, devSecret(name)]));
}

/** The names a config's text reads from the environment without a default (comments' examples included: a stand-in more does no harm). */
export function requiredSecretNames(configText: string): string[] {
  return [...new Set([...configText.matchAll(REQUIRED_REFERENCE)].map((match) => match[1]!))];
}

function devSecret(name: string): string {
  if (name.endsWith("AES_KEY")) return randomBytes(32).toString("base64").slice(0, 43);
  if (name.startsWith("WEBHOOK_KEY_")) return `dev-${name.slice("WEBHOOK_KEY_".length).toLowerCase().replaceAll("_", "-")}-${randomBytes(4).toString("hex")}`;
  return `dev${randomBytes(8).toString("hex")}`;
}

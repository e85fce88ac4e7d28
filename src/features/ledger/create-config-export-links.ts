import type { Clock } from "../../clock/clock.js";
import type { Config } from "../../config/schema.js";
import { createExportLinks, createLinkSigner, type ExportLinks, type LinkSigner } from "./export-links.js";
import { deriveExportSecret } from "./export-secret.js";

/** The signer of a deployment's links: its derived key and `server.public_url` ('' when unset). */
export function createConfigLinkSigner(config: Pick<Config, "server" | "bot">, clock: Clock): LinkSigner {
  return createLinkSigner(configLinkOptions(config, clock));
}

/** The export links of a deployment, signed like every other link (createConfigLinkSigner). */
export function createConfigExportLinks(config: Pick<Config, "server" | "bot">, clock: Clock): ExportLinks {
  return createExportLinks(configLinkOptions(config, clock));
}

function configLinkOptions(config: Pick<Config, "server" | "bot">, clock: Clock) {
  return { secret: deriveExportSecret(config), baseUrl: config.server.public_url ?? "", clock };
}

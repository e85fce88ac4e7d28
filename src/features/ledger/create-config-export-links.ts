import type { Clock } from "../../time/clock.js";
import type { Config } from "../../config/schema.js";
import { createExportLinks, type ExportLinks } from "./export-links.js";
import { deriveExportSecret } from "./export-secret.js";

/** The export links of a deployment: its derived key and `server.public_url` ('' when unset). */
export function createConfigExportLinks(config: Pick<Config, "server" | "bot">, clock: Clock): ExportLinks {
  return createExportLinks({ secret: deriveExportSecret(config), baseUrl: config.server.public_url ?? "", clock });
}

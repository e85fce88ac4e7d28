import type { Clock } from "../../clock/clock.js";
import type { Config } from "../../config/schema.js";
import { createConfigLinkSigner } from "../ledger/create-config-export-links.js";
import type { LinkQuery, LinkRefusal, SignedLink } from "../ledger/export-links.js";

/** Where the board is served. */
export const BOARD_PATH = "/board";

/** A working day: a leader opens the board in the morning and glances at it until evening. */
export const BOARD_TTL_MINUTES = 8 * 60;

export type BoardLinkVerdict = { ok: true; requestedBy: string; expiresAt: Date } | { ok: false; reason: LinkRefusal };

export interface BoardLinks {
  readonly ttlMinutes: number;
  /** A signed link to the board for one leader or admin, valid for `ttlMinutes`. */
  sign(requestedBy: string): SignedLink;
  verify(query: LinkQuery): BoardLinkVerdict;
}

/** The board's signed links, signed like the ledger's (one signer, its own scope). */
export function createBoardLinks(config: Pick<Config, "server" | "bot">, clock: Clock): BoardLinks {
  const signer = createConfigLinkSigner(config, clock);
  return {
    ttlMinutes: BOARD_TTL_MINUTES,
    sign: (requestedBy) => signer.sign(BOARD_PATH, BOARD_PATH, { by: requestedBy }, BOARD_TTL_MINUTES),
    verify(query) {
      const verdict = signer.verify(BOARD_PATH, query, ["by"]);
      return verdict.ok ? { ok: true, requestedBy: verdict.fields.by!, expiresAt: verdict.expiresAt } : verdict;
    },
  };
}

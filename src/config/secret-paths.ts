import type { KeyPath } from "./problems.js";

const SECRET_PATTERNS = [/^bot\.token$/, /^bot\.encoding_aes_key$/, /^bot\.secret$/, /^bots\.\d+\.(token|encoding_aes_key|secret)$/, /^server\.admin_token$/, /^groups\.[^.]+\.webhook_key$/];

/** Keys whose values are secrets: problems name them but never show what they hold. */
export function isSecretPath(path: KeyPath): boolean {
  const dotted = path.map(String).join(".");
  return SECRET_PATTERNS.some((pattern) => pattern.test(dotted));
}

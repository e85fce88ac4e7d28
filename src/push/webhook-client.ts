import type { PartBody } from "./push.js";

/**
 * What a webhook call came to. `retry`: nothing permanent went wrong, try again later (network
 * error, HTTP 5xx, errcode 45009 or -1). `permanent`: trying again cannot help (93000 invalid
 * key, 40058 content too long, any other errcode). `reason` never contains the key.
 */
export type WebhookResult =
  | { outcome: "ok" }
  | { outcome: "retry" | "permanent"; reason: string; errcode?: number; status?: number; timedOut?: boolean };

export interface SendWebhookOptions {
  /** WeCom API base, e.g. `https://qyapi.weixin.qq.com` (a local fake in tests and the demo). */
  apiBase: string;
  /** The group robot's webhook key: a secret. */
  key: string;
  body: PartBody;
  fetch: typeof globalThis.fetch;
  /** Abort the request after this long (a timeout counts as `retry`). */
  timeoutMs?: number;
}

/** errcodes that mean "not now": -1 system busy, 45009 over 20 a minute, 45033 too many concurrent calls. */
const RETRY_ERRCODES = new Set([-1, 45009, 45033]);

/** POSTs one message to a group robot and classifies WeCom's answer by its errcode. */
export async function sendWebhook({
  apiBase,
  key,
  body,
  fetch,
  timeoutMs = 10_000,
}: SendWebhookOptions): Promise<WebhookResult> {
  const url = `${apiBase.replace(/\/+$/, "")}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
  const redact = (text: string) =>
    key === "" ? text : text.split(key).join("[key]").split(encodeURIComponent(key)).join("[key]");
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // A request that timed out may still be delivered (WeCom answers late): the caller waits longer next time.
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    return { outcome: "retry", reason: redact(`network error: ${describe(error)}`), ...(timedOut && { timedOut }) };
  }
  const status = response.status;
  const answer = parseAnswer(text);
  if (answer) {
    if (answer.errcode === 0) return { outcome: "ok" };
    const outcome = RETRY_ERRCODES.has(answer.errcode) ? "retry" : "permanent";
    return { outcome, errcode: answer.errcode, status, reason: redact(`errcode ${answer.errcode}: ${answer.errmsg}`) };
  }
  if (status >= 500 || status === 429) return { outcome: "retry", status, reason: `HTTP ${status}` };
  if (status >= 400) return { outcome: "permanent", status, reason: `HTTP ${status}` };
  // A 2xx without WeCom's answer (a proxy page?): the message may or may not have gone out.
  return { outcome: "retry", status, reason: `HTTP ${status} without an errcode` };
}

function parseAnswer(text: string): { errcode: number; errmsg: string } | undefined {
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== "object" || json === null) return undefined;
    const { errcode, errmsg } = json as { errcode?: unknown; errmsg?: unknown };
    if (typeof errcode !== "number") return undefined;
    return { errcode, errmsg: typeof errmsg === "string" ? errmsg : "" };
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  if (error.name === "TimeoutError") return "timed out";
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}

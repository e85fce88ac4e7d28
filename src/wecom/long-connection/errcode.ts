import { ErrorCode, type LongConnectionErrorCode } from "../../errors.js";

/** wecom-protocol.md: 45009 frequency limit; 93006 invalid chatid and 93001 bot not in group (unconfirmed); 45002 content too large. */
export function codeForErrcode(errcode: number, cmd: string): LongConnectionErrorCode {
  if (errcode === 45009) return ErrorCode.RateLimited;
  if (cmd === "aibot_subscribe") return ErrorCode.BadCredentials;
  if (errcode === 93006 || errcode === 93001) return ErrorCode.InvalidChat;
  if (errcode === 45002) return ErrorCode.ContentTooLarge;
  return ErrorCode.WecomRejected;
}

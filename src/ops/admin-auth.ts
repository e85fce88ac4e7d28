import { timingSafeEqual, createHash } from "node:crypto";
import type { Middleware } from "koa";

/**
 * Guards the admin pages with the admin token: HTTP Basic (any user name, the token as the
 * password, so a browser asks for it) or `Authorization: Bearer <token>`. Without a configured
 * token the pages are off (404), never open.
 */
export function requireAdminToken(token: string | undefined): Middleware {
  const expected = token ? digest(token) : undefined;
  return async function adminAuth(ctx, next) {
    if (!expected) {
      ctx.status = 404;
      return;
    }
    const header = ctx.get("authorization");
    const [scheme, value = ""] = header.split(" ", 2);
    let given = "";
    if (scheme?.toLowerCase() === "bearer") given = value;
    if (scheme?.toLowerCase() === "basic") {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      given = decoded.slice(decoded.indexOf(":") + 1);
    }
    if (given && timingSafeEqual(digest(given), expected)) return next();
    ctx.status = 401;
    ctx.set("WWW-Authenticate", 'Basic realm="pingan admin", charset="UTF-8"');
    ctx.body = "需要管理员令牌（PINGAN_ADMIN_TOKEN）";
  };
}

/** Equal-length digests, so the comparison is constant-time whatever was sent. */
function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

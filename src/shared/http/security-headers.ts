import type { MiddlewareHandler } from "hono";

export const REQUEST_ID_HEADER = "x-request-id";

/** RFC 6797: two years, subdomains included, eligible for preload lists. */
const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains; preload";

/**
 * Headers every response carries (API.md, Conventions). HTML pages get a Content-Security-Policy
 * that allows only the product's own scripts and styles.
 */
export function securityHeaders(contentSecurityPolicy: string): MiddlewareHandler {
  return async (context, next) => {
    await next();

    const headers = context.res.headers;
    headers.set("strict-transport-security", STRICT_TRANSPORT_SECURITY);
    headers.set("x-content-type-options", "nosniff");
    headers.set("referrer-policy", "no-referrer");
    if (headers.get("content-type")?.startsWith("text/html")) {
      headers.set("content-security-policy", contentSecurityPolicy);
      headers.set("x-frame-options", "DENY");
    }
  };
}

/** Authenticated answers must never be stored by a cache on the way. */
export const noStore: MiddlewareHandler = async (context, next) => {
  await next();
  context.res.headers.set("cache-control", "no-store");
};

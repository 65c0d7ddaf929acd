import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { parseCredential } from "../../shared/credentials";
import { DomainError } from "../../shared/problems";
import type { EdgeBindings } from "../context";
import type { WidgetAccess } from "./access-directory";

/**
 * The query parameter in which the widget names its token's public id (`wtk_<region>_…`). A CORS
 * preflight carries no Authorization header (Fetch standard, §3.2.3), so without it the edge could
 * not tell whose allowed origins apply. The id is not secret: it opens nothing on its own.
 */
export const WIDGET_TOKEN_ID_PARAMETER = "token_id";

/** Browsers cache a preflight this long; Chromium caps it at two hours anyway. */
export const PREFLIGHT_MAX_AGE_SECONDS = 300;
const ALLOWED_METHODS = "GET, POST";
const ALLOWED_HEADERS = "authorization, content-type, idempotency-key";
const EXPOSED_HEADERS = "x-request-id, retry-after, idempotency-replayed";

/**
 * CORS for `/v1/widget/*`, answered here at the edge: a preflight never reaches an origin. Only
 * the tenant's `allowed_origins` are let in. A request from any other origin is refused before it
 * is forwarded, so a write from a page that is not allowed never happens, rather than merely
 * being hidden from that page. Requests without an Origin header (servers, tools) are not
 * cross-origin browser requests and pass on to authentication as usual.
 */
export const widgetCors = createMiddleware<EdgeBindings>(async (context, next) => {
  const origin = context.req.header("origin");
  const isPreflight = context.req.method === "OPTIONS";
  if (origin === undefined && !isPreflight) return next();

  const access = await accessOf(context);
  const allowed = origin !== undefined && access?.allowedOrigins.includes(origin) === true;
  if (!allowed) {
    throw new DomainError(
      "origin_not_allowed",
      "This origin may not use the widget API",
      {},
      {
        vary: "Origin",
      },
    );
  }

  if (isPreflight) return preflightAnswer(context, origin);
  await next();
  corsHeaders(context.res.headers, origin);
});

function preflightAnswer(context: Context<EdgeBindings>, origin: string): Response {
  const headers = new Headers();
  corsHeaders(headers, origin);
  headers.set("access-control-allow-methods", ALLOWED_METHODS);
  headers.set("access-control-allow-headers", ALLOWED_HEADERS);
  headers.set("access-control-max-age", String(PREFLIGHT_MAX_AGE_SECONDS));
  return context.body(null, 204, Object.fromEntries(headers));
}

function corsHeaders(headers: Headers, origin: string): void {
  headers.set("access-control-allow-origin", origin);
  headers.set("access-control-expose-headers", EXPOSED_HEADERS);
  headers.append("vary", "Origin");
}

/**
 * The token named by the Authorization header wins over the query parameter: the header is what
 * authentication will check, so the allowed origins are always those of the token in use.
 */
async function accessOf(context: Context<EdgeBindings>): Promise<WidgetAccess | null> {
  const bearer = /^Bearer (\S{1,256})$/.exec(context.req.header("authorization") ?? "");
  const credential = bearer ? parseCredential(bearer[1]!) : null;
  const tokenId =
    credential?.kind === "widgetToken"
      ? credential.id
      : context.req.query(WIDGET_TOKEN_ID_PARAMETER);
  if (tokenId === undefined) return null;

  return context.get("services").widgetAccess.lookup(tokenId, context.get("requestId"));
}

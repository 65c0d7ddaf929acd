import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { randomBase32 } from "../shared/encoding";
import { REQUEST_ID_HEADER } from "../shared/http/security-headers";
import { DomainError } from "../shared/problems";
import { rateLimited } from "./auth/authenticator";
import type { EdgeBindings } from "./context";
import type { EdgeEnv } from "./env";
import { createEdgeServices, type EdgeServices } from "./services";

export const WIDGET_PATH_PREFIX = "/v1/widget/";

const servicesByEnv = new WeakMap<EdgeEnv, EdgeServices>();

/**
 * Gives every request an id, the isolate's services, and one access-log line when it ends. The
 * line names the matched route pattern, never the URL, because a query string may hold an email.
 */
export const requestContext = createMiddleware<EdgeBindings>(async (context, next) => {
  const startedMs = Date.now();
  let services = servicesByEnv.get(context.env);
  if (!services) {
    services = createEdgeServices(context.env);
    servicesByEnv.set(context.env, services);
  }
  const requestId = `req_${randomBase32(26)}`;
  context.set("requestId", requestId);
  context.set("services", services);
  context.set("logger", services.logger.child({ request_id: requestId }));

  await next();

  context.res.headers.set(REQUEST_ID_HEADER, requestId);
  const principal = context.get("principal");
  context.get("logger").log("info", "request", {
    tenant_id: principal?.tenantId,
    principal: principal?.credentialId,
    cold_verification: principal?.coldVerification,
    method: context.req.method,
    route: routePath(context, -1),
    status: context.res.status,
    duration_ms: Date.now() - startedMs,
  });
});

/**
 * Authenticates the bearer credential, then applies the per-credential request rate limit: widget
 * tokens have their own, lower limit, because one belongs to one person in a browser. A widget
 * token opens `/v1/widget/*` only; any other path answers 403, even one that does not exist.
 */
export const authenticate = createMiddleware<EdgeBindings>(async (context, next) => {
  const { authenticator } = context.get("services");
  const principal = await authenticator.authenticate(
    context.req.header("authorization"),
    context.get("requestId"),
  );
  context.set("principal", principal);

  const isWidget = principal.kind === "widget_token";
  const limiter = isWidget ? context.env.WIDGET_RATE_LIMITER : context.env.CREDENTIAL_RATE_LIMITER;
  const { success } = await limiter.limit({ key: principal.credentialId });
  if (!success) throw rateLimited();
  if (isWidget && !context.req.path.startsWith(WIDGET_PATH_PREFIX)) {
    throw new DomainError("forbidden", "This credential may not use this route");
  }

  await next();
});

import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { randomBase32 } from "../shared/encoding";
import { REQUEST_ID_HEADER } from "../shared/http/security-headers";
import { rateLimited } from "./auth/authenticator";
import type { EdgeBindings } from "./context";
import type { EdgeEnv } from "./env";
import { createEdgeServices, type EdgeServices } from "./services";

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
    method: context.req.method,
    route: routePath(context, -1),
    status: context.res.status,
    duration_ms: Date.now() - startedMs,
  });
});

/** Authenticates the bearer credential, then applies the per-credential request rate limit. */
export const authenticate = createMiddleware<EdgeBindings>(async (context, next) => {
  const { authenticator } = context.get("services");
  const principal = await authenticator.authenticate(
    context.req.header("authorization"),
    context.get("requestId"),
  );

  const { success } = await context.env.CREDENTIAL_RATE_LIMITER.limit({
    key: principal.credentialId,
  });
  if (!success) throw rateLimited();

  context.set("principal", principal);
  await next();
});

import { createMiddleware } from "hono/factory";
import { ASSERTION_HEADER, verifyAssertion } from "../../shared/assertion";
import type { ApiRoute } from "../../shared/contract";
import { REQUEST_ID_HEADER } from "../../shared/http/security-headers";
import { PLATFORM_PRINCIPAL } from "../../shared/principals";
import { DomainError } from "../../shared/problems";
import type { PlatformScope } from "../../shared/scopes";
import type { OriginBindings } from "../context";
import type { OriginEnv } from "../env";
import { createOriginServices, type OriginServices } from "../services";

const servicesByEnv = new WeakMap<OriginEnv, OriginServices>();

/** The isolate's services for these bindings, built on first use. */
export function originServices(env: OriginEnv): OriginServices {
  let services = servicesByEnv.get(env);
  if (!services) {
    services = createOriginServices(env);
    servicesByEnv.set(env, services);
  }
  return services;
}

/**
 * Nothing reaches an origin route without a valid internal assertion addressed to this region.
 * Every refusal answers the same fixed 401; why it was refused goes to the log only.
 */
export const requireAssertion = createMiddleware<OriginBindings>(async (context, next) => {
  const startedMs = Date.now();
  const services = originServices(context.env);
  context.set("services", services);
  context.set("logger", services.logger);

  const token = context.req.header(ASSERTION_HEADER);
  const claims = token
    ? await verifyAssertion(context.env.ASSERTION_PUBLIC_KEY, token, services.region).catch(
        () => null,
      )
    : null;
  if (!claims) {
    services.logger.log("warn", "assertion_refused", { route: context.req.routePath });
    throw new DomainError("unauthorized", "A valid internal assertion is required");
  }
  context.set("claims", claims);
  context.set(
    "logger",
    services.logger.child({
      request_id: claims.requestId,
      tenant_id: claims.tenantId ?? undefined,
    }),
  );

  await next();

  context.res.headers.set(REQUEST_ID_HEADER, claims.requestId);
  context.get("logger").log("info", "request", {
    principal: claims.principal,
    method: context.req.method,
    status: context.res.status,
    duration_ms: Date.now() - startedMs,
  });
});

/** Internal routes are the platform's own: never reachable with a merchant's assertion. */
export function requirePlatform(scope: PlatformScope | null) {
  return createMiddleware<OriginBindings>(async (context, next) => {
    const claims = context.get("claims");
    if (claims.principal !== PLATFORM_PRINCIPAL || claims.tenantId !== null) {
      throw new DomainError("not_found", "No such resource");
    }
    if (scope !== null && !claims.scopes.includes(scope))
      throw new DomainError("not_found", "No such resource");
    await next();
  });
}

/**
 * API routes check again what the edge checked: a tenant that exists in this region and the scope
 * the route needs. An origin trusts the assertion's signature, not the edge's diligence.
 */
export function requireTenantScope(spec: ApiRoute) {
  return createMiddleware<OriginBindings>(async (context, next) => {
    const claims = context.get("claims");
    if (
      claims.tenantId === null ||
      !(await context.get("services").tenants.exists(claims.tenantId))
    ) {
      throw new DomainError("not_found", "No such resource");
    }
    // A widget token's assertion names its customer; an API key's names none. Each opens only its
    // own routes here too, whatever the edge let through.
    const isWidget = typeof claims.customerId === "string";
    if (isWidget !== (spec.credential === "widget_token")) {
      throw new DomainError("forbidden", "This credential may not use this route");
    }
    if (spec.scope !== null && !claims.scopes.includes(spec.scope)) {
      throw new DomainError("insufficient_scope", `This route needs the ${spec.scope} scope`, {
        required_scope: spec.scope,
      });
    }
    await next();
  });
}

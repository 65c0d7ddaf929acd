import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { API_ROUTES, type ApiRoute } from "../../shared/contract";
import { noStore } from "../../shared/http/security-headers";
import { DomainError } from "../../shared/problems";
import type { EdgeBindings } from "../context";
import { authenticate } from "../middleware";
import { EDGE_PREPARERS, type PreparedRequest } from "./preparers";

/** API.md: bodies over 64 KiB answer 413. */
export const MAX_BODY_BYTES = 64 * 1024;

/** The headers a client may send that travel on to the origin; everything else stays here. */
const FORWARDED_HEADERS = ["idempotency-key"] as const;

/**
 * The public `/v1` routes. Each is validated here against the shared contract, so malformed input
 * never reaches an origin; then it is forwarded to the tenant's region with an internal assertion.
 */
export function registerApiRoutes(app: OpenAPIHono<EdgeBindings>): void {
  app.use("/v1/*", noStore);
  app.use(
    "/v1/*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new DomainError("payload_too_large", "The body exceeds 64 KiB");
      },
    }),
  );
  app.use("/v1/*", authenticate);

  for (const spec of API_ROUTES) {
    // Route middleware runs before validation: a credential without the scope learns nothing
    // about the body it sent.
    const authorizeRoute = createMiddleware<EdgeBindings>(async (context, next) => {
      authorize(spec, context.get("principal"));
      await next();
    });
    app.openapi({ ...spec.route, middleware: [authorizeRoute] }, forwardHandler(spec) as never);
  }
}

function forwardHandler(spec: ApiRoute) {
  const prepare = EDGE_PREPARERS.get(spec.route);
  return async (context: Context<EdgeBindings>) => {
    const principal = context.get("principal");
    const url = new URL(context.req.url);
    const incoming: PreparedRequest = {
      body: hasJsonBody(spec.route) ? validatedJson(context) : undefined,
      query: url.searchParams,
    };

    const prepared = prepare ? await prepare(context, incoming) : incoming;
    const query = prepared.query.toString();
    const response = await context.get("services").origins.send(
      {
        region: principal.region,
        tenantId: principal.tenantId,
        principal: principal.credentialId,
        scopes: principal.scopes,
        customerId: principal.customerId,
        requestId: context.get("requestId"),
      },
      {
        method: context.req.method,
        path: query ? `${url.pathname}?${query}` : url.pathname,
        body: prepared.body === undefined ? undefined : JSON.stringify(prepared.body),
        headers: forwardedHeaders(context),
      },
    );

    // A fetched response has immutable headers; copy it so middleware can add its own.
    return new Response(response.body, response);
  };
}

function authorize(spec: ApiRoute, principal: EdgeBindings["Variables"]["principal"]): void {
  if (principal.kind !== spec.credential) {
    throw new DomainError("forbidden", "This credential may not use this route");
  }
  if (spec.scope !== null && !principal.scopes.includes(spec.scope)) {
    throw new DomainError("insufficient_scope", `This route needs the ${spec.scope} scope`, {
      required_scope: spec.scope,
    });
  }
}

function hasJsonBody(route: RouteConfig): boolean {
  return route.request?.body?.content?.["application/json"] !== undefined;
}

function validatedJson(context: Context<EdgeBindings>): unknown {
  return (context.req as unknown as { valid(target: "json"): unknown }).valid("json");
}

function forwardedHeaders(context: Context<EdgeBindings>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of FORWARDED_HEADERS) {
    const value = context.req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

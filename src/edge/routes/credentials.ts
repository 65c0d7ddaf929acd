import type { OpenAPIHono } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { EdgeBindings } from "../context";

/**
 * API.md: a revoked key stops working at once at the edge that revoked it. The origin records the
 * revocation; this edge then drops the key's cached verdict, so its next request pays a cold
 * verification and meets `revoked_at`. Other edges drop theirs when the entry's lifetime ends.
 * Registered before the API routes, so that it wraps the forwarding handler. A change of settings
 * likewise drops this edge's cached allowed origins of the tenant.
 */
export function registerCredentialHooks(app: OpenAPIHono<EdgeBindings>): void {
  app.delete(
    "/v1/api-keys/:id",
    createMiddleware<EdgeBindings>(async (context, next) => {
      await next();

      if (context.res.status === 200) {
        context.get("services").authenticator.evict(context.req.param("id") ?? "");
      }
    }),
  );

  app.patch(
    "/v1/settings",
    createMiddleware<EdgeBindings>(async (context, next) => {
      await next();

      const principal = context.get("principal");
      if (context.res.status === 200 && principal) {
        context.get("services").widgetAccess.forgetTenant(principal.tenantId);
      }
    }),
  );
}

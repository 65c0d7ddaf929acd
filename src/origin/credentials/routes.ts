import type { OpenAPIHono } from "@hono/zod-openapi";
import {
  createApiKeyRoute,
  createWidgetTokenRoute,
  DEFAULT_PAGE_SIZE,
  DEFAULT_WIDGET_TOKEN_TTL_SECONDS,
  listApiKeysRoute,
  revokeApiKeyRoute,
} from "../../shared/contract/credentials";
import { parseId } from "../../shared/ids";
import { DomainError } from "../../shared/problems";
import { type OriginBindings, tenantOf } from "../context";
import { requirePlatform } from "../http/guard";
import { guarded } from "../http/routes";
import { SECRET_FIELDS_HEADER } from "../idempotency/middleware";

export function registerCredentialRoutes(app: OpenAPIHono<OriginBindings>): void {
  app.openapi(guarded(createApiKeyRoute), async (context) => {
    const claims = context.get("claims");
    const request = context.req.valid("json");

    const created = await context
      .get("services")
      .credentials.createApiKey(tenantOf(claims), claims.scopes, request, Date.now());

    return context.json(created, 201, { [SECRET_FIELDS_HEADER]: "key" });
  });

  app.openapi(guarded(listApiKeysRoute), async (context) => {
    const { limit, starting_after } = context.req.valid("query");

    const page = await context
      .get("services")
      .credentials.listApiKeys(
        tenantOf(context.get("claims")),
        limit ?? DEFAULT_PAGE_SIZE,
        starting_after,
      );

    return context.json(page, 200);
  });

  app.openapi(guarded(revokeApiKeyRoute), async (context) => {
    const { id } = context.req.valid("param");

    const revoked = await context
      .get("services")
      .credentials.revokeApiKey(tenantOf(context.get("claims")), id, Date.now());

    return context.json(revoked, 200);
  });

  app.openapi(guarded(createWidgetTokenRoute), async (context) => {
    const { id } = context.req.valid("param");
    const { ttl_seconds } = context.req.valid("json");

    const created = await context
      .get("services")
      .credentials.createWidgetToken(
        tenantOf(context.get("claims")),
        id,
        ttl_seconds ?? DEFAULT_WIDGET_TOKEN_TTL_SECONDS,
        Date.now(),
      );

    return context.json(created, 201, { [SECRET_FIELDS_HEADER]: "token" });
  });

  registerWidgetAccessLookup(app);
}

/**
 * What the edge needs to answer CORS for a widget token before it holds the secret: the tenant's
 * allowed origins. It carries no secret hash, so the edge can ask for it on a preflight, which has
 * no Authorization header, without any Argon2id work.
 */
function registerWidgetAccessLookup(app: OpenAPIHono<OriginBindings>): void {
  app.get(
    "/internal/widget-access/:id",
    requirePlatform("platform:credentials"),
    async (context) => {
      const id = context.req.param("id");
      const services = context.get("services");
      const parsed = parseId(id, "wtk");
      if (!parsed || parsed.region !== services.region) {
        throw new DomainError("not_found", "No such resource");
      }

      const record = await services.tenants.credential(id);
      if (record?.kind !== "widget_token") {
        throw new DomainError("not_found", "No such resource");
      }
      const settings = await services.settings.get(record.tenant_id);

      return context.json({
        tenant_id: record.tenant_id,
        allowed_origins: settings.widget.allowed_origins,
        expires_at: record.expires_at,
        revoked_at: record.revoked_at,
      });
    },
  );
}

import type { OpenAPIHono } from "@hono/zod-openapi";
import { parseId } from "../../shared/ids";
import { DomainError } from "../../shared/problems";
import type { OriginBindings } from "../context";
import { requirePlatform } from "../http/guard";

const MAX_TENANT_NAME_LENGTH = 100;

/** Routes for the platform itself: health, credential lookups for the edge, and provisioning. */
export function registerInternalRoutes(app: OpenAPIHono<OriginBindings>): void {
  app.get("/internal/health", requirePlatform(null), async (context) => {
    await context.get("services").db.run("select 1");
    return context.json({ status: "ok", region: context.get("services").region });
  });

  app.get("/internal/credentials/:id", requirePlatform("platform:credentials"), async (context) => {
    const id = context.req.param("id");
    const parsed = parseId(id);
    const services = context.get("services");
    if (!parsed || parsed.region !== services.region || !["key", "wtk"].includes(parsed.kind)) {
      throw new DomainError("not_found", "No such resource");
    }

    const record = await services.tenants.credential(id);
    if (!record) throw new DomainError("not_found", "No such resource");
    return context.json(record);
  });

  // Rotates a tenant's KEK at once, for operators and tests; the cron trigger does it otherwise.
  app.post(
    "/internal/tenants/:id/key-rotations",
    requirePlatform("platform:keys"),
    async (context) => {
      const services = context.get("services");
      const parsed = parseId(context.req.param("id"), "ten");
      if (!parsed || parsed.region !== services.region) {
        throw new DomainError("not_found", "No such resource");
      }

      const outcome = await services.rotation.rotateTenant(parsed.id, Date.now());
      return context.json(outcome);
    },
  );

  app.post("/internal/tenants", requirePlatform("platform:provision"), async (context) => {
    const body = (await context.req.json().catch(() => null)) as { name?: unknown } | null;
    const name = body?.name;
    if (typeof name !== "string" || name.length === 0 || name.length > MAX_TENANT_NAME_LENGTH) {
      throw new DomainError("validation_failed", "name must be 1 to 100 characters");
    }

    const tenant = await context.get("services").tenants.provision(name, Date.now());
    return context.json(tenant, 201);
  });
}

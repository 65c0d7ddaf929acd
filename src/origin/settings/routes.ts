import type { OpenAPIHono } from "@hono/zod-openapi";
import { getSettingsRoute, patchSettingsRoute } from "../../shared/contract/settings";
import { type OriginBindings, tenantOf } from "../context";
import { guarded } from "../http/routes";

export function registerSettingsRoutes(app: OpenAPIHono<OriginBindings>): void {
  app.openapi(guarded(getSettingsRoute), async (context) => {
    const settings = await context.get("services").settings.get(tenantOf(context.get("claims")));
    return context.json(settings, 200);
  });

  app.openapi(guarded(patchSettingsRoute), async (context) => {
    const patch = context.req.valid("json");

    const settings = await context
      .get("services")
      .settings.patch(tenantOf(context.get("claims")), patch, Date.now());

    return context.json(settings, 200);
  });
}

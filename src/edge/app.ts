import { OpenAPIHono } from "@hono/zod-openapi";
import { problemErrorHandler, problemNotFound } from "../shared/http/problem-handling";
import { securityHeaders } from "../shared/http/security-headers";
import { validationHook } from "../shared/http/validation";
import { registerBenchRoutes } from "./bench/routes";
import type { EdgeBindings } from "./context";
import { requestContext } from "./middleware";
import { registerApiRoutes } from "./routes/api";
import { registerCredentialHooks } from "./routes/credentials";
import { registerPublicRoutes } from "./routes/public";
import { registerWidgetRoutes } from "./routes/widget";

/** HTML served by the edge loads only its own scripts and styles. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function createEdgeApp(): OpenAPIHono<EdgeBindings> {
  const app = new OpenAPIHono<EdgeBindings>({ defaultHook: validationHook as never });

  app.use("*", requestContext);
  app.use("*", securityHeaders(CONTENT_SECURITY_POLICY));
  app.onError(problemErrorHandler((context) => context.get("logger")));
  app.notFound(problemNotFound);

  registerPublicRoutes(app);
  registerWidgetRoutes(app);
  registerCredentialHooks(app);
  registerApiRoutes(app);
  registerBenchRoutes(app);
  registerOpenApiDocument(app);

  return app;
}

function registerOpenApiDocument(app: OpenAPIHono<EdgeBindings>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "A merchant API key (`lk_…`) or, under /v1/widget, a widget token (`wt_…`).",
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "LoyaltyOS API",
      version: "1",
      description: "Multi-tenant loyalty points with an append-only ledger and erasable PII.",
    },
  });
}

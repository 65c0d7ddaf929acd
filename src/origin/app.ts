import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { problemErrorHandler, problemNotFound } from "../shared/http/problem-handling";
import { validationHook } from "../shared/http/validation";
import { DomainError } from "../shared/problems";
import { registerBenchRoutes } from "./bench/routes";
import type { OriginBindings } from "./context";
import { registerCredentialRoutes } from "./credentials/routes";
import { registerCustomerRoutes } from "./customers/routes";
import { requireAssertion } from "./http/guard";
import { idempotency } from "./idempotency/middleware";
import { registerInternalRoutes } from "./internal/routes";
import { registerLedgerRoutes } from "./ledger/routes";
import { registerSettingsRoutes } from "./settings/routes";
import { registerWidgetRoutes } from "./widget/routes";

/** The edge already refuses larger bodies; the origin holds the same line on its own. */
const MAX_BODY_BYTES = 64 * 1024;

export function createOriginApp(): OpenAPIHono<OriginBindings> {
  const app = new OpenAPIHono<OriginBindings>({ defaultHook: validationHook as never });

  app.onError(problemErrorHandler((context) => context.get("logger")));
  app.notFound(problemNotFound);
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new DomainError("payload_too_large", "The body exceeds 64 KiB");
      },
    }),
  );
  app.use("*", requireAssertion);
  app.use("/v1/*", idempotency);

  registerInternalRoutes(app);
  registerSettingsRoutes(app);
  registerCredentialRoutes(app);
  registerWidgetRoutes(app);
  registerCustomerRoutes(app);
  registerLedgerRoutes(app);
  registerBenchRoutes(app);

  return app;
}

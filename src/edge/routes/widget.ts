import type { OpenAPIHono } from "@hono/zod-openapi";
import type { EdgeBindings } from "../context";
import { widgetCors } from "../widget/cors";
import { WIDGET_SCRIPT } from "../widget/script";

/** Browsers and shared caches may keep the widget script this long before asking again. */
export const WIDGET_SCRIPT_MAX_AGE_SECONDS = 300;

/**
 * The widget's part of the edge: CORS for `/v1/widget/*`, registered before the API routes so that
 * a preflight is answered before authentication, and the `/widget.js` script itself.
 */
export function registerWidgetRoutes(app: OpenAPIHono<EdgeBindings>): void {
  app.use("/v1/widget/*", widgetCors);

  app.get("/widget.js", (context) =>
    context.body(WIDGET_SCRIPT, 200, {
      "content-type": "text/javascript; charset=utf-8",
      "cache-control": `public, max-age=${WIDGET_SCRIPT_MAX_AGE_SECONDS}`,
      // Merchant pages load the script from another origin, also under Cross-Origin-Embedder-Policy.
      "cross-origin-resource-policy": "cross-origin",
    }),
  );
}

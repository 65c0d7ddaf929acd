import type { OpenAPIHono } from "@hono/zod-openapi";
import { healthRoute } from "../../shared/contract/public";
import { PLATFORM_PRINCIPAL } from "../../shared/principals";
import { REGIONS, type Region } from "../../shared/regions";
import type { EdgeBindings } from "../context";
import type { OriginClient } from "../transport/origin-client";
import { DOCS_HTML, DOCS_SCRIPT, DOCS_STYLE } from "./docs-page";

/** A region that has not answered a health check within this time is reported down. */
export const HEALTH_TIMEOUT_MS = 2_000;

/**
 * RFC 9116 §2.5.5: Expires is required and should be less than a year ahead. It is a fixed date,
 * renewed by a person, so that the file never claims more than somebody stands behind; a test
 * fails when it comes within 30 days.
 */
export const SECURITY_TXT_EXPIRES = "2027-11-30T00:00:00.000Z";
export const DEFAULT_SECURITY_CONTACT = "mailto:security@loyaltyos.dev";

export function registerPublicRoutes(app: OpenAPIHono<EdgeBindings>): void {
  app.openapi(healthRoute, async (context) => {
    const statuses = await Promise.all(
      REGIONS.map((region) =>
        regionStatus(context.get("services").origins, region, context.get("requestId")),
      ),
    );
    const regions = Object.fromEntries(REGIONS.map((region, index) => [region, statuses[index]!]));
    const allUp = statuses.every((status) => status === "ok");

    return context.json({ status: allUp ? "ok" : "degraded", regions } as never, allUp ? 200 : 503);
  });

  app.get("/.well-known/security.txt", (context) => {
    const host = new URL(context.req.url).host;
    const lines = [
      `Contact: ${context.env.SECURITY_CONTACT ?? DEFAULT_SECURITY_CONTACT}`,
      `Expires: ${SECURITY_TXT_EXPIRES}`,
      `Canonical: https://${host}/.well-known/security.txt`,
      `Policy: https://${host}/docs#security-policy`,
      "Preferred-Languages: en",
    ];
    return context.text(`${lines.join("\n")}\n`, 200, { "cache-control": "max-age=86400" });
  });

  app.get("/docs", (context) => context.html(DOCS_HTML));
  app.get("/docs/app.js", (context) =>
    context.body(DOCS_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" }),
  );
  app.get("/docs/app.css", (context) =>
    context.body(DOCS_STYLE, 200, { "content-type": "text/css; charset=utf-8" }),
  );
}

async function regionStatus(origins: OriginClient, region: Region, requestId: string) {
  try {
    const response = await origins.send(
      { region, tenantId: null, principal: PLATFORM_PRINCIPAL, scopes: [], requestId },
      { method: "GET", path: "/internal/health", timeoutMs: HEALTH_TIMEOUT_MS },
    );
    return response.ok ? ("ok" as const) : ("down" as const);
  } catch {
    return "down" as const;
  }
}

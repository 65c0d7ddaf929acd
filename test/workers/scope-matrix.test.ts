import type { RouteConfig } from "@hono/zod-openapi";
import { beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES } from "../../src/shared/contract";
import { type IdKind, makeId } from "../../src/shared/ids";
import type { Region } from "../../src/shared/regions";
import { SCOPES, type Scope } from "../../src/shared/scopes";
import { type CreatedKey, createKey } from "./credentials-helpers";
import { call, problemCode, provisionTenant, type TestTenant } from "./helpers";

/** The kind of id a path parameter takes, from the collection segment in front of it. */
const ID_KIND_BY_SEGMENT: Record<string, IdKind> = {
  customers: "cus",
  entries: "ent",
  redemptions: "ent",
  "api-keys": "key",
  webhooks: "whe",
  "webhook-endpoints": "whe",
  exports: "exp",
};

/** A concrete path for a route: every `{param}` becomes a well-formed id that does not exist. */
function samplePath(route: RouteConfig, region: Region): string {
  const segments = route.path.split("/");
  return segments
    .map((segment, index) => {
      if (!segment.startsWith("{")) return segment;
      const kind = ID_KIND_BY_SEGMENT[segments[index - 1] ?? ""] ?? "ent";
      return makeId(kind, region);
    })
    .join("/");
}

/**
 * Every route in API_ROUTES, so routes added later are covered without touching this file, against
 * a key holding exactly one scope. The body is left out on purpose: a route the key may use then
 * answers 400 (or 404, or 200) without changing anything, while one it may not use answers 403
 * before the body is even read.
 */
describe("scope matrix: every route against every scope", () => {
  let tenant: TestTenant;
  const keys = new Map<Scope, CreatedKey>();

  beforeAll(async () => {
    tenant = await provisionTenant("eu");
    for (const scope of SCOPES) keys.set(scope, await createKey(tenant, [scope], scope));
  }, 120_000);

  for (const spec of API_ROUTES) {
    const method = spec.route.method.toUpperCase();
    for (const scope of SCOPES) {
      const allowed =
        spec.credential === "api_key" && (spec.scope === null || spec.scope === scope);
      it(`${method} ${spec.route.path} with only ${scope}: ${allowed ? "allowed" : "403"}`, async () => {
        const response = await call(samplePath(spec.route, tenant.region), {
          method,
          key: keys.get(scope)!.key,
        });

        if (allowed) {
          expect([401, 403, 500]).not.toContain(response.status);
        } else {
          expect(response.status).toBe(403);
          const code = await problemCode(response);
          expect(code).toBe(spec.credential === "api_key" ? "insufficient_scope" : "forbidden");
        }
      });
    }
  }
});

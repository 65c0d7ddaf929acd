import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { call, provisionTenant, type TestTenant } from "./helpers";

let tenant: TestTenant;

beforeAll(async () => {
  tenant = await provisionTenant("eu");
});

const paths = fc.oneof(
  fc.constantFrom(
    "/v1/settings",
    "/v1/settings/",
    "/v1/settings?x=%ff",
    "/v1//settings",
    "/v1/customers/cus_eu_x",
    "/healthz",
    "/openapi.json",
    "/v1/%00",
  ),
  fc.webPath().map((path) => `/v1${path}`),
);

const bodies = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify({ widget: value })),
  fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify({ points_expiry_days: value })),
);

const contentTypes = fc.constantFrom(
  "application/json",
  "application/merge-patch+json",
  "text/plain",
  "application/json; charset=latin1",
  "multipart/form-data; boundary=x",
);

describe("robustness: malformed input of every kind", () => {
  it("never answers 500, and every refusal is a problem document", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS"),
        paths,
        bodies,
        contentTypes,
        fc.option(
          fc.string({ minLength: 1, maxLength: 300 }).filter((v) => /^[\x20-\x7e]+$/.test(v)),
        ),
        async (method, path, body, contentType, idempotencyKey) => {
          const hasBody = body !== undefined && !["GET", "DELETE"].includes(method);
          const response = await call(path, {
            method,
            key: tenant.apiKey,
            rawBody: hasBody ? body : undefined,
            headers: {
              ...(hasBody ? { "content-type": contentType } : {}),
              ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
            },
          });

          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.headers.get("content-type")).toBe("application/problem+json");
            const problem = (await response.json()) as { code: string; status: number };
            expect(problem.status).toBe(response.status);
            expect(typeof problem.code).toBe("string");
          } else {
            await response.body?.cancel();
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createEdgeApp } from "../../src/edge/app";
import { API_ROUTES } from "../../src/shared/contract";
import { call, problemCode, provisionTenant } from "./helpers";

const DAY_MS = 24 * 60 * 60 * 1000;

describe("public routes: health", () => {
  it("answers ok for the edge and every region when all origins answer", async () => {
    const response = await call("/healthz");

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: "ok",
      regions: { us: "ok", eu: "ok", apac: "ok" },
    });
  });

  it("answers 503 and marks the region down when its origin does not answer", async () => {
    const unreachable = { fetch: () => Promise.reject(new Error("connection refused")) };
    const app = createEdgeApp();

    const response = await app.fetch(new Request("https://api.loyaltyos.test/healthz"), {
      ...env,
      ORIGIN_APAC: unreachable,
    });

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "degraded",
      regions: { us: "ok", eu: "ok", apac: "down" },
    });
  });

  it("answers 503 origin_unavailable with Retry-After when the tenant's region is down", async () => {
    const tenant = await provisionTenant("eu");
    const unreachable = { fetch: () => Promise.reject(new Error("connection refused")) };
    const app = createEdgeApp();

    const response = await app.fetch(
      new Request("https://api.loyaltyos.test/v1/settings", {
        headers: { authorization: `Bearer ${tenant.apiKey}` },
      }),
      { ...env, ORIGIN_EU: unreachable },
    );

    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await problemCode(response)).toBe("origin_unavailable");
  });
});

describe("public routes: security.txt (RFC 9116)", () => {
  it("names every field the API promises", async () => {
    const response = await call("/.well-known/security.txt");
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    for (const field of ["Contact", "Expires", "Canonical", "Policy", "Preferred-Languages"]) {
      expect(text).toMatch(new RegExp(`^${field}: \\S+`, "m"));
    }
    expect(text).toContain("Canonical: https://api.loyaltyos.test/.well-known/security.txt");
  });

  it("expires within a year and not within the next 30 days (renew it before then)", async () => {
    const text = await (await call("/.well-known/security.txt")).text();
    const expires = Date.parse(/^Expires: (.+)$/m.exec(text)?.[1] ?? "");

    expect(expires - Date.now()).toBeGreaterThan(30 * DAY_MS);
    expect(expires - Date.now()).toBeLessThan(366 * DAY_MS);
  });
});

describe("public routes: OpenAPI and docs", () => {
  it("serves an OpenAPI 3.1 document with every API route and its method", async () => {
    const document = (await (await call("/openapi.json")).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };

    expect(document.openapi).toBe("3.1.0");
    for (const { route } of API_ROUTES) {
      expect(document.paths[route.path]?.[route.method]).toBeDefined();
    }
  });

  it("renders /docs under a strict Content-Security-Policy with its own script only", async () => {
    const page = await call("/docs");
    const script = await call("/docs/app.js");

    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("content-security-policy")).not.toContain("unsafe-inline");
    expect(await page.text()).toContain('<script src="/docs/app.js"');
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(await script.text()).toContain("openapi.json");
  });
});

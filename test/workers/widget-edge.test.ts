import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ASSERTION_HEADER, signAssertion } from "../../src/shared/assertion";
import { API_ROUTES } from "../../src/shared/contract";
import { makeId } from "../../src/shared/ids";
import { SCOPES } from "../../src/shared/scopes";
import { TEST_RATE_LIMITS } from "../rate-limits";
import { createKey, insertWidgetToken, setWidgetSettings } from "./credentials-helpers";
import { call, origin, problemCode, provisionTenant } from "./helpers";

const SHOP = "https://shop.example";
const HOUR_MS = 3_600_000;

function preflight(path: string, origin: string): Promise<Response> {
  return call(path, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization, content-type, idempotency-key",
    },
  });
}

describe("widget tokens at the edge: security", () => {
  it("answers 403 for a widget token on every route that is not under /v1/widget", async () => {
    const tenant = await provisionTenant("eu");
    const { token } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);

    for (const spec of API_ROUTES.filter((route) => route.credential === "api_key")) {
      const path = spec.route.path.replace(/\{[^}]+\}/g, makeId("cus", "eu"));
      const method = spec.route.method.toUpperCase();
      const response = await call(path, {
        method,
        key: token,
        idempotencyKey: crypto.randomUUID(),
        body: ["GET", "DELETE"].includes(method)
          ? undefined
          : { name: "x", scopes: ["keys:write"] },
      });
      expect(response.status, `${spec.route.method} ${spec.route.path}`).toBe(403);
      expect(await problemCode(response)).toBe("forbidden");
    }
  });

  it("answers 403 for a widget token on a path that does not exist, not 404", async () => {
    const tenant = await provisionTenant("us");
    const { token } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);

    for (const path of ["/v1/nothing-here", "/v1/widgets/me", "/v1/widget"]) {
      const response = await call(path, { key: token });
      expect(response.status, path).toBe(403);
    }
  });

  it("cannot create API keys, change settings or mint widget tokens with a widget token", async () => {
    const tenant = await provisionTenant("eu");
    const { token } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);
    const attempts = [
      { path: "/v1/api-keys", method: "POST", body: { name: "x", scopes: ["keys:write"] } },
      { path: "/v1/settings", method: "PATCH", body: { widget: { redemption_floor: 0 } } },
      {
        path: `/v1/customers/${makeId("cus", "eu")}/widget-tokens`,
        method: "POST",
        body: {},
      },
    ];

    for (const attempt of attempts) {
      const response = await call(attempt.path, {
        ...attempt,
        key: token,
        idempotencyKey: crypto.randomUUID(),
      });
      expect(response.status).toBe(403);
    }
    const settings = await (await call("/v1/settings", { key: tenant.apiKey })).json();
    expect(settings).toMatchObject({ widget: { redemption_floor: 0 } });
    const keys = (await (await call("/v1/api-keys", { key: tenant.apiKey })).json()) as {
      data: unknown[];
    };
    expect(keys.data).toHaveLength(1);
  });

  it("refuses an expired widget token with 401, also once its verdict was cached", async () => {
    const tenant = await provisionTenant("eu");
    const { customerId } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);
    const expiresAtMs = Date.now() + 3_000;
    const { token } = await insertWidgetToken(tenant, expiresAtMs, customerId);
    const before = await call("/v1/settings", { key: token });
    expect(before.status).toBe(403);

    await new Promise((resolve) => setTimeout(resolve, expiresAtMs - Date.now() + 200));
    const after = await call("/v1/settings", { key: token });

    expect(after.status).toBe(401);
    expect(await problemCode(after)).toBe("unauthorized");
  });

  it("refuses a widget token that expired before it was ever used", async () => {
    const tenant = await provisionTenant("apac");
    const { token } = await insertWidgetToken(tenant, Date.now() - 1_000);

    const response = await call("/v1/widget/me", { key: token });

    expect(response.status).toBe(401);
  });
});

describe("widget CORS: preflight", () => {
  it("answers a preflight from an allowed origin at the edge with that origin only", async () => {
    const tenant = await provisionTenant("eu");
    await setWidgetSettings(tenant, { allowed_origins: [SHOP, "https://other.example"] });
    const { tokenId } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);

    const response = await preflight(`/v1/widget/redemptions?token_id=${tokenId}`, SHOP);

    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(response.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(response.headers.get("access-control-allow-headers")).toContain("idempotency-key");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("vary")).toContain("Origin");
  });

  it("refuses a preflight from an origin the tenant has not allowed", async () => {
    const tenant = await provisionTenant("eu");
    await setWidgetSettings(tenant, { allowed_origins: [SHOP] });
    const { tokenId } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);

    for (const origin of ["https://evil.example", "http://shop.example", `${SHOP}.evil.example`]) {
      const response = await preflight(`/v1/widget/me?token_id=${tokenId}`, origin);
      expect(response.status, origin).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("refuses a preflight by default, when the tenant allows no origin", async () => {
    const tenant = await provisionTenant("us");
    const { tokenId } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);

    const response = await preflight(`/v1/widget/me?token_id=${tokenId}`, SHOP);

    expect(response.status).toBe(403);
  });

  it("refuses a preflight without a token id, with an unknown one, or an expired one", async () => {
    const tenant = await provisionTenant("eu");
    await setWidgetSettings(tenant, { allowed_origins: [SHOP] });
    const expired = await insertWidgetToken(tenant, Date.now() - 1_000);
    const paths = [
      "/v1/widget/me",
      `/v1/widget/me?token_id=${makeId("wtk", "eu")}`,
      `/v1/widget/me?token_id=${tenant.keyId}`,
      "/v1/widget/me?token_id=not-an-id",
      `/v1/widget/me?token_id=${expired.tokenId}`,
    ];

    for (const path of paths) {
      const response = await preflight(path, SHOP);
      expect(response.status, path).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("uses the allowed origins of the token's own tenant, never another tenant's", async () => {
    const victim = await provisionTenant("eu");
    const attacker = await provisionTenant("eu");
    await setWidgetSettings(attacker, { allowed_origins: ["https://evil.example"] });
    await setWidgetSettings(victim, { allowed_origins: [SHOP] });
    const victimToken = await insertWidgetToken(victim, Date.now() + HOUR_MS);
    const attackerToken = await insertWidgetToken(attacker, Date.now() + HOUR_MS);

    // The bearer is the victim's token; the query names the attacker's, whose origins differ.
    const response = await call(`/v1/widget/me?token_id=${attackerToken.tokenId}`, {
      key: victimToken.token,
      headers: { origin: "https://evil.example" },
    });

    expect(response.status).toBe(403);
    expect(await problemCode(response)).toBe("origin_not_allowed");
  });
});

describe("widget CORS: requests", () => {
  it("stops an origin at once at this edge when the tenant removes it", async () => {
    const tenant = await provisionTenant("eu");
    await setWidgetSettings(tenant, { allowed_origins: [SHOP] });
    const { tokenId } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);
    const path = `/v1/widget/me?token_id=${tokenId}`;
    expect((await preflight(path, SHOP)).status).toBe(204);

    await setWidgetSettings(tenant, { allowed_origins: ["https://new-shop.example"] });

    expect((await preflight(path, SHOP)).status).toBe(403);
    expect((await preflight(path, "https://new-shop.example")).status).toBe(204);
  });

  it("refuses a request from a origin that is not allowed before it reaches the region", async () => {
    const tenant = await provisionTenant("eu");
    await setWidgetSettings(tenant, { allowed_origins: [SHOP] });
    const { token } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);

    const response = await call("/v1/widget/redemptions", {
      method: "POST",
      key: token,
      idempotencyKey: crypto.randomUUID(),
      body: { points: 1 },
      headers: { origin: "https://evil.example" },
    });

    expect(response.status).toBe(403);
    expect(await problemCode(response)).toBe("origin_not_allowed");
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("marks an allowed origin's answers, errors included, as readable by that origin", async () => {
    const tenant = await provisionTenant("eu");
    await setWidgetSettings(tenant, { allowed_origins: [SHOP] });
    const { token } = await insertWidgetToken(tenant, Date.now() + HOUR_MS);

    const response = await call("/v1/settings", { key: token, headers: { origin: SHOP } });

    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    const widget = await call("/v1/widget/nothing", { key: token, headers: { origin: SHOP } });
    expect(widget.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(widget.headers.get("access-control-expose-headers")).toContain("retry-after");
  });

  it("refuses an API key used from a browser on the widget API", async () => {
    const tenant = await provisionTenant("us");
    await setWidgetSettings(tenant, { allowed_origins: [SHOP] });

    const response = await call("/v1/widget/me", { key: tenant.apiKey, headers: { origin: SHOP } });

    expect(response.status).toBe(403);
  });
});

/**
 * Calls until the first 429. The limiter counts in fixed one-minute windows, so a run that crosses
 * a window boundary may need up to twice the limit; more than that means there is no limit.
 */
async function callUntilLimited(limit: number, send: () => Promise<Response>) {
  const statuses: number[] = [];
  for (let index = 0; index <= 2 * limit + 1; index++) {
    const response = await send();
    statuses.push(response.status);
    if (response.status === 429) return { statuses, limited: response };
  }
  return { statuses, limited: null };
}

describe("rate limits", () => {
  it("limits each widget token on its own, answering 429 with Retry-After", async () => {
    const tenant = await provisionTenant("eu");
    const limitedToken = await insertWidgetToken(tenant, Date.now() + HOUR_MS);
    const other = await insertWidgetToken(tenant, Date.now() + HOUR_MS, limitedToken.customerId);

    const { statuses, limited } = await callUntilLimited(TEST_RATE_LIMITS.widgetPerMinute, () =>
      call("/v1/settings", { key: limitedToken.token }),
    );
    const fresh = await call("/v1/settings", { key: other.token });

    expect(limited).not.toBeNull();
    expect(statuses.length).toBeGreaterThan(TEST_RATE_LIMITS.widgetPerMinute);
    expect(statuses.slice(0, -1).every((status) => status === 403)).toBe(true);
    expect(await problemCode(limited!)).toBe("rate_limited");
    expect(limited!.headers.get("retry-after")).toBe("60");
    expect(fresh.status).toBe(403);
  });

  it("limits each API key on its own, answering 429 with Retry-After", async () => {
    const tenant = await provisionTenant("us");
    const limitedKey = await createKey(tenant, ["ledger:read"]);

    // A route this key may not use answers at the edge, so the loop costs no region calls.
    const { statuses, limited } = await callUntilLimited(TEST_RATE_LIMITS.credentialPerMinute, () =>
      call("/v1/api-keys", { key: limitedKey.key }),
    );
    const other = await call("/v1/api-keys", { key: tenant.apiKey });

    expect(limited).not.toBeNull();
    expect(statuses.length).toBeGreaterThan(TEST_RATE_LIMITS.credentialPerMinute);
    expect(limited!.headers.get("retry-after")).toBe("60");
    expect(other.status).toBe(200);
  });
});

describe("widget tokens at the origin: security", () => {
  it("refuses a widget token's assertion on merchant routes and an API key's on widget routes", async () => {
    const tenant = await provisionTenant("eu");
    const sign = (customerId: string | null) =>
      signAssertion(env.ASSERTION_SIGNING_KEY, {
        region: "eu",
        tenantId: tenant.tenantId,
        principal: customerId ? makeId("wtk", "eu") : tenant.keyId,
        scopes: customerId ? [] : [...SCOPES],
        customerId,
        requestId: `test-${crypto.randomUUID()}`,
      });

    const asWidget = await origin("eu").fetch("https://origin.internal/v1/settings", {
      headers: { [ASSERTION_HEADER]: await sign(makeId("cus", "eu")) },
    });
    const asKey = await origin("eu").fetch("https://origin.internal/v1/widget/me", {
      headers: { [ASSERTION_HEADER]: await sign(null) },
    });

    expect(asWidget.status).toBe(403);
    expect(await problemCode(asWidget)).toBe("forbidden");
    expect(asKey.status).toBe(403);
    expect(await problemCode(asKey)).toBe("forbidden");
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import {
  call,
  createKeyWithScopes,
  newIdempotencyKey,
  problemCode,
  provisionTenant,
  REGION_DATABASES,
  type TestTenant,
} from "./helpers";

const DEFAULTS = {
  points_expiry_days: null,
  widget: { redemption_floor: 0, reversal_window_seconds: 900, allowed_origins: [] },
};

function patch(key: string, body: unknown, idempotencyKey = newIdempotencyKey()) {
  return call("/v1/settings", { method: "PATCH", key, body, idempotencyKey });
}

describe("settings: happy path", () => {
  it("answers the defaults API.md names for a new tenant", async () => {
    const tenant = await provisionTenant("eu");

    const response = await call("/v1/settings", { key: tenant.apiKey });

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual(DEFAULTS);
  });

  it("merges a patch: fields left out keep their value", async () => {
    const tenant = await provisionTenant("us");
    await patch(tenant.apiKey, { points_expiry_days: 365 });

    const response = await patch(tenant.apiKey, {
      widget: { redemption_floor: 100, allowed_origins: ["https://shop.example"] },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      points_expiry_days: 365,
      widget: {
        redemption_floor: 100,
        reversal_window_seconds: 900,
        allowed_origins: ["https://shop.example"],
      },
    });
  });

  it("sets points_expiry_days back to null when the patch says null", async () => {
    const tenant = await provisionTenant("apac");
    await patch(tenant.apiKey, { points_expiry_days: 30 });

    const response = await patch(tenant.apiKey, { points_expiry_days: null });

    expect(
      ((await response.json()) as { points_expiry_days: unknown }).points_expiry_days,
    ).toBeNull();
  });

  it("accepts the merge-patch media type", async () => {
    const tenant = await provisionTenant("eu");

    const response = await call("/v1/settings", {
      method: "PATCH",
      key: tenant.apiKey,
      idempotencyKey: newIdempotencyKey(),
      rawBody: JSON.stringify({ widget: { reversal_window_seconds: 60 } }),
      headers: { "content-type": "application/merge-patch+json" },
    });

    expect(response.status).toBe(200);
  });
});

describe("settings: residency", () => {
  it("writes an EU tenant's settings to the EU database only", async () => {
    const tenant = await provisionTenant("eu");

    await patch(tenant.apiKey, { widget: { redemption_floor: 77 } });

    const query = "SELECT redemption_floor FROM tenant_settings WHERE tenant_id = ?";
    const eu = await REGION_DATABASES.eu.prepare(query).bind(tenant.tenantId).first();
    expect(eu).toEqual({ redemption_floor: 77 });
    for (const other of [REGION_DATABASES.us, REGION_DATABASES.apac]) {
      expect(await other.prepare(query).bind(tenant.tenantId).first()).toBeNull();
      const tenantRow = await other
        .prepare("SELECT id FROM tenants WHERE id = ?")
        .bind(tenant.tenantId)
        .first();
      expect(tenantRow).toBeNull();
    }
  });
});

describe("settings: errors", () => {
  // One tenant serves every refused write: if any of them changed anything, the defaults check
  // in the others would see it.
  let shared: TestTenant;
  beforeAll(async () => {
    shared = await provisionTenant("eu");
  });

  it.each([
    ["an unknown field", { colour: "red" }],
    ["an unknown nested field", { widget: { colour: "red" } }],
    ["a wrong type", { points_expiry_days: "thirty" }],
    ["a fractional number", { points_expiry_days: 1.5 }],
    ["a negative floor", { widget: { redemption_floor: -1 } }],
    ["a floor above 10^9", { widget: { redemption_floor: 1_000_000_001 } }],
    ["a window over a day", { widget: { reversal_window_seconds: 86_401 } }],
    ["an origin with a path", { widget: { allowed_origins: ["https://shop.example/page"] } }],
    ["a plain-http origin", { widget: { allowed_origins: ["http://shop.example"] } }],
    ["too many origins", { widget: { allowed_origins: Array(21).fill("https://a.example") } }],
    ["an array body", [1, 2, 3]],
    ["a null body", null],
  ])("refuses %s with 400 validation_failed and changes nothing", async (_, body) => {
    const response = await patch(shared.apiKey, body);

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe("validation_failed");
    const after = await call("/v1/settings", { key: shared.apiKey });
    expect(await after.json()).toEqual(DEFAULTS);
  });

  it("names the unknown field in the problem", async () => {
    const response = await patch(shared.apiKey, { widget: { colour: "red" } });

    const problem = (await response.json()) as { errors: { path: string; message: string }[] };
    expect(problem.errors).toContainEqual({ path: "json.widget.colour", message: "unknown field" });
  });

  it("refuses a write with 403 insufficient_scope when the key lacks settings:write", async () => {
    const tenant = await provisionTenant("eu");
    const readOnly = await createKeyWithScopes(tenant, ["ledger:read"]);

    const denied = await patch(readOnly, { points_expiry_days: 10 });
    const allowed = await call("/v1/settings", { key: readOnly });

    expect(denied.status).toBe(403);
    expect(await problemCode(denied)).toBe("insufficient_scope");
    expect(allowed.status).toBe(200);
  });

  it("checks the scope before the body, so a denied caller learns nothing about its input", async () => {
    const tenant = await provisionTenant("eu");
    const readOnly = await createKeyWithScopes(tenant, []);

    const response = await patch(readOnly, { nonsense: true });

    expect(response.status).toBe(403);
  });
});

import { describe, expect, it } from "vitest";
import { parseCredential } from "../../src/shared/credentials";
import { makeId } from "../../src/shared/ids";
import { createKey } from "./credentials-helpers";
import { createdCustomer, uniqueEmail } from "./customer-support";
import { call, problemCode, provisionTenant, REGION_DATABASES, type TestTenant } from "./helpers";

function createToken(tenant: TestTenant, customerId: string, body: unknown, key = tenant.apiKey) {
  return call(`/v1/customers/${customerId}/widget-tokens`, {
    method: "POST",
    key,
    idempotencyKey: crypto.randomUUID(),
    body,
  });
}

describe("widget tokens: happy path", () => {
  it("creates a token bound to one customer that lives one hour by default", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    const startedMs = Date.now();

    const response = await createToken(tenant, customer.id, {});

    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, string>;
    expect(body.customer_id).toBe(customer.id);
    const parsed = parseCredential(body.token!);
    expect(parsed).toMatchObject({ kind: "widgetToken", region: "eu", id: body.token_id });
    const lifetimeMs = Date.parse(body.expires_at!) - startedMs;
    expect(lifetimeMs).toBeGreaterThan(3_595_000);
    expect(lifetimeMs).toBeLessThan(3_605_000);
    const row = await REGION_DATABASES.eu
      .prepare("select kind, customer_id, scopes, secret_hash from credentials where id = ?")
      .bind(body.token_id)
      .first<Record<string, string>>();
    expect(row).toMatchObject({ kind: "widget_token", customer_id: customer.id, scopes: "[]" });
    expect(row?.secret_hash).toMatch(/^\$argon2id\$/);
  });

  it("honours a ttl from 60 to 86,400 seconds", async () => {
    const tenant = await provisionTenant("us");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });

    for (const ttl of [60, 86_400]) {
      const startedMs = Date.now();
      const response = await createToken(tenant, customer.id, { ttl_seconds: ttl });
      const body = (await response.json()) as { expires_at: string };
      expect(response.status).toBe(201);
      expect(Math.abs(Date.parse(body.expires_at) - startedMs - ttl * 1000)).toBeLessThan(5_000);
    }
  });

  it("replays a creation without the token, which is never stored", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    const request = {
      method: "POST",
      key: tenant.apiKey,
      idempotencyKey: crypto.randomUUID(),
      body: {},
    };

    const first = await call(`/v1/customers/${customer.id}/widget-tokens`, request);
    const replay = await call(`/v1/customers/${customer.id}/widget-tokens`, request);

    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(await replay.json()).toMatchObject({ token: null, customer_id: customer.id });
  });
});

describe("widget tokens: errors", () => {
  it("refuses a ttl outside 60 to 86,400 seconds, or not a whole number, with 400", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });

    for (const ttl_seconds of [59, 86_401, 0, -5, 120.5, "3600", null]) {
      const response = await createToken(tenant, customer.id, { ttl_seconds });
      expect(response.status, String(ttl_seconds)).toBe(400);
      expect(await problemCode(response)).toBe("validation_failed");
    }
    const unknownField = await createToken(tenant, customer.id, { customer_id: "x" });
    expect(unknownField.status).toBe(400);
  });

  it("answers 410 for an erased customer and 404 for one that does not exist", async () => {
    const tenant = await provisionTenant("apac");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    await call(`/v1/customers/${customer.id}`, { method: "DELETE", key: tenant.apiKey });

    const erased = await createToken(tenant, customer.id, {});
    const missing = await createToken(tenant, makeId("cus", "apac"), {});

    expect(erased.status).toBe(410);
    expect(await problemCode(erased)).toBe("customer_erased");
    expect(missing.status).toBe(404);
  });
});

describe("widget tokens: security", () => {
  it("answers 404 for another tenant's customer, in the same region or another", async () => {
    const owner = await provisionTenant("eu");
    const customer = await createdCustomer(owner, { email: uniqueEmail() });

    for (const attacker of [await provisionTenant("eu"), await provisionTenant("us")]) {
      const response = await createToken(attacker, customer.id, {});
      expect(response.status).toBe(404);
      expect(await problemCode(response)).toBe("not_found");
    }
  });

  it("needs customers:write", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    const reader = await createKey(tenant, ["customers:read", "ledger:write"]);

    const response = await createToken(tenant, customer.id, {}, reader.key);

    expect(response.status).toBe(403);
    expect(await problemCode(response)).toBe("insufficient_scope");
  });

  it("stops a customer's widget token once the customer is erased", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    const created = (await (await createToken(tenant, customer.id, {})).json()) as {
      token: string;
    };

    await call(`/v1/customers/${customer.id}`, { method: "DELETE", key: tenant.apiKey });
    // A fresh token of an erased customer cannot be made, and an existing one fails its next cold
    // verification; this edge has never cached it, so that is this request.
    const response = await call("/v1/widget/me", { key: created.token });

    expect(response.status).toBe(401);
  });
});

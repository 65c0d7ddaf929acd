import { expect } from "vitest";
import { makeCredential } from "../../src/shared/credentials";
import type { Scope } from "../../src/shared/scopes";
import { hashSecret } from "../../src/shared/secret-hash";
import { createdCustomer, uniqueEmail } from "./customer-support";
import { call, REGION_DATABASES, type TestTenant } from "./helpers";

export interface CreatedKey {
  readonly id: string;
  readonly key: string;
  readonly scopes: string[];
}

/** Creates an API key through the public API with the tenant's all-scopes key. */
export async function createKey(
  tenant: TestTenant,
  scopes: Scope[],
  name = "Test key",
): Promise<CreatedKey> {
  const response = await call("/v1/api-keys", {
    method: "POST",
    key: tenant.apiKey,
    idempotencyKey: crypto.randomUUID(),
    body: { name, scopes },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as CreatedKey;
}

export interface InsertedWidgetToken {
  readonly token: string;
  readonly tokenId: string;
  readonly customerId: string;
}

/**
 * Writes a widget token straight into the region's store, as the origin does, for tests that need
 * what the API refuses to make: a token that expires within seconds or has already expired. Without
 * a customer id, a new customer is created for it.
 */
export async function insertWidgetToken(
  tenant: TestTenant,
  expiresAtMs: number,
  existingCustomerId?: string,
): Promise<InsertedWidgetToken> {
  const customerId =
    existingCustomerId ?? (await createdCustomer(tenant, { email: uniqueEmail() })).id;
  const credential = makeCredential("widgetToken", tenant.region);
  await REGION_DATABASES[tenant.region]
    .prepare(
      "insert into credentials (id, tenant_id, kind, name, scopes, secret_hash, customer_id, created_at, expires_at) values (?, ?, 'widget_token', 'Widget token', '[]', ?, ?, ?, ?)",
    )
    .bind(
      credential.id,
      tenant.tenantId,
      hashSecret(credential.secret),
      customerId,
      new Date().toISOString(),
      new Date(expiresAtMs).toISOString(),
    )
    .run();
  return { token: credential.plaintext, tokenId: credential.id, customerId };
}

/** Sets the tenant's widget settings through the public API. */
export async function setWidgetSettings(
  tenant: TestTenant,
  widget: Record<string, unknown>,
): Promise<void> {
  const response = await call("/v1/settings", {
    method: "PATCH",
    key: tenant.apiKey,
    idempotencyKey: crypto.randomUUID(),
    body: { widget },
  });
  expect(response.status).toBe(200);
}

export interface WidgetCustomer {
  readonly customerId: string;
  readonly token: string;
}

/** A new customer holding `points`, and a widget token for it made through the public API. */
export async function widgetCustomer(tenant: TestTenant, points: number): Promise<WidgetCustomer> {
  const customer = await createdCustomer(tenant, { email: uniqueEmail() });
  if (points > 0) {
    const accrual = await call(`/v1/customers/${customer.id}/accruals`, {
      method: "POST",
      key: tenant.apiKey,
      idempotencyKey: crypto.randomUUID(),
      body: { points },
    });
    expect(accrual.status).toBe(201);
  }
  const response = await call(`/v1/customers/${customer.id}/widget-tokens`, {
    method: "POST",
    key: tenant.apiKey,
    idempotencyKey: crypto.randomUUID(),
    body: {},
  });
  expect(response.status).toBe(201);
  const { token } = (await response.json()) as { token: string };
  return { customerId: customer.id, token };
}

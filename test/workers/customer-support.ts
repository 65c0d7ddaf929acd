import { env } from "cloudflare:workers";
import { ASSERTION_HEADER, signAssertion } from "../../src/shared/assertion";
import { PLATFORM_PRINCIPAL } from "../../src/shared/principals";
import type { Region } from "../../src/shared/regions";
import { call, origin, REGION_DATABASES, type TestTenant } from "./helpers";

export const KEY_STORES: Record<Region, D1Database> = {
  us: env.KEYS_US,
  eu: env.KEYS_EU,
  apac: env.KEYS_APAC,
};

let emailSequence = 0;

/** Unique per call, so tests never collide on the per-tenant email uniqueness. */
export function uniqueEmail(label = "shopper"): string {
  emailSequence += 1;
  return `${label}-${emailSequence}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export function createCustomer(tenant: TestTenant, body: unknown, key = tenant.apiKey) {
  return call("/v1/customers", {
    method: "POST",
    key,
    idempotencyKey: crypto.randomUUID(),
    body,
  });
}

export async function createdCustomer(
  tenant: TestTenant,
  body: unknown,
): Promise<{ id: string; email_hash: string }> {
  const response = await createCustomer(tenant, body);
  if (response.status !== 201) throw new Error(`creation answered ${response.status}`);
  return (await response.json()) as { id: string; email_hash: string };
}

/** Asks the region to rotate the tenant's KEK now, as an operator would. */
export async function rotateNow(
  tenant: TestTenant,
): Promise<{ status: string; finalised: number }> {
  const assertion = await signAssertion(env.ASSERTION_SIGNING_KEY, {
    region: tenant.region,
    tenantId: null,
    principal: PLATFORM_PRINCIPAL,
    scopes: ["platform:keys"],
    requestId: `test-${crypto.randomUUID()}`,
  });
  const response = await origin(tenant.region).fetch(
    `https://origin.internal/internal/tenants/${tenant.tenantId}/key-rotations`,
    { method: "POST", headers: { [ASSERTION_HEADER]: assertion } },
  );
  if (response.status !== 200) throw new Error(`rotation answered ${response.status}`);
  return (await response.json()) as { status: string; finalised: number };
}

export interface StoredCustomerRow {
  readonly status: string;
  readonly email_hash: string | null;
  readonly email_sealed: string | null;
  readonly name_sealed: string | null;
  readonly wrapped_data_key: string | null;
  readonly kek_id: string | null;
}

export async function storedRow(tenant: TestTenant, id: string): Promise<StoredCustomerRow | null> {
  return REGION_DATABASES[tenant.region]
    .prepare("select * from customers where id = ?")
    .bind(id)
    .first<StoredCustomerRow>();
}

import { describe, expect, it } from "vitest";
import { call, problemCode, provisionTenant, REGION_DATABASES, type TestTenant } from "./helpers";

let sequence = 0;
function uniqueEmail(): string {
  sequence += 1;
  return `shopper-${sequence}-${crypto.randomUUID()}@example.com`;
}

async function createCustomer(tenant: TestTenant, body: Record<string, unknown>) {
  return call("/v1/customers", {
    method: "POST",
    key: tenant.apiKey,
    idempotencyKey: crypto.randomUUID(),
    body,
  });
}

describe("customers: happy path", () => {
  it("creates a customer and reads it back with its personal data", async () => {
    const tenant = await provisionTenant("eu");
    const email = uniqueEmail();

    const created = await createCustomer(tenant, {
      email,
      name: "Ada Lovelace",
      external_id: "x-1",
    });
    expect(created.status).toBe(201);
    const customer = (await created.json()) as Record<string, unknown>;

    expect(customer.id).toMatch(/^cus_eu_[0-9a-z]{26}$/);
    expect(customer).toMatchObject({
      email,
      name: "Ada Lovelace",
      external_id: "x-1",
      status: "active",
    });
    expect(customer.email_hash).toMatch(/^[0-9a-f]{64}$/);

    const read = await call(`/v1/customers/${customer.id}`, { key: tenant.apiKey });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual(customer);
  });

  it("answers null for the name and external id a customer was created without", async () => {
    const tenant = await provisionTenant("us");

    const created = await createCustomer(tenant, { email: uniqueEmail() });

    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: null, external_id: null });
  });

  it("stores the customer in the tenant's region only", async () => {
    const tenant = await provisionTenant("apac");

    const created = (await (await createCustomer(tenant, { email: uniqueEmail() })).json()) as {
      id: string;
    };

    const count = async (db: D1Database) =>
      (await db.prepare("select count(*) as n from customers where id = ?").bind(created.id).first<{
        n: number;
      }>())!.n;
    expect(await count(REGION_DATABASES.apac)).toBe(1);
    expect(await count(REGION_DATABASES.eu)).toBe(0);
    expect(await count(REGION_DATABASES.us)).toBe(0);
  });

  it("gives the same email the same hash however it is written", async () => {
    const tenant = await provisionTenant("eu");

    const first = await createCustomer(tenant, { email: "  Zoë.Example@EXAMPLE.com " });
    const again = await createCustomer(tenant, { email: "zoe\u0308.example@example.com" });

    expect(first.status).toBe(201);
    expect(again.status).toBe(409);
    const hash = ((await first.json()) as { email_hash: string }).email_hash;
    const problem = (await again.clone().json()) as { id: string };
    expect(await problemCode(again)).toBe("customer_exists");
    expect(problem.id).toMatch(/^cus_eu_/);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

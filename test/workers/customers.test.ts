import { describe, expect, it } from "vitest";
import {
  createCustomer,
  createdCustomer,
  rotateNow,
  storedRow,
  uniqueEmail,
} from "./customer-support";
import {
  call,
  createKeyWithScopes,
  problemCode,
  provisionTenant,
  REGION_DATABASES,
} from "./helpers";

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
    const read = await call(`/v1/customers/${customer.id}`, { key: tenant.apiKey });

    expect(customer.id).toMatch(/^cus_eu_[0-9a-z]{26}$/);
    expect(customer.email_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(customer.created_at as string)).not.toBeNaN();
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({
      ...customer,
      email,
      name: "Ada Lovelace",
      external_id: "x-1",
      status: "active",
    });
  });

  it("answers a creation without personal data, so no stored replay holds any", async () => {
    const tenant = await provisionTenant("eu");
    const email = uniqueEmail();

    const created = await createCustomer(tenant, { email, name: "Replay Person" });

    const body = (await created.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["created_at", "email_hash", "id", "status"]);
    const stored = await REGION_DATABASES.eu
      .prepare("select response_body from idempotency_keys where tenant_id = ?")
      .bind(tenant.tenantId)
      .first<{ response_body: string }>();
    expect(stored!.response_body).not.toContain(email);
    expect(stored!.response_body).not.toContain("Replay Person");
  });

  it("keys the stored idempotency fingerprint, so it cannot confirm a guessed email", async () => {
    const tenant = await provisionTenant("eu");
    const email = uniqueEmail();
    const customer = await createdCustomer(tenant, { email });

    // What an unkeyed digest of the body the origin received would be.
    const body = JSON.stringify({ email, email_hash: customer.email_hash });
    const input = new TextEncoder().encode(`POST /v1/customers\n${body}`);
    const unkeyed = [...new Uint8Array(await crypto.subtle.digest("SHA-256", input))]
      .map((byte) => byte.toString(16).padStart(2, "0"))
      .join("");
    const stored = await REGION_DATABASES.eu
      .prepare("select fingerprint from idempotency_keys where tenant_id = ?")
      .bind(tenant.tenantId)
      .first<{ fingerprint: string }>();

    expect(stored!.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.fingerprint).not.toBe(unkeyed);
  });

  it("answers null for the name and external id a customer was created without", async () => {
    const tenant = await provisionTenant("us");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });

    const read = await call(`/v1/customers/${customer.id}`, { key: tenant.apiKey });

    expect(await read.json()).toMatchObject({ name: null, external_id: null });
  });

  it("stores the customer in the tenant's region only", async () => {
    const tenant = await provisionTenant("apac");

    const { id } = await createdCustomer(tenant, { email: uniqueEmail() });

    const count = async (db: D1Database) =>
      (await db
        .prepare("select count(*) as n from customers where id = ?")
        .bind(id)
        .first<{ n: number }>())!.n;
    expect(await count(REGION_DATABASES.apac)).toBe(1);
    expect(await count(REGION_DATABASES.eu)).toBe(0);
    expect(await count(REGION_DATABASES.us)).toBe(0);
  });

  it("treats an email written with other case, spacing or Unicode form as the same customer", async () => {
    const tenant = await provisionTenant("eu");

    const first = await createdCustomer(tenant, { email: "  Zoë.Example@EXAMPLE.com " });
    const again = await createCustomer(tenant, { email: "zoe\u0308.example@example.com" });

    expect(again.status).toBe(409);
    const problem = (await again.clone().json()) as { id: string };
    expect(await problemCode(again)).toBe("customer_exists");
    expect(problem.id).toBe(first.id);
  });

  it("finds a customer by email and finds nothing for an unknown email", async () => {
    const tenant = await provisionTenant("eu");
    const email = uniqueEmail();
    const customer = await createdCustomer(tenant, { email, name: "Grace" });

    const found = await call(`/v1/customers?email=${encodeURIComponent(email.toUpperCase())}`, {
      key: tenant.apiKey,
    });
    const missing = await call(`/v1/customers?email=${encodeURIComponent(uniqueEmail())}`, {
      key: tenant.apiKey,
    });

    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({
      data: [expect.objectContaining({ id: customer.id, email, name: "Grace" })],
      has_more: false,
    });
    expect(await missing.json()).toEqual({ data: [], has_more: false });
  });

  it("leaves out email, name and external id for a key without pii:read", async () => {
    const tenant = await provisionTenant("us");
    const email = uniqueEmail();
    const customer = await createdCustomer(tenant, { email, name: "Hedy", external_id: "h-1" });
    const reader = await createKeyWithScopes(tenant, ["customers:read"]);

    const read = await call(`/v1/customers/${customer.id}`, { key: reader });
    const found = await call(`/v1/customers?email=${encodeURIComponent(email)}`, { key: reader });

    expect(read.status).toBe(200);
    const body = (await read.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["created_at", "email_hash", "id", "status"]);
    const list = (await found.json()) as { data: Record<string, unknown>[] };
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).not.toHaveProperty("email");
    expect(list.data[0]).not.toHaveProperty("name");
  });
});

describe("customers: contract", () => {
  it("publishes the four customer routes in /openapi.json, without the internal email hash input", async () => {
    const response = await call("/openapi.json");

    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(document.paths["/v1/customers"] ?? {}).sort()).toEqual(["get", "post"]);
    expect(Object.keys(document.paths["/v1/customers/{id}"] ?? {}).sort()).toEqual([
      "delete",
      "get",
    ]);
    const create = document.components.schemas.CustomerCreate!;
    expect(Object.keys(create.properties ?? {}).sort()).toEqual(["email", "external_id", "name"]);
  });
});

describe("customers: erasure", () => {
  it("erases a customer and answers a receipt with the ledger's genesis head", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail(), name: "Erin" });

    const response = await call(`/v1/customers/${customer.id}`, {
      method: "DELETE",
      key: tenant.apiKey,
    });

    expect(response.status).toBe(200);
    const erasure = (await response.json()) as Record<string, unknown> & {
      receipt: Record<string, unknown>;
    };
    expect(erasure).toMatchObject({ id: customer.id, status: "erased" });
    expect(erasure.receipt).toEqual({
      customer_id: customer.id,
      tenant_id: tenant.tenantId,
      key_id: expect.stringMatching(/^dek_eu_[0-9a-z]{26}$/),
      destroyed_at: erasure.erased_at,
      ledger_head: { sequence: 0, hash: "0".repeat(64) },
      final_at: null,
    });
  });

  it("destroys the wrapped data key, the email hash and the sealed fields, keeping the id", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail(), name: "Fay" });

    await call(`/v1/customers/${customer.id}`, { method: "DELETE", key: tenant.apiKey });

    const row = await storedRow(tenant, customer.id);
    expect(row).toMatchObject({
      status: "erased",
      email_hash: null,
      email_sealed: null,
      name_sealed: null,
      wrapped_data_key: null,
    });
  });

  it("answers the same receipt when an erasure is repeated", async () => {
    const tenant = await provisionTenant("us");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    const erase = () =>
      call(`/v1/customers/${customer.id}`, { method: "DELETE", key: tenant.apiKey });

    const first = await (await erase()).json();
    const second = await erase();

    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(first);
  });

  it("answers 410 to a read, nothing to a lookup, and lets the email sign up again", async () => {
    const tenant = await provisionTenant("apac");
    const email = uniqueEmail();
    const customer = await createdCustomer(tenant, { email });
    await call(`/v1/customers/${customer.id}`, { method: "DELETE", key: tenant.apiKey });

    const read = await call(`/v1/customers/${customer.id}`, { key: tenant.apiKey });
    const lookup = await call(`/v1/customers?email=${encodeURIComponent(email)}`, {
      key: tenant.apiKey,
    });
    const again = await createCustomer(tenant, { email });

    expect(read.status).toBe(410);
    expect(await problemCode(read)).toBe("customer_erased");
    expect(await lookup.json()).toEqual({ data: [], has_more: false });
    expect(again.status).toBe(201);
    expect(((await again.json()) as { id: string }).id).not.toBe(customer.id);
  });

  it("adds final_at to the receipt once the tenant's KEK has been rotated", async () => {
    const tenant = await provisionTenant("eu");
    const survivor = await createdCustomer(tenant, { email: uniqueEmail(), name: "Stays" });
    const erased = await createdCustomer(tenant, { email: uniqueEmail() });
    await call(`/v1/customers/${erased.id}`, { method: "DELETE", key: tenant.apiKey });

    const rotation = await rotateNow(tenant);
    const repeated = await call(`/v1/customers/${erased.id}`, {
      method: "DELETE",
      key: tenant.apiKey,
    });
    const survivorRead = await call(`/v1/customers/${survivor.id}`, { key: tenant.apiKey });

    expect(rotation).toMatchObject({ status: "completed", finalised: 1 });
    const receipt = ((await repeated.json()) as { receipt: { final_at: string | null } }).receipt;
    expect(Date.parse(receipt.final_at ?? "")).not.toBeNaN();
    expect(survivorRead.status).toBe(200);
    expect(await survivorRead.json()).toMatchObject({ name: "Stays" });
  });
});

describe("customers: errors", () => {
  const badBodies: [string, unknown][] = [
    ["a malformed email", { email: "not-an-email" }],
    ["an email with two @", { email: "a@b@example.com" }],
    ["an email without a domain dot", { email: "ada@localhost" }],
    ["a missing email", { name: "Ada" }],
    ["an email that is a number", { email: 42 }],
    ["a name that is not a string", { email: "ada@example.com", name: ["Ada"] }],
    ["an empty name", { email: "ada@example.com", name: "" }],
    ["an oversized name", { email: "ada@example.com", name: "a".repeat(201) }],
    ["an oversized external id", { email: "ada@example.com", external_id: "x".repeat(256) }],
    ["an oversized email", { email: `${"a".repeat(64)}@${"b".repeat(250)}.com` }],
    ["an unknown field", { email: "ada@example.com", nickname: "A" }],
    [
      "an email hash chosen by the client",
      { email: "ada@example.com", email_hash: "0".repeat(64) },
    ],
    ["an array body", [{ email: "ada@example.com" }]],
  ];

  for (const [label, body] of badBodies) {
    it(`answers 400 to ${label} and creates nothing`, async () => {
      const tenant = await provisionTenant("eu");

      const response = await createCustomer(tenant, body);

      expect(response.status).toBe(400);
      expect(await problemCode(response)).toBe("validation_failed");
      const count = await REGION_DATABASES.eu
        .prepare("select count(*) as n from customers where tenant_id = ?")
        .bind(tenant.tenantId)
        .first<{ n: number }>();
      expect(count!.n).toBe(0);
    });
  }

  it("answers 400 to malformed JSON", async () => {
    const tenant = await provisionTenant("us");

    const response = await call("/v1/customers", {
      method: "POST",
      key: tenant.apiKey,
      idempotencyKey: crypto.randomUUID(),
      rawBody: '{"email": "ada@example.com"',
    });

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe("malformed_json");
  });

  it("answers 400 to a lookup without an email or with a bad one", async () => {
    const tenant = await provisionTenant("us");

    const missing = await call("/v1/customers", { key: tenant.apiKey });
    const bad = await call("/v1/customers?email=nobody", { key: tenant.apiKey });
    const extra = await call("/v1/customers?email=a%40example.com&email_hash=00", {
      key: tenant.apiKey,
    });

    expect(missing.status).toBe(400);
    expect(bad.status).toBe(400);
    expect(extra.status).toBe(400);
  });

  it("answers 404 to a customer id that does not exist", async () => {
    const tenant = await provisionTenant("eu");

    const unknown = await call("/v1/customers/cus_eu_0000000000000000000000000a", {
      key: tenant.apiKey,
    });
    const erasure = await call("/v1/customers/cus_eu_0000000000000000000000000a", {
      method: "DELETE",
      key: tenant.apiKey,
    });

    expect(unknown.status).toBe(404);
    expect(await problemCode(unknown)).toBe("not_found");
    expect(erasure.status).toBe(404);
  });

  it("requires an Idempotency-Key to create and replays the first answer", async () => {
    const tenant = await provisionTenant("eu");
    const body = { email: uniqueEmail() };

    const without = await call("/v1/customers", { method: "POST", key: tenant.apiKey, body });
    const first = await call("/v1/customers", {
      method: "POST",
      key: tenant.apiKey,
      idempotencyKey: "create-once",
      body,
    });
    const replay = await call("/v1/customers", {
      method: "POST",
      key: tenant.apiKey,
      idempotencyKey: "create-once",
      body,
    });

    expect(without.status).toBe(400);
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    expect(await replay.json()).toEqual(await first.json());
  });
});

describe("customers: security", () => {
  it("answers 404 to another tenant's customer, exactly as to a missing one", async () => {
    const owner = await provisionTenant("eu");
    const other = await provisionTenant("eu");
    const customer = await createdCustomer(owner, { email: uniqueEmail() });

    const read = await call(`/v1/customers/${customer.id}`, { key: other.apiKey });
    const erase = await call(`/v1/customers/${customer.id}`, {
      method: "DELETE",
      key: other.apiKey,
    });
    const missing = await call("/v1/customers/cus_eu_0000000000000000000000000a", {
      key: other.apiKey,
    });

    expect(read.status).toBe(404);
    expect(erase.status).toBe(404);
    expect(await read.json()).toEqual(await missing.json());
    expect((await storedRow(owner, customer.id))?.status).toBe("active");
  });

  it("answers 404 to a customer of another region", async () => {
    const owner = await provisionTenant("us");
    const reader = await provisionTenant("eu");
    const customer = await createdCustomer(owner, { email: uniqueEmail() });

    const read = await call(`/v1/customers/${customer.id}`, { key: reader.apiKey });
    const erase = await call(`/v1/customers/${customer.id}`, {
      method: "DELETE",
      key: reader.apiKey,
    });

    expect(read.status).toBe(404);
    expect(await problemCode(read)).toBe("not_found");
    expect(erase.status).toBe(404);
  });

  it("hashes one email differently in two tenants, and lookup does not cross them", async () => {
    const first = await provisionTenant("eu");
    const second = await provisionTenant("eu");
    const email = uniqueEmail();

    const a = await createdCustomer(first, { email });
    const b = await createdCustomer(second, { email });
    const lookup = await call(`/v1/customers?email=${encodeURIComponent(email)}`, {
      key: second.apiKey,
    });

    expect(a.email_hash).not.toBe(b.email_hash);
    const list = (await lookup.json()) as { data: { id: string }[] };
    expect(list.data.map((customer) => customer.id)).toEqual([b.id]);
  });

  it("refuses each customer route to a key without its scope", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    const settingsOnly = await createKeyWithScopes(tenant, ["settings:write"]);
    const readOnly = await createKeyWithScopes(tenant, ["customers:read"]);

    const responses = [
      await createCustomer(tenant, { email: uniqueEmail() }, readOnly),
      await call(`/v1/customers/${customer.id}`, { key: settingsOnly }),
      await call("/v1/customers?email=a%40example.com", { key: settingsOnly }),
      await call(`/v1/customers/${customer.id}`, { method: "DELETE", key: readOnly }),
    ];

    for (const response of responses) {
      expect(response.status).toBe(403);
      expect(await problemCode(response)).toBe("insufficient_scope");
    }
    expect((await storedRow(tenant, customer.id))?.status).toBe("active");
  });

  it("stores neither the email nor the name in readable form", async () => {
    const tenant = await provisionTenant("eu");
    const email = uniqueEmail("plain");

    const customer = await createdCustomer(tenant, { email, name: "Plaintext Person" });

    const row = await REGION_DATABASES.eu
      .prepare("select * from customers where id = ?")
      .bind(customer.id)
      .first();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(email);
    expect(stored).not.toContain("Plaintext Person");
    expect(stored).not.toContain(email.split("@")[0]);
  });
});

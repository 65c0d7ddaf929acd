import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { webCryptoAesGcm } from "../../src/origin/customers/aes-gcm";
import { DataKeyCache } from "../../src/origin/customers/data-key-cache";
import { KeyCustody } from "../../src/origin/customers/key-custody";
import { rotateAfterErasure, runScheduledRotations } from "../../src/origin/customers/scheduled";
import { openField } from "../../src/origin/customers/sealing";
import { CustomerService } from "../../src/origin/customers/service";
import { createDatabase } from "../../src/origin/db/client";
import type { KekProvider } from "../../src/origin/keys/kek-provider";
import { LocalKekProvider } from "../../src/origin/keys/local-provider";
import { createOriginServices } from "../../src/origin/services";
import { base64UrlToBytes } from "../../src/shared/encoding";
import { createLogger } from "../../src/shared/logger";
import { DomainError } from "../../src/shared/problems";
import { createdCustomer, KEY_STORES, rotateNow, storedRow, uniqueEmail } from "./customer-support";
import { call, problemCode, provisionTenant, REGION_DATABASES, type TestTenant } from "./helpers";

const quietLogger = createLogger(() => {}, "test");

async function customerCount(tenant: TestTenant): Promise<number> {
  const row = await REGION_DATABASES[tenant.region]
    .prepare("select count(*) as n from customers where tenant_id = ?")
    .bind(tenant.tenantId)
    .first<{ n: number }>();
  return row!.n;
}

function serviceWith(provider: KekProvider, timeoutMs = 5_000) {
  const db = createDatabase(env.DB_EU);
  const keys = new KeyCustody(db, provider, new DataKeyCache(10, 60_000), quietLogger, timeoutMs);
  return new CustomerService(db, "eu", keys, webCryptoAesGcm);
}

function originServicesEu() {
  return createOriginServices(
    {
      REGION: "eu",
      DB: env.DB_EU,
      KEYS: env.KEYS_EU,
      ASSERTION_PUBLIC_KEY: env.ASSERTION_PUBLIC_KEY,
      IDEMPOTENCY_FINGERPRINT_KEY: "5a".repeat(32),
    },
    () => {},
  );
}

const failing = (base: KekProvider, failOn: keyof KekProvider): KekProvider =>
  new Proxy(base, {
    get(target, property, receiver) {
      if (property === failOn) return () => Promise.reject(new Error("vault down"));
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

const hanging = (base: KekProvider, hangOn: keyof KekProvider): KekProvider =>
  new Proxy(base, {
    get(target, property, receiver) {
      if (property === hangOn) return () => new Promise(() => {});
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });

describe("KEK rotation", () => {
  it("makes a data key wrapped under the old KEK impossible to unwrap, as in a backup", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    const backup = (await storedRow(tenant, customer.id))!;
    const provider = new LocalKekProvider(KEY_STORES.eu);
    const wrapped = { kekId: backup.kek_id!, wrapped: base64UrlToBytes(backup.wrapped_data_key!) };
    expect((await provider.unwrap(wrapped)).length).toBe(32);

    await call(`/v1/customers/${customer.id}`, { method: "DELETE", key: tenant.apiKey });
    const outcome = await rotateNow(tenant);

    // Whoever holds the backup starts from the key store as it is now, not from our memory.
    expect(outcome.status).toBe("completed");
    await expect(new LocalKekProvider(KEY_STORES.eu).unwrap(wrapped)).rejects.toThrow();
    const kekRow = await KEY_STORES.eu
      .prepare("select id from key_encryption_keys where id = ?")
      .bind(backup.kek_id)
      .first();
    expect(kekRow).toBeNull();
  });

  it("forgets a KEK it destroyed at once in the isolate that destroyed it", async () => {
    const provider = new LocalKekProvider(KEY_STORES.eu);
    const kekId = await provider.create("ten_eu_0123456789abcdefghjkmnpqrs");
    const wrapped = await provider.wrap(kekId, crypto.getRandomValues(new Uint8Array(32)));

    await provider.destroy(kekId);

    await expect(provider.unwrap(wrapped)).rejects.toThrow();
  });

  it("rewraps every surviving data key under the new KEK, so its data still opens", async () => {
    const tenant = await provisionTenant("eu");
    const email = uniqueEmail();
    const customer = await createdCustomer(tenant, { email });
    const before = (await storedRow(tenant, customer.id))!;

    await rotateNow(tenant);

    const after = (await storedRow(tenant, customer.id))!;
    expect(after.kek_id).not.toBe(before.kek_id);
    const provider = new LocalKekProvider(KEY_STORES.eu);
    const dataKey = await provider.unwrap({
      kekId: after.kek_id!,
      wrapped: base64UrlToBytes(after.wrapped_data_key!),
    });
    const context = { tenantId: tenant.tenantId, customerId: customer.id, field: "email" as const };
    expect(await openField(webCryptoAesGcm, dataKey, context, after.email_sealed!)).toBe(email);
  });

  it("leaves an erasure made after the switch waiting for the next rotation", async () => {
    const tenant = await provisionTenant("eu");
    const early = await createdCustomer(tenant, { email: uniqueEmail() });
    const late = await createdCustomer(tenant, { email: uniqueEmail() });
    await call(`/v1/customers/${early.id}`, { method: "DELETE", key: tenant.apiKey });
    await rotateNow(tenant);

    await call(`/v1/customers/${late.id}`, { method: "DELETE", key: tenant.apiKey });
    const receipt = async (id: string) =>
      (
        (await (
          await call(`/v1/customers/${id}`, { method: "DELETE", key: tenant.apiKey })
        ).json()) as { receipt: { final_at: string | null } }
      ).receipt;

    expect((await receipt(early.id)).final_at).not.toBeNull();
    expect((await receipt(late.id)).final_at).toBeNull();
    await rotateNow(tenant);
    expect((await receipt(late.id)).final_at).not.toBeNull();
  });

  it("runs from the cron trigger for tenants whose erasures are not yet final", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    await call(`/v1/customers/${customer.id}`, { method: "DELETE", key: tenant.apiKey });

    await runScheduledRotations(originServicesEu(), Date.now());

    const row = await REGION_DATABASES.eu
      .prepare("select erasure_final_at from customers where id = ?")
      .bind(customer.id)
      .first<{ erasure_final_at: string | null }>();
    expect(row!.erasure_final_at).not.toBeNull();
  });

  it("runs after an erasure unless the tenant's KEK was rotated within the last minute", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    await call(`/v1/customers/${customer.id}`, { method: "DELETE", key: tenant.apiKey });
    const services = originServicesEu();
    const finalAt = async () =>
      (await REGION_DATABASES.eu
        .prepare("select erasure_final_at as f from customers where id = ?")
        .bind(customer.id)
        .first<{ f: string | null }>())!.f;

    await rotateAfterErasure(services, tenant.tenantId, Date.now());
    expect(await finalAt()).toBeNull();

    await rotateAfterErasure(services, tenant.tenantId, Date.now() + 61_000);
    expect(await finalAt()).not.toBeNull();
  });
});

describe("data key cache at the origin", () => {
  it("drops a customer's data key the moment the customer is erased", async () => {
    const tenant = await provisionTenant("eu");
    const db = createDatabase(env.DB_EU);
    const cache = new DataKeyCache(10, 60_000);
    const keys = new KeyCustody(db, new LocalKekProvider(env.KEYS_EU), cache, quietLogger);
    const service = new CustomerService(db, "eu", keys, webCryptoAesGcm);
    const emailHash = "ab".repeat(32);
    const customer = await service.create(
      tenant.tenantId,
      { email: uniqueEmail(), email_hash: emailHash },
      Date.now(),
    );
    await service.get(tenant.tenantId, customer.id, true);
    expect(cache.get(customer.id)).not.toBeNull();

    await service.erase(tenant.tenantId, customer.id, Date.now());

    expect(cache.get(customer.id)).toBeNull();
  });
});

describe("failing closed when the key service fails", () => {
  const input = () => ({
    email: uniqueEmail(),
    email_hash: crypto.randomUUID().replaceAll("-", "").padEnd(64, "0"),
  });

  it("writes nothing and answers key_service_unavailable with Retry-After when wrapping fails", async () => {
    const tenant = await provisionTenant("eu");
    const service = serviceWith(failing(new LocalKekProvider(env.KEYS_EU), "wrap"));

    const error = await service.create(tenant.tenantId, input(), Date.now()).catch((e) => e);

    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe("key_service_unavailable");
    expect((error as DomainError).headers["retry-after"]).toMatch(/^\d+$/);
    expect(await customerCount(tenant)).toBe(0);
  });

  it("gives up after its deadline when the key service does not answer", async () => {
    const tenant = await provisionTenant("eu");
    const service = serviceWith(hanging(new LocalKekProvider(env.KEYS_EU), "create"), 50);
    const startedMs = Date.now();

    const error = await service.create(tenant.tenantId, input(), Date.now()).catch((e) => e);

    expect((error as DomainError).code).toBe("key_service_unavailable");
    expect(Date.now() - startedMs).toBeLessThan(2_000);
    expect(await customerCount(tenant)).toBe(0);
  });

  it("answers 503 to a read with personal data when unwrapping fails, and no plaintext", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    const service = serviceWith(failing(new LocalKekProvider(env.KEYS_EU), "unwrap"));

    const error = await service.get(tenant.tenantId, customer.id, true).catch((e) => e);
    const withoutPii = await service.get(tenant.tenantId, customer.id, false);

    expect((error as DomainError).code).toBe("key_service_unavailable");
    expect(withoutPii).not.toHaveProperty("email");
  });

  it("leaves the old KEK and every data key in place when a rotation cannot reach the vault", async () => {
    const tenant = await provisionTenant("eu");
    const customer = await createdCustomer(tenant, { email: uniqueEmail() });
    const before = (await storedRow(tenant, customer.id))!;
    const services = originServicesEu();
    const broken = failing(new LocalKekProvider(env.KEYS_EU), "wrap");
    Object.assign(services.keys, { provider: broken });

    await expect(services.rotation.rotateTenant(tenant.tenantId, Date.now())).rejects.toThrow();
    const read = await call(`/v1/customers/${customer.id}`, { key: tenant.apiKey });

    expect(await storedRow(tenant, customer.id)).toEqual(before);
    expect(read.status).toBe(200);
    expect(await rotateNow(tenant)).toMatchObject({ status: "completed" });
    expect((await storedRow(tenant, customer.id))!.kek_id).not.toBe(before.kek_id);
  });
});

describe("problem document for an unavailable key service", () => {
  it("is a 503 with a stable code", async () => {
    const { problemResponse } = await import("../../src/shared/problems");
    const { keyServiceUnavailable } = await import("../../src/origin/keys/kek-provider");

    const response = problemResponse(keyServiceUnavailable());

    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(await problemCode(response)).toBe("key_service_unavailable");
  });
});

import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { ASSERTION_HEADER, signAssertion } from "../../src/shared/assertion";
import { makeCredential } from "../../src/shared/credentials";
import { PLATFORM_PRINCIPAL } from "../../src/shared/principals";
import type { Region } from "../../src/shared/regions";
import { hashSecret } from "../../src/shared/secret-hash";

export interface TestTenant {
  readonly tenantId: string;
  readonly region: Region;
  readonly keyId: string;
  readonly apiKey: string;
}

const ORIGINS: Record<Region, Fetcher> = {
  us: env.ORIGIN_US!,
  eu: env.ORIGIN_EU!,
  apac: env.ORIGIN_APAC!,
};

export const REGION_DATABASES: Record<Region, D1Database> = {
  us: env.DB_US,
  eu: env.DB_EU,
  apac: env.DB_APAC,
};

export function origin(region: Region): Fetcher {
  return ORIGINS[region];
}

/** A fresh tenant with an all-scopes key, created through the region's provisioning route. */
export async function provisionTenant(region: Region): Promise<TestTenant> {
  const assertion = await signAssertion(env.ASSERTION_SIGNING_KEY, {
    region,
    tenantId: null,
    principal: PLATFORM_PRINCIPAL,
    scopes: ["platform:provision"],
    requestId: `test-${crypto.randomUUID()}`,
  });
  const response = await origin(region).fetch("https://origin.internal/internal/tenants", {
    method: "POST",
    headers: { [ASSERTION_HEADER]: assertion, "content-type": "application/json" },
    body: JSON.stringify({ name: "Test tenant" }),
  });
  if (response.status !== 201) throw new Error(`provisioning answered ${response.status}`);

  const body = (await response.json()) as { tenant_id: string; key_id: string; api_key: string };
  return { tenantId: body.tenant_id, region, keyId: body.key_id, apiKey: body.api_key };
}

export interface CallOptions {
  readonly method?: string;
  readonly key?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly idempotencyKey?: string;
  readonly headers?: Record<string, string>;
}

/** Calls the edge worker as a client on the internet would. */
export function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  if (options.idempotencyKey) headers.set("idempotency-key", options.idempotencyKey);
  const body =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined && !headers.has("content-type"))
    headers.set("content-type", "application/json");

  return exports.default.fetch(
    new Request(`https://api.loyaltyos.test${path}`, {
      method: options.method ?? "GET",
      headers,
      body,
    }),
  );
}

export async function problemCode(response: Response): Promise<string> {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const problem = (await response.json()) as { code: string; status: number };
  expect(problem.status).toBe(response.status);
  return problem.code;
}

/**
 * A key with exactly these scopes, written straight into the region's credential table. Key
 * management has its own routes; tests of other parts only need a key of a given shape.
 */
export async function createKeyWithScopes(tenant: TestTenant, scopes: readonly string[]) {
  const credential = makeCredential("apiKey", tenant.region);
  await REGION_DATABASES[tenant.region]
    .prepare(
      "INSERT INTO credentials (id, tenant_id, kind, name, scopes, secret_hash, created_at) VALUES (?, ?, 'api_key', 'test key', ?, ?, ?)",
    )
    .bind(
      credential.id,
      tenant.tenantId,
      JSON.stringify(scopes),
      hashSecret(credential.secret),
      new Date().toISOString(),
    )
    .run();
  return credential.plaintext;
}

/** A unique Idempotency-Key for one logical write. */
export function newIdempotencyKey(): string {
  return `test-${crypto.randomUUID()}`;
}

import { expect } from "vitest";
import type { Scope } from "../../src/shared/scopes";
import { call, type TestTenant } from "./helpers";

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

import { expect } from "vitest";
import { call, type TestTenant } from "./helpers";

export interface Entry {
  id: string;
  type: string;
  customer_id: string;
  points: number;
  balance_after: number;
  reason: string | null;
  order_id: string | null;
  voids: string | null;
  expires_at: string | null;
  lots: { lot_id: string; points: number }[];
  sequence: number;
  prev_hash: string;
  hash: string;
  created_at: string;
}

export interface Balance {
  customer_id: string;
  available: number;
  lifetime_accrued: number;
  lifetime_redeemed: number;
  lifetime_expired: number;
  as_of: { sequence: number; hash: string };
}

export async function createCustomer(tenant: TestTenant): Promise<string> {
  const response = await call("/v1/customers", {
    method: "POST",
    key: tenant.apiKey,
    idempotencyKey: crypto.randomUUID(),
    body: { email: `shopper-${crypto.randomUUID()}@example.com` },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** A ledger write through the edge, with a fresh Idempotency-Key unless one is given. */
export function write(
  tenant: TestTenant,
  path: string,
  body: unknown,
  idempotencyKey: string = crypto.randomUUID(),
): Promise<Response> {
  return call(path, { method: "POST", key: tenant.apiKey, idempotencyKey, body });
}

export async function accrue(
  tenant: TestTenant,
  customerId: string,
  body: Record<string, unknown>,
): Promise<Entry> {
  const response = await write(tenant, `/v1/customers/${customerId}/accruals`, body);
  expect(response.status).toBe(201);
  return (await response.json()) as Entry;
}

export async function redeem(tenant: TestTenant, customerId: string, points: number) {
  return write(tenant, `/v1/customers/${customerId}/redemptions`, { points });
}

export async function balanceOf(tenant: TestTenant, customerId: string): Promise<Balance> {
  const response = await call(`/v1/customers/${customerId}/balance`, { key: tenant.apiKey });
  expect(response.status).toBe(200);
  return (await response.json()) as Balance;
}

/** Every entry of a customer, oldest first, read page by page through the API. */
export async function entriesOf(tenant: TestTenant, customerId: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  let after: string | undefined;
  for (let page = 0; page < 100; page++) {
    const query = after ? `?limit=100&starting_after=${after}` : "?limit=100";
    const response = await call(`/v1/customers/${customerId}/entries${query}`, {
      key: tenant.apiKey,
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: Entry[]; has_more: boolean };
    entries.push(...body.data);
    if (!body.has_more) break;
    after = body.data.at(-1)!.id;
  }
  return entries.reverse();
}

export async function verify(tenant: TestTenant) {
  const response = await call("/v1/ledger/verify", { key: tenant.apiKey });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    ok: boolean;
    entries: number;
    head: { sequence: number; hash: string };
    first_bad_sequence?: number;
  };
}

export function sumOf(entries: readonly Entry[]): number {
  return entries.reduce((total, entry) => total + entry.points, 0);
}

export async function entryFrom(response: Response): Promise<Entry> {
  return (await response.json()) as Entry;
}

export async function pageFrom(response: Response): Promise<{ data: Entry[]; has_more: boolean }> {
  return (await response.json()) as { data: Entry[]; has_more: boolean };
}

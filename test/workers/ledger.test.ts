import { describe, expect, it } from "vitest";
import { call, problemCode, provisionTenant, REGION_DATABASES } from "./helpers";
import {
  accrue,
  balanceOf,
  createCustomer,
  entriesOf,
  entryFrom,
  pageFrom,
  redeem,
  sumOf,
  verify,
  write,
} from "./ledger-helpers";

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const DAY_MS = 24 * 60 * 60 * 1000;

describe("ledger: happy path", () => {
  it("accrues points and answers the entry, chained from the genesis hash", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);

    const entry = await accrue(tenant, customerId, { points: 100, reason: "Welcome" });

    expect(entry).toMatchObject({
      type: "accrual",
      customer_id: customerId,
      points: 100,
      balance_after: 100,
      reason: "Welcome",
      order_id: null,
      voids: null,
      expires_at: null,
      sequence: 1,
      prev_hash: "0".repeat(64),
      lots: [{ lot_id: entry.id, points: 100 }],
    });
    expect(entry.id).toMatch(/^ent_eu_[0-9a-z]{26}$/);
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers a balance that names the chain position it reflects", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);
    const first = await accrue(tenant, customerId, { points: 100 });
    expect((await redeem(tenant, customerId, 30)).status).toBe(201);

    const balance = await balanceOf(tenant, customerId);

    const entries = await entriesOf(tenant, customerId);
    expect(balance).toEqual({
      customer_id: customerId,
      available: 70,
      lifetime_accrued: 100,
      lifetime_redeemed: 30,
      lifetime_expired: 0,
      as_of: { sequence: 2, hash: entries[1]!.hash },
    });
    expect(sumOf(entries)).toBe(balance.available);
    expect(entries[1]!.prev_hash).toBe(first.hash);
  });

  it("answers zero and the genesis position for a customer without entries", async () => {
    const tenant = await provisionTenant("apac");
    const customerId = await createCustomer(tenant);

    const balance = await balanceOf(tenant, customerId);

    expect(balance).toMatchObject({ available: 0, as_of: { sequence: 0, hash: "0".repeat(64) } });
  });

  it("redeems from the soonest-expiring lot first and from lots without expiry last", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const never = await accrue(tenant, customerId, { points: 50 });
    const late = await accrue(tenant, customerId, { points: 20, expires_at: inMs(20 * DAY_MS) });
    const soon = await accrue(tenant, customerId, { points: 10, expires_at: inMs(5 * DAY_MS) });

    const response = await redeem(tenant, customerId, 40);

    expect(response.status).toBe(201);
    const entry = await entryFrom(response);
    expect(entry).toMatchObject({ type: "redemption", points: -40, balance_after: 40 });
    expect(entry.lots).toEqual([
      { lot_id: soon.id, points: -10 },
      { lot_id: late.id, points: -20 },
      { lot_id: never.id, points: -10 },
    ]);
  });

  it("gives accruals without expires_at the tenant's points_expiry_days", async () => {
    const tenant = await provisionTenant("eu");
    const patched = await call("/v1/settings", {
      method: "PATCH",
      key: tenant.apiKey,
      idempotencyKey: crypto.randomUUID(),
      body: { points_expiry_days: 30 },
    });
    expect(patched.status).toBe(200);
    const customerId = await createCustomer(tenant);

    const entry = await accrue(tenant, customerId, { points: 5 });

    const expiresMs = Date.parse(entry.expires_at!);
    expect(Math.abs(expiresMs - (Date.now() + 30 * DAY_MS))).toBeLessThan(60_000);
  });

  it("lists a customer's entries newest first, page by page", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);
    for (const points of [1, 2, 3]) await accrue(tenant, customerId, { points });

    const first = await call(`/v1/customers/${customerId}/entries?limit=2`, { key: tenant.apiKey });
    const page = await pageFrom(first);
    const second = await call(
      `/v1/customers/${customerId}/entries?limit=2&starting_after=${page.data[1]!.id}`,
      { key: tenant.apiKey },
    );

    expect(page.data.map((entry) => entry.points)).toEqual([3, 2]);
    expect(page.has_more).toBe(true);
    const rest = await pageFrom(second);
    expect(rest.data.map((entry) => entry.points)).toEqual([1]);
    expect(rest.has_more).toBe(false);
  });
});

describe("ledger: voids", () => {
  it("voids an accrual by removing what is left of its lot", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const accrual = await accrue(tenant, customerId, { points: 100 });
    await accrue(tenant, customerId, { points: 5 });
    expect((await redeem(tenant, customerId, 30)).status).toBe(201);

    const response = await write(tenant, `/v1/entries/${accrual.id}/void`, { reason: "mistake" });

    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      type: "void",
      voids: accrual.id,
      points: -70,
      lots: [{ lot_id: accrual.id, points: -70 }],
    });
    expect((await balanceOf(tenant, customerId)).available).toBe(5);
  });

  it("voids a redemption by giving each lot back exactly what it took", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const first = await accrue(tenant, customerId, { points: 10, expires_at: inMs(DAY_MS) });
    const second = await accrue(tenant, customerId, { points: 50 });
    const redemption = await entryFrom(await redeem(tenant, customerId, 25));

    const response = await write(tenant, `/v1/entries/${redemption.id}/void`, {});

    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      points: 25,
      voids: redemption.id,
      lots: [
        { lot_id: first.id, points: 10 },
        { lot_id: second.id, points: 15 },
      ],
    });
    expect(await balanceOf(tenant, customerId)).toMatchObject({
      available: 60,
      lifetime_redeemed: 0,
    });
  });
});

describe("ledger: refunds", () => {
  it("takes back all the points an order earned from that order's lot", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);
    const order = await accrue(tenant, customerId, { points: 40, order_id: "order-1" });
    await accrue(tenant, customerId, { points: 60, order_id: "order-2" });

    const response = await write(tenant, `/v1/customers/${customerId}/refunds`, {
      order_id: "order-1",
    });

    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      type: "refund",
      points: -40,
      order_id: "order-1",
      lots: [{ lot_id: order.id, points: -40 }],
    });
    expect((await balanceOf(tenant, customerId)).available).toBe(60);
  });

  it("refunds part of an order and then only what is left of it", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);
    await accrue(tenant, customerId, { points: 40, order_id: "order-9" });
    const path = `/v1/customers/${customerId}/refunds`;

    const partial = await write(tenant, path, { order_id: "order-9", points: 15 });
    const rest = await write(tenant, path, { order_id: "order-9" });

    expect((await entryFrom(partial)).points).toBe(-15);
    expect((await entryFrom(rest)).points).toBe(-25);
    expect((await balanceOf(tenant, customerId)).available).toBe(0);
  });
});

describe("ledger: expiry", () => {
  it("expires what is left of expired lots, naming each lot, and a second run changes nothing", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const expiring = await accrue(tenant, customerId, { points: 30, expires_at: inMs(1_200) });
    await accrue(tenant, customerId, { points: 7 });
    expect((await redeem(tenant, customerId, 10)).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    const first = await write(tenant, "/v1/expiry-runs", {});
    const second = await write(tenant, "/v1/expiry-runs", {});

    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ expired_entries: 1 });
    expect(await second.json()).toEqual({ expired_entries: 0 });
    const entries = await entriesOf(tenant, customerId);
    expect(entries.at(-1)).toMatchObject({
      type: "expiry",
      points: -20,
      expires_at: expiring.expires_at,
      lots: [{ lot_id: expiring.id, points: -20 }],
    });
    expect(await balanceOf(tenant, customerId)).toMatchObject({
      available: 7,
      lifetime_expired: 20,
    });
    expect((await verify(tenant)).ok).toBe(true);
  });
});

describe("ledger: idempotency", () => {
  it("replays the first answer byte for byte for the same key and body", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const path = `/v1/customers/${customerId}/accruals`;

    const first = await write(tenant, path, { points: 10 }, "accrual-key-1");
    const replay = await write(tenant, path, { points: 10 }, "accrual-key-1");

    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    expect(await replay.text()).toBe(await first.text());
    expect((await balanceOf(tenant, customerId)).available).toBe(10);
  });

  it("refuses the same key with another body", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const path = `/v1/customers/${customerId}/accruals`;
    await write(tenant, path, { points: 10 }, "accrual-key-2");

    const reused = await write(tenant, path, { points: 11 }, "accrual-key-2");

    expect(reused.status).toBe(422);
    expect(await problemCode(reused)).toBe("idempotency_key_reused");
    expect((await balanceOf(tenant, customerId)).available).toBe(10);
  });

  it("executes concurrent duplicates of one write once", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);
    const path = `/v1/customers/${customerId}/accruals`;

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => write(tenant, path, { points: 10 }, "same-key")),
    );

    expect(answers.filter((answer) => answer.status === 201).length).toBeGreaterThanOrEqual(1);
    expect((await balanceOf(tenant, customerId)).available).toBe(10);
    expect((await entriesOf(tenant, customerId)).length).toBe(1);
  });

  it("replays a refusal as it was first answered, without executing again", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);
    const path = `/v1/customers/${customerId}/redemptions`;
    const first = await write(tenant, path, { points: 5 }, "redeem-key");
    await accrue(tenant, customerId, { points: 50 });

    const replay = await write(tenant, path, { points: 5 }, "redeem-key");

    expect(first.status).toBe(422);
    expect(replay.status).toBe(422);
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    expect(await replay.text()).toBe(await first.text());
    expect((await balanceOf(tenant, customerId)).available).toBe(50);
  });

  it("refuses a key first used on another route", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const patched = await call("/v1/settings", {
      method: "PATCH",
      key: tenant.apiKey,
      idempotencyKey: "shared-key",
      body: { points_expiry_days: 10 },
    });
    expect(patched.status).toBe(200);

    const reused = await write(
      tenant,
      `/v1/customers/${customerId}/accruals`,
      { points: 1 },
      "shared-key",
    );

    expect(reused.status).toBe(422);
    expect(await problemCode(reused)).toBe("idempotency_key_reused");
    expect((await balanceOf(tenant, customerId)).available).toBe(0);
  });

  it("stores the idempotency completion in the same batch as the entry", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);

    const response = await write(
      tenant,
      `/v1/customers/${customerId}/accruals`,
      { points: 3 },
      "k",
    );

    const stored = await REGION_DATABASES.eu
      .prepare(
        "select state, response_body from idempotency_keys where tenant_id = ? and idempotency_key = 'k'",
      )
      .bind(tenant.tenantId)
      .first<{ state: string; response_body: string }>();
    expect(stored).toEqual({ state: "completed", response_body: await response.text() });
  });
});

describe("ledger: erasure", () => {
  it("keeps an erased customer's entries, still verifies, and quotes the chain head", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    await accrue(tenant, customerId, { points: 12 });
    const last = await accrue(tenant, customerId, { points: 8 });

    const erased = await call(`/v1/customers/${customerId}`, {
      method: "DELETE",
      key: tenant.apiKey,
    });

    expect(erased.status).toBe(200);
    const { receipt } = (await erased.json()) as { receipt: { ledger_head: unknown } };
    expect(receipt.ledger_head).toEqual({ sequence: 2, hash: last.hash });
    expect((await entriesOf(tenant, customerId)).length).toBe(2);
    expect((await balanceOf(tenant, customerId)).available).toBe(20);
    expect(await verify(tenant)).toMatchObject({ ok: true, entries: 2 });
  });
});

describe("ledger: verification", () => {
  it("verifies a chain across customers and names its head", async () => {
    const tenant = await provisionTenant("apac");
    const one = await createCustomer(tenant);
    const two = await createCustomer(tenant);
    await accrue(tenant, one, { points: 10 });
    const last = await accrue(tenant, two, { points: 20 });

    const verdict = await verify(tenant);

    expect(verdict).toEqual({ ok: true, entries: 2, head: { sequence: 2, hash: last.hash } });
  });
});

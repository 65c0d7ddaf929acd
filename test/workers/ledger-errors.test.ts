import { describe, expect, it } from "vitest";
import { call, problemCode, provisionTenant } from "./helpers";
import {
  accrue,
  balanceOf,
  createCustomer,
  entriesOf,
  entryFrom,
  redeem,
  verify,
  write,
} from "./ledger-helpers";

describe("ledger: errors", () => {
  it("refuses points outside 1 to 10^9, fractions, strings and unknown fields with 400", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const path = `/v1/customers/${customerId}/accruals`;

    for (const body of [
      { points: 0 },
      { points: 1_000_000_001 },
      { points: 1.5 },
      { points: "10" },
      { points: 10, bonus: true },
      {},
    ]) {
      const response = await write(tenant, path, body);
      expect(response.status).toBe(400);
      expect(await problemCode(response)).toBe("validation_failed");
    }
    expect((await entriesOf(tenant, customerId)).length).toBe(0);
  });

  it("refuses malformed JSON with 400 and changes nothing", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);

    const response = await call(`/v1/customers/${customerId}/accruals`, {
      method: "POST",
      key: tenant.apiKey,
      idempotencyKey: crypto.randomUUID(),
      rawBody: '{"points": 10',
    });

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe("malformed_json");
    expect((await balanceOf(tenant, customerId)).available).toBe(0);
  });

  it("refuses an expires_at that is not in the future", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);

    const response = await write(tenant, `/v1/customers/${customerId}/accruals`, {
      points: 10,
      expires_at: new Date(Date.now() - 1_000).toISOString(),
    });

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe("validation_failed");
  });

  it("requires an Idempotency-Key on every ledger write", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);

    const response = await call(`/v1/customers/${customerId}/accruals`, {
      method: "POST",
      key: tenant.apiKey,
      body: { points: 10 },
    });

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe("idempotency_key_missing");
  });

  it("answers 422 insufficient_points when the balance is short, and changes nothing", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    await accrue(tenant, customerId, { points: 10 });

    const response = await redeem(tenant, customerId, 11);

    expect(response.status).toBe(422);
    expect(await problemCode(response)).toBe("insufficient_points");
    expect((await balanceOf(tenant, customerId)).available).toBe(10);
    expect((await verify(tenant)).entries).toBe(1);
  });

  it("answers 409 already_voided to a second void of the same entry", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const accrual = await accrue(tenant, customerId, { points: 10 });
    expect((await write(tenant, `/v1/entries/${accrual.id}/void`, {})).status).toBe(201);

    const again = await write(tenant, `/v1/entries/${accrual.id}/void`, {});

    expect(again.status).toBe(409);
    expect(await problemCode(again)).toBe("already_voided");
    expect((await balanceOf(tenant, customerId)).available).toBe(0);
  });

  it("refuses to void a void, a refund or an expiry", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const accrual = await accrue(tenant, customerId, { points: 10 });
    const voided = await entryFrom(await write(tenant, `/v1/entries/${accrual.id}/void`, {}));

    const response = await write(tenant, `/v1/entries/${voided.id}/void`, {});

    expect(response.status).toBe(422);
    expect(await problemCode(response)).toBe("entry_not_voidable");
  });

  it("answers 422 refund_exceeds_accrual for more than is left to refund", async () => {
    const tenant = await provisionTenant("us");
    const customerId = await createCustomer(tenant);
    await accrue(tenant, customerId, { points: 40, order_id: "order-1" });
    const path = `/v1/customers/${customerId}/refunds`;

    const tooMuch = await write(tenant, path, { order_id: "order-1", points: 41 });
    const unknownOrder = await write(tenant, path, { order_id: "order-2" });

    expect(tooMuch.status).toBe(422);
    expect(await problemCode(tooMuch)).toBe("refund_exceeds_accrual");
    expect(await problemCode(unknownOrder)).toBe("refund_exceeds_accrual");
    expect((await balanceOf(tenant, customerId)).available).toBe(40);
  });

  it("answers 404 for a well-formed customer id that does not exist", async () => {
    const tenant = await provisionTenant("eu");
    const missing = "cus_eu_0000000000000000000000000a";

    const written = await write(tenant, `/v1/customers/${missing}/accruals`, { points: 1 });
    const read = await call(`/v1/customers/${missing}/balance`, { key: tenant.apiKey });

    expect(written.status).toBe(404);
    expect(await problemCode(written)).toBe("not_found");
    expect(read.status).toBe(404);
  });

  it("answers 410 customer_erased to new points for an erased customer", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    await call(`/v1/customers/${customerId}`, { method: "DELETE", key: tenant.apiKey });

    const response = await write(tenant, `/v1/customers/${customerId}/accruals`, { points: 1 });

    expect(response.status).toBe(410);
    expect(await problemCode(response)).toBe("customer_erased");
  });
});

describe("ledger: security", () => {
  it("answers 404 for another tenant's customer, exactly as for a missing one", async () => {
    const owner = await provisionTenant("eu");
    const intruder = await provisionTenant("eu");
    const customerId = await createCustomer(owner);
    await accrue(owner, customerId, { points: 10 });

    const written = await write(intruder, `/v1/customers/${customerId}/redemptions`, {
      points: 10,
    });
    const read = await call(`/v1/customers/${customerId}/entries`, { key: intruder.apiKey });

    expect(written.status).toBe(404);
    expect(await problemCode(written)).toBe("not_found");
    expect(read.status).toBe(404);
    expect((await balanceOf(owner, customerId)).available).toBe(10);
  });

  it("answers 404 for another region's customer", async () => {
    const owner = await provisionTenant("us");
    const intruder = await provisionTenant("eu");
    const customerId = await createCustomer(owner);

    const response = await call(`/v1/customers/${customerId}/balance`, { key: intruder.apiKey });

    expect(response.status).toBe(404);
    expect(await problemCode(response)).toBe("not_found");
  });

  it("answers 404 to a void of another tenant's entry and leaves it alone", async () => {
    const owner = await provisionTenant("eu");
    const intruder = await provisionTenant("eu");
    const customerId = await createCustomer(owner);
    const accrual = await accrue(owner, customerId, { points: 10 });

    const response = await write(intruder, `/v1/entries/${accrual.id}/void`, {});

    expect(response.status).toBe(404);
    expect(await problemCode(response)).toBe("not_found");
    expect((await balanceOf(owner, customerId)).available).toBe(10);
  });
});

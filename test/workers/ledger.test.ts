import { describe, expect, it } from "vitest";
import { provisionTenant } from "./helpers";
import {
  accrue,
  balanceOf,
  createCustomer,
  entriesOf,
  redeem,
  sumOf,
  verify,
} from "./ledger-helpers";

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
      sequence: 1,
      prev_hash: "0".repeat(64),
    });
    expect(entry.id).toMatch(/^ent_eu_[0-9a-z]{26}$/);
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    const balance = await balanceOf(tenant, customerId);
    expect(balance).toMatchObject({ available: 100, lifetime_accrued: 100 });
    expect(balance.as_of).toEqual({ sequence: 1, hash: entry.hash });
    const redeemed = await redeem(tenant, customerId, 30);
    expect(redeemed.status).toBe(201);
    const entries = await entriesOf(tenant, customerId);
    expect(sumOf(entries)).toBe(70);
    expect(await verify(tenant)).toMatchObject({ ok: true, entries: 2 });
  });
});

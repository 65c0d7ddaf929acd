import { describe, expect, it } from "vitest";
import { LedgerWriter } from "../../src/origin/ledger/writer";
import { provisionTenant, REGION_DATABASES } from "./helpers";
import { accrue, balanceOf, createCustomer, entriesOf, verify } from "./ledger-helpers";

const db = REGION_DATABASES.eu;

/**
 * An attacker with the database file is not bound by our triggers: they drop one, change what
 * they like and put the trigger back. The chain must still tell.
 */
async function withoutTrigger(name: string, tamper: () => Promise<unknown>): Promise<void> {
  const trigger = await db
    .prepare("select sql from sqlite_master where type = 'trigger' and name = ?")
    .bind(name)
    .first<{ sql: string }>();
  expect(trigger).not.toBeNull();
  await db.prepare(`drop trigger ${name}`).run();
  try {
    await tamper();
  } finally {
    await db.prepare(trigger!.sql).run();
  }
}

describe("ledger: append-only store (security)", () => {
  it("refuses UPDATE of an entry in the database itself", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const entry = await accrue(tenant, customerId, { points: 10 });

    const update = db
      .prepare("update ledger_entries set points = 1000 where id = ?")
      .bind(entry.id);

    await expect(update.run()).rejects.toThrow(/append-only/);
    expect((await balanceOf(tenant, customerId)).available).toBe(10);
  });

  it("refuses DELETE of an entry in the database itself", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    const entry = await accrue(tenant, customerId, { points: 10 });

    const remove = db.prepare("delete from ledger_entries where id = ?").bind(entry.id);

    await expect(remove.run()).rejects.toThrow(/append-only/);
    expect((await entriesOf(tenant, customerId)).length).toBe(1);
  });
});

describe("ledger: tamper evidence (security)", () => {
  it("names the first bad sequence when an entry is edited behind the API", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    for (const points of [10, 20, 30]) await accrue(tenant, customerId, { points });
    expect((await verify(tenant)).ok).toBe(true);

    await withoutTrigger("ledger_entries_no_update", () =>
      db
        .prepare("update ledger_entries set points = 2000 where tenant_id = ? and sequence = 2")
        .bind(tenant.tenantId)
        .run(),
    );

    expect(await verify(tenant)).toMatchObject({ ok: false, first_bad_sequence: 2 });
  });

  it("names the first bad sequence when an edited entry's own hash is recomputed too", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    for (const points of [10, 20, 30]) await accrue(tenant, customerId, { points });

    await withoutTrigger("ledger_entries_no_update", () =>
      db
        .prepare(
          "update ledger_entries set hash = '1111111111111111111111111111111111111111111111111111111111111111' where tenant_id = ? and sequence = 1",
        )
        .bind(tenant.tenantId)
        .run(),
    );

    expect(await verify(tenant)).toMatchObject({ ok: false, first_bad_sequence: 1 });
  });

  it("notices entries removed from the end of the chain", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    for (const points of [10, 20]) await accrue(tenant, customerId, { points });

    await withoutTrigger("ledger_entries_no_delete", () =>
      db
        .prepare("delete from ledger_entries where tenant_id = ? and sequence = 2")
        .bind(tenant.tenantId)
        .run(),
    );

    expect(await verify(tenant)).toMatchObject({ ok: false, first_bad_sequence: 2 });
  });
});

describe("ledger: sequencer recovery", () => {
  it("continues the chain from the store after a restart, and a stale head cannot fork it", async () => {
    const tenant = await provisionTenant("eu");
    const customerId = await createCustomer(tenant);
    await accrue(tenant, customerId, { points: 10 });

    // A new sequencer instance, as after an eviction: it knows nothing but the store.
    const restarted = new LedgerWriter(db, tenant.tenantId, "eu");
    const outcome = await restarted.submit({
      command: {
        kind: "accrual",
        customerId,
        points: 5,
        reason: null,
        orderId: null,
        expiresAt: null,
      },
      idempotency: null,
    });
    // The running sequencer still holds sequence 1 as its head; its next batch must notice.
    const after = await accrue(tenant, customerId, { points: 7 });

    expect(outcome.ok && outcome.entry.sequence).toBe(2);
    expect(after.sequence).toBe(3);
    expect(after.prev_hash).toBe(outcome.ok ? outcome.entry.hash : "");
    expect((await balanceOf(tenant, customerId)).available).toBe(22);
    expect(await verify(tenant)).toMatchObject({ ok: true, entries: 3 });
  });
});

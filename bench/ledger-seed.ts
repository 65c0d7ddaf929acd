/**
 * Writes a customer's history straight into a region's database for the balance and verification
 * benchmarks: `count` accruals of one point, each a real chained entry with its lot, and the
 * balance snapshot they add up to. Going through the API would take minutes for 100,000 entries;
 * the rows are the same ones the sequencer writes, so the chain verifies and the balance holds.
 */
import type { D1Database, D1PreparedStatement } from "@cloudflare/workers-types";
import { type EntryContent, entryHash, GENESIS_POSITION } from "../src/origin/ledger/chain";
import { makeId } from "../src/shared/ids";

/** Entries per D1 batch; each entry is two statements (entry and lot). */
const SEED_BATCH_ENTRIES = 250;

export async function seedHistory(
  db: D1Database,
  tenantId: string,
  customerId: string,
  count: number,
): Promise<void> {
  let head = GENESIS_POSITION;
  const createdAt = new Date().toISOString();
  for (let start = 0; start < count; start += SEED_BATCH_ENTRIES) {
    const statements: D1PreparedStatement[] = [];
    for (let index = start; index < Math.min(count, start + SEED_BATCH_ENTRIES); index++) {
      const id = makeId("ent", "us");
      const content: EntryContent = {
        tenantId,
        sequence: head.sequence + 1,
        id,
        type: "accrual",
        customerId,
        points: 1,
        balanceAfter: index + 1,
        reason: null,
        orderId: null,
        voids: null,
        expiresAt: null,
        lots: [[id, 1]],
        createdAt,
      };
      const hash = await entryHash(head.hash, content);
      statements.push(
        db
          .prepare(
            "insert into ledger_entries (tenant_id, sequence, id, type, customer_id, points, balance_after, reason, order_id, voids, expires_at, lots, prev_hash, hash, created_at) values (?, ?, ?, 'accrual', ?, 1, ?, null, null, null, null, ?, ?, ?, ?)",
          )
          .bind(
            tenantId,
            content.sequence,
            id,
            customerId,
            index + 1,
            JSON.stringify(content.lots),
            head.hash,
            hash,
            createdAt,
          ),
        db
          .prepare(
            "insert into ledger_lots (id, tenant_id, customer_id, order_id, points, remaining, refunded, expires_at, voided, created_sequence) values (?, ?, ?, null, 1, 1, 0, null, 0, ?)",
          )
          .bind(id, tenantId, customerId, content.sequence),
      );
      head = { sequence: content.sequence, hash };
    }
    await db.batch(statements);
  }

  await db
    .prepare(
      "insert into ledger_balances (tenant_id, customer_id, available, lifetime_accrued, lifetime_redeemed, lifetime_expired, sequence, hash) values (?, ?, ?, ?, 0, 0, ?, ?)",
    )
    .bind(tenantId, customerId, count, count, head.sequence, head.hash)
    .run();
}

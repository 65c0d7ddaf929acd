/**
 * Writes a customer's history straight into a region's database for the balance and verification
 * benchmarks: `count` accruals of one point, each a real chained entry with its lot, and the
 * balance snapshot they add up to. Going through the API would take minutes for 100,000 entries;
 * the rows are the same ones the sequencer writes, so the chain verifies and the balance holds.
 */
import type { D1Database, D1PreparedStatement } from "@cloudflare/workers-types";
import {
  type ChainPosition,
  type EntryContent,
  entryHash,
  GENESIS_POSITION,
} from "../src/origin/ledger/chain";
import { makeId } from "../src/shared/ids";

/** Rows per multi-row insert: 10 entries bind 90 values, under D1's limit of 100 per statement. */
const ROWS_PER_STATEMENT = 10;
/** Statements per D1 batch. */
const STATEMENTS_PER_BATCH = 200;

export async function seedHistory(
  db: D1Database,
  tenantId: string,
  customerId: string,
  count: number,
): Promise<void> {
  let head = GENESIS_POSITION;
  const createdAt = new Date().toISOString();
  const perBatch = ROWS_PER_STATEMENT * STATEMENTS_PER_BATCH;
  for (let start = 0; start < count; start += perBatch) {
    const statements: D1PreparedStatement[] = [];
    for (
      let chunk = start;
      chunk < Math.min(count, start + perBatch);
      chunk += ROWS_PER_STATEMENT
    ) {
      const rows = Math.min(ROWS_PER_STATEMENT, count - chunk);
      const seeded = await chainRows(tenantId, customerId, head, chunk, rows, createdAt);
      statements.push(...insertRows(db, tenantId, customerId, seeded, createdAt));
      head = seeded.at(-1)!.position;
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

interface SeededEntry {
  readonly id: string;
  readonly prevHash: string;
  readonly position: ChainPosition;
}

async function chainRows(
  tenantId: string,
  customerId: string,
  from: ChainPosition,
  offset: number,
  rows: number,
  createdAt: string,
): Promise<SeededEntry[]> {
  const seeded: SeededEntry[] = [];
  let head = from;
  for (let index = 0; index < rows; index++) {
    const id = makeId("ent", "us");
    const content: EntryContent = {
      tenantId,
      sequence: head.sequence + 1,
      id,
      type: "accrual",
      customerId,
      points: 1,
      balanceAfter: offset + index + 1,
      reason: null,
      orderId: null,
      voids: null,
      expiresAt: null,
      lots: [[id, 1]],
      createdAt,
    };
    const hash = await entryHash(head.hash, content);
    seeded.push({ id, prevHash: head.hash, position: { sequence: content.sequence, hash } });
    head = { sequence: content.sequence, hash };
  }
  return seeded;
}

function insertRows(
  db: D1Database,
  tenantId: string,
  customerId: string,
  seeded: readonly SeededEntry[],
  createdAt: string,
): D1PreparedStatement[] {
  const entryValues = seeded.map(() => "(?, ?, ?, 'accrual', ?, 1, ?, ?, ?, ?, ?)").join(", ");
  const lotValues = seeded.map(() => "(?, ?, ?, null, 1, 1, 0, null, 0, ?)").join(", ");
  return [
    db
      .prepare(
        `insert into ledger_entries (tenant_id, sequence, id, type, customer_id, points, balance_after, lots, prev_hash, hash, created_at) values ${entryValues}`,
      )
      .bind(
        ...seeded.flatMap((entry) => [
          tenantId,
          entry.position.sequence,
          entry.id,
          customerId,
          entry.position.sequence,
          JSON.stringify([[entry.id, 1]]),
          entry.prevHash,
          entry.position.hash,
          createdAt,
        ]),
      ),
    db
      .prepare(
        `insert into ledger_lots (id, tenant_id, customer_id, order_id, points, remaining, refunded, expires_at, voided, created_sequence) values ${lotValues}`,
      )
      .bind(
        ...seeded.flatMap((entry) => [entry.id, tenantId, customerId, entry.position.sequence]),
      ),
  ];
}

import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

/** One movement of points on one lot, as an entry records it: `[lot id, signed points]`. */
export type LotMovement = readonly [lotId: string, points: number];

/**
 * The ledger: one row per movement of points, never updated or deleted (triggers in the
 * `ledger_append_only` migration refuse both). `(tenant_id, sequence)` is the primary key, so two
 * writers holding a stale chain head cannot both append the same position: the chain cannot fork.
 * `lots` records which lots the entry touched and by how much, so refunds and voids act on exactly
 * the points they concern.
 */
export const ledgerEntries = sqliteTable(
  "ledger_entries",
  {
    tenantId: text("tenant_id").notNull(),
    sequence: integer("sequence").notNull(),
    id: text("id").notNull(),
    type: text("type", {
      enum: ["accrual", "redemption", "expiry", "void", "refund"],
    }).notNull(),
    customerId: text("customer_id").notNull(),
    points: integer("points").notNull(),
    balanceAfter: integer("balance_after").notNull(),
    reason: text("reason"),
    orderId: text("order_id"),
    voids: text("voids"),
    expiresAt: text("expires_at"),
    lots: text("lots", { mode: "json" }).$type<LotMovement[]>().notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.sequence] }),
    uniqueIndex("ledger_entries_id_idx").on(table.id),
    index("ledger_entries_customer_idx").on(table.tenantId, table.customerId, table.sequence),
    // At most one void per entry, enforced by the store as well as by the sequencer.
    uniqueIndex("ledger_entries_voids_idx").on(table.voids),
  ],
);

/**
 * Lots: what each accrual put in and what is left of it. A lot is working state derived from the
 * entries (every change to `remaining` is an entry's lot movement), kept so that redemptions and
 * expiry runs need not replay history.
 */
export const ledgerLots = sqliteTable(
  "ledger_lots",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    customerId: text("customer_id").notNull(),
    orderId: text("order_id"),
    points: integer("points").notNull(),
    remaining: integer("remaining").notNull(),
    refunded: integer("refunded").notNull().default(0),
    expiresAt: text("expires_at"),
    voided: integer("voided", { mode: "boolean" }).notNull().default(false),
    createdSequence: integer("created_sequence").notNull(),
  },
  (table) => [
    index("ledger_lots_customer_idx").on(table.tenantId, table.customerId, table.remaining),
    index("ledger_lots_order_idx").on(table.tenantId, table.customerId, table.orderId),
    index("ledger_lots_expiry_idx").on(table.tenantId, table.expiresAt, table.remaining),
  ],
);

/**
 * Balance snapshots, one per customer, written in the same batch as the entry that changes them.
 * `sequence` and `hash` name the customer's latest entry: the snapshot equals the sum of the
 * customer's entries up to and including that position.
 */
export const ledgerBalances = sqliteTable(
  "ledger_balances",
  {
    tenantId: text("tenant_id").notNull(),
    customerId: text("customer_id").notNull(),
    available: integer("available").notNull(),
    lifetimeAccrued: integer("lifetime_accrued").notNull(),
    lifetimeRedeemed: integer("lifetime_redeemed").notNull(),
    lifetimeExpired: integer("lifetime_expired").notNull(),
    sequence: integer("sequence").notNull(),
    hash: text("hash").notNull(),
  },
  (table) => [primaryKey({ columns: [table.tenantId, table.customerId] })],
);

/**
 * The transactional outbox: an event row is written in the same batch as the entry it announces
 * and removed once the queue has accepted it, so an event is never lost and never announces a
 * write that did not commit. Payloads are checked against the event registry before they are
 * written.
 */
export const eventOutbox = sqliteTable(
  "event_outbox",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    type: text("type").notNull(),
    payload: text("payload").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [index("event_outbox_created_idx").on(table.createdAt)],
);

import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenants } from "./foundation";

/**
 * Customers and their personal data. Email, name and external id are stored only sealed with the
 * customer's data key (DEK), which is stored only wrapped by the tenant's key-encryption key (KEK).
 * The KEK itself never lives in this database. Erasure clears the wrapped DEK, the email hash and
 * the sealed fields, and keeps the row so that ledger entries still name a customer.
 */
export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    status: text("status", { enum: ["active", "erased"] })
      .notNull()
      .default("active"),
    emailHash: text("email_hash"),
    emailSealed: text("email_sealed"),
    nameSealed: text("name_sealed"),
    externalIdSealed: text("external_id_sealed"),
    /** A public name for the data key, quoted in the erasure receipt. */
    dataKeyId: text("data_key_id").notNull(),
    wrappedDataKey: text("wrapped_data_key"),
    /**
     * The KEK the data key is wrapped under. An erased row keeps it: the erasure holds against
     * backups once this KEK is destroyed.
     */
    kekId: text("kek_id"),
    createdAt: text("created_at").notNull(),
    erasedAt: text("erased_at"),
    erasureLedgerSequence: integer("erasure_ledger_sequence"),
    erasureLedgerHash: text("erasure_ledger_hash"),
    /** When the KEK that had wrapped the destroyed DEK was itself destroyed. */
    erasureFinalAt: text("erasure_final_at"),
  },
  (table) => [
    // SQLite lets many rows hold a null hash, so erased customers never block a new sign-up.
    uniqueIndex("customers_tenant_email_hash_idx").on(table.tenantId, table.emailHash),
    index("customers_tenant_kek_idx").on(table.tenantId, table.kekId),
    index("customers_tenant_erasure_idx").on(table.tenantId, table.status, table.erasureFinalAt),
  ],
);

/**
 * The tenant's current KEK, named here so that a creation can only commit a DEK wrapped under the
 * key that is current at the moment of its insert: a rotation switches this row first, and no
 * DEK wrapped under the old key can be written after that.
 */
export const customerKeyStates = sqliteTable("customer_key_states", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id),
  currentKekId: text("current_kek_id").notNull(),
  /** The previous KEK while a rotation rewraps its data keys; null once it is destroyed. */
  retiringKekId: text("retiring_kek_id"),
  rotatedAt: text("rotated_at").notNull(),
});

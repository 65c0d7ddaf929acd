import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The embedded KEK provider's key store: a database of its own per region (binding KEYS), so the
 * data database never holds a KEK. It offers no separation from someone who can read both files;
 * it stands in for a key vault during development and tests.
 */
export const keyEncryptionKeys = sqliteTable(
  "key_encryption_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    /** 32 bytes, hex. The row is deleted when the key is destroyed. */
    material: text("material").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [index("key_encryption_keys_tenant_idx").on(table.tenantId)],
);

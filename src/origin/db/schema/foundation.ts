import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The regional store's schema. Every table lives in one region's database only; nothing here is
 * global. Timestamps are RFC 3339 strings in UTC, written by the application.
 */
export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  region: text("region").notNull(),
  name: text("name").notNull(),
  status: text("status", { enum: ["active", "terminated"] })
    .notNull()
    .default("active"),
  createdAt: text("created_at").notNull(),
});

export const tenantSettings = sqliteTable("tenant_settings", {
  tenantId: text("tenant_id")
    .primaryKey()
    .references(() => tenants.id),
  pointsExpiryDays: integer("points_expiry_days"),
  redemptionFloor: integer("redemption_floor").notNull().default(0),
  reversalWindowSeconds: integer("reversal_window_seconds").notNull().default(900),
  allowedOrigins: text("allowed_origins", { mode: "json" })
    .$type<string[]>()
    .notNull()
    .default(sql`'[]'`),
  updatedAt: text("updated_at").notNull(),
});

/** API keys and widget tokens. Only an Argon2id hash of the secret is stored. */
export const credentials = sqliteTable(
  "credentials",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    kind: text("kind", { enum: ["api_key", "widget_token"] }).notNull(),
    name: text("name").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    secretHash: text("secret_hash").notNull(),
    customerId: text("customer_id"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
  },
  (table) => [index("credentials_tenant_idx").on(table.tenantId, table.kind, table.createdAt)],
);

/**
 * Idempotency records, scoped to the tenant. A record is `pending` while its request runs and
 * `completed` once the first response is stored; a pending record whose lease has lapsed (the
 * worker died mid-request) may be claimed again.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    tenantId: text("tenant_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    fingerprint: text("fingerprint").notNull(),
    state: text("state", { enum: ["pending", "completed"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: text("created_at").notNull(),
    leaseExpiresAt: text("lease_expires_at").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.tenantId, table.idempotencyKey] }),
    index("idempotency_created_idx").on(table.createdAt),
  ],
);

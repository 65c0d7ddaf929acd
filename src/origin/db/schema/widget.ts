import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Redemptions a customer made through the widget. Only these can be reversed from the widget: a
 * redemption the merchant recorded (at a till, say) is not the customer's to undo.
 */
export const widgetRedemptions = sqliteTable(
  "widget_redemptions",
  {
    entryId: text("entry_id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    customerId: text("customer_id").notNull(),
    /** The widget token that made it, for the merchant's audit. */
    credentialId: text("credential_id").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (table) => [index("widget_redemptions_customer_idx").on(table.tenantId, table.customerId)],
);

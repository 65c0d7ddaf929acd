import { and, eq } from "drizzle-orm";
import { DomainError } from "../../shared/problems";
import type { Database } from "../db/client";
import { widgetRedemptions } from "../db/schema";
import type { EntryView } from "../ledger/model";

/** What a widget token may do, beyond the ledger itself: remember and find its redemptions. */
export class WidgetRedemptionRegistry {
  constructor(private readonly db: Database) {}

  async record(
    tenantId: string,
    credentialId: string,
    entry: Pick<EntryView, "id" | "customer_id" | "created_at">,
  ): Promise<void> {
    await this.db
      .insert(widgetRedemptions)
      .values({
        entryId: entry.id,
        tenantId,
        customerId: entry.customer_id,
        credentialId,
        createdAt: entry.created_at,
      })
      .onConflictDoNothing();
  }

  /** A redemption this customer made through the widget; anything else is not found, alike. */
  async find(
    tenantId: string,
    customerId: string,
    entryId: string,
  ): Promise<{ createdAt: string }> {
    const [row] = await this.db
      .select({ createdAt: widgetRedemptions.createdAt })
      .from(widgetRedemptions)
      .where(
        and(
          eq(widgetRedemptions.entryId, entryId),
          eq(widgetRedemptions.tenantId, tenantId),
          eq(widgetRedemptions.customerId, customerId),
        ),
      );
    if (!row) throw new DomainError("not_found", "No such redemption");
    return row;
  }
}

import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { DomainError } from "../../shared/problems";
import type { Database } from "../db/client";
import { ledgerEntries, widgetRedemptions } from "../db/schema";

/** How many open reversals /v1/widget/me lists; a person redeems a handful at a time. */
export const MAX_LISTED_REVERSALS = 20;

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

  /**
   * The customer's widget redemptions still within the window and not voided, newest first, so
   * that a widget opened again still offers to reverse them. The server judges the window again
   * when a reversal arrives; this list is only what to offer.
   */
  async reversible(
    tenantId: string,
    customerId: string,
    windowSeconds: number,
    nowMs: number,
  ): Promise<{ entry_id: string; reversible_until: string }[]> {
    const since = new Date(nowMs - windowSeconds * 1000).toISOString();
    const rows = await this.db
      .select({ entryId: widgetRedemptions.entryId, createdAt: widgetRedemptions.createdAt })
      .from(widgetRedemptions)
      .leftJoin(
        ledgerEntries,
        and(
          eq(ledgerEntries.tenantId, widgetRedemptions.tenantId),
          eq(ledgerEntries.voids, widgetRedemptions.entryId),
        ),
      )
      .where(
        and(
          eq(widgetRedemptions.tenantId, tenantId),
          eq(widgetRedemptions.customerId, customerId),
          gt(widgetRedemptions.createdAt, since),
          isNull(ledgerEntries.id),
        ),
      )
      .orderBy(desc(widgetRedemptions.createdAt))
      .limit(MAX_LISTED_REVERSALS);

    return rows.map((row) => ({
      entry_id: row.entryId,
      reversible_until: new Date(Date.parse(row.createdAt) + windowSeconds * 1000).toISOString(),
    }));
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

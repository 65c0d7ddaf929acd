import { desc, eq } from "drizzle-orm";
import type { Database } from "./db/client";
import { ledgerEntries } from "./db/schema";

export interface LedgerHead {
  readonly sequence: number;
  readonly hash: string;
}

/** The head of an empty chain: no entry yet, and a hash of zeros for the first entry to follow. */
export const GENESIS_LEDGER_HEAD: LedgerHead = { sequence: 0, hash: "0".repeat(64) };

/**
 * The tenant's committed ledger chain head, quoted in erasure receipts: the position and hash of
 * its latest entry, or the genesis value before the first. Entries only ever commit through the
 * tenant's sequencer, in whole batches, so this read never sees half a group.
 */
export async function readLedgerHead(db: Database, tenantId: string): Promise<LedgerHead> {
  const [row] = await db
    .select({ sequence: ledgerEntries.sequence, hash: ledgerEntries.hash })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.tenantId, tenantId))
    .orderBy(desc(ledgerEntries.sequence))
    .limit(1);
  return row ?? GENESIS_LEDGER_HEAD;
}

import type { Database } from "./db/client";

export interface LedgerHead {
  readonly sequence: number;
  readonly hash: string;
}

/** The head of an empty chain: no entry yet, and a hash of zeros for the first entry to follow. */
export const GENESIS_LEDGER_HEAD: LedgerHead = { sequence: 0, hash: "0".repeat(64) };

/**
 * The tenant's ledger chain head, quoted in erasure receipts. The ledger does not exist yet, so
 * every tenant's head is the genesis value; this function is the one place that changes when it does.
 */
export async function readLedgerHead(_db: Database, _tenantId: string): Promise<LedgerHead> {
  return GENESIS_LEDGER_HEAD;
}

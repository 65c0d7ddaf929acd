import type { LotMovement } from "../db/schema";
import type { ChainPosition, EntryType } from "./chain";
import type { IdempotencyClaim } from "./idempotency";

/** A lot as the sequencer works on it: what an accrual put in and what is left of it. */
export interface Lot {
  readonly id: string;
  readonly customerId: string;
  readonly orderId: string | null;
  readonly points: number;
  remaining: number;
  refunded: number;
  readonly expiresAt: string | null;
  voided: boolean;
  readonly createdSequence: number;
}

/**
 * A customer's balance. The lifetime figures are net of voids and refunds, so that
 * `available = lifetimeAccrued - lifetimeRedeemed - lifetimeExpired` holds at every position.
 */
export interface Balance {
  available: number;
  lifetimeAccrued: number;
  lifetimeRedeemed: number;
  lifetimeExpired: number;
  asOf: ChainPosition;
}

export function emptyBalance(asOf: ChainPosition): Balance {
  return { available: 0, lifetimeAccrued: 0, lifetimeRedeemed: 0, lifetimeExpired: 0, asOf };
}

/** What a command asks the ledger to do. Inputs are already validated against the contract. */
export type LedgerCommand =
  | {
      readonly kind: "accrual";
      readonly customerId: string;
      readonly points: number;
      readonly reason: string | null;
      readonly orderId: string | null;
      /** Null: the tenant's `points_expiry_days` decides, read when the write is planned. */
      readonly expiresAt: string | null;
    }
  | {
      readonly kind: "redemption";
      readonly customerId: string;
      readonly points: number;
      readonly reason: string | null;
    }
  | { readonly kind: "void"; readonly entryId: string; readonly reason: string | null }
  | {
      readonly kind: "refund";
      readonly customerId: string;
      readonly orderId: string;
      readonly points: number | null;
    };

/** A command together with the Idempotency-Key that carried it. */
export interface LedgerWrite {
  readonly command: LedgerCommand;
  /** Checked and stored by the sequencer, in the same batch as the entry (null: none). */
  readonly idempotency: IdempotencyClaim | null;
}

/** The entry a command produces, before the sequencer gives it a position and hashes it. */
export interface EntryDraft {
  readonly type: EntryType;
  readonly customerId: string;
  readonly points: number;
  readonly reason: string | null;
  readonly orderId: string | null;
  readonly voids: string | null;
  readonly expiresAt: string | null;
  readonly lots: LotMovement[];
}

/** The public entry object (API.md, Ledger). */
export interface EntryView {
  readonly id: string;
  readonly type: EntryType;
  readonly customer_id: string;
  readonly points: number;
  readonly balance_after: number;
  readonly reason: string | null;
  readonly order_id: string | null;
  readonly voids: string | null;
  readonly expires_at: string | null;
  /** The lots the entry touched and by how much; expiry entries name the lot they expire. */
  readonly lots: { lot_id: string; points: number }[];
  readonly sequence: number;
  readonly prev_hash: string;
  readonly hash: string;
  readonly created_at: string;
}

/** The expected refusals of a ledger write; each is a problem code in shared/problems.ts. */
export type LedgerRefusal =
  | "customer_erased"
  | "insufficient_points"
  | "already_voided"
  | "entry_not_voidable"
  | "refund_exceeds_accrual"
  | "not_found";

export type WriteOutcome =
  | { readonly ok: true; readonly entry: EntryView; readonly body: string }
  | {
      readonly ok: false;
      readonly code:
        | LedgerRefusal
        | "ledger_busy"
        | "idempotency_key_reused"
        | "idempotency_key_in_progress";
      readonly detail: string;
      readonly extensions?: Record<string, unknown>;
    }
  /** The stored first answer to the same key and request, to be sent again as it was. */
  | { readonly ok: false; readonly replayed: true; readonly status: number; readonly body: string };

export class LedgerRefused extends Error {
  override readonly name = "LedgerRefused";

  constructor(
    readonly code: LedgerRefusal,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(`${code}: ${detail}`);
  }
}

/** Expiry first, soonest first; lots without expiry last; among equals the older lot first. */
export function compareLots(left: Lot, right: Lot): number {
  if (left.expiresAt !== right.expiresAt) {
    if (left.expiresAt === null) return 1;
    if (right.expiresAt === null) return -1;
    return left.expiresAt < right.expiresAt ? -1 : 1;
  }
  return left.createdSequence - right.createdSequence;
}

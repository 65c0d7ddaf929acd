import { DomainError } from "../../shared/problems";
import type { LotMovement } from "../db/schema";
import type { OriginEnv } from "../env";
import {
  type ChainPosition,
  type EntryContent,
  type EntryType,
  GENESIS_POSITION,
  type StoredLink,
  verifyLinks,
} from "./chain";
import { toEntryView } from "./commit-batch";
import type { EntryView, LedgerWrite, WriteOutcome } from "./model";
import { sequencerFor } from "./sequencer";
import { readChainHead } from "./writer";

/** Verification reads the chain in pages of this many entries, so memory stays bounded. */
export const VERIFY_PAGE_SIZE = 5_000;
/** Pages read ahead while one is hashed; memory holds at most this many pages plus one. */
export const VERIFY_PAGES_IN_FLIGHT = 3;
/** One verification covers at most this many pages (ten million entries). */
export const MAX_VERIFY_PAGES = 2_000;

export interface BalanceView {
  readonly customer_id: string;
  readonly available: number;
  readonly lifetime_accrued: number;
  readonly lifetime_redeemed: number;
  readonly lifetime_expired: number;
  readonly as_of: ChainPosition;
}

export interface Verification {
  readonly ok: boolean;
  readonly entries: number;
  readonly head: ChainPosition;
  readonly first_bad_sequence?: number;
}

interface EntryRow {
  tenant_id: string;
  sequence: number;
  id: string;
  type: EntryType;
  customer_id: string;
  points: number;
  balance_after: number;
  reason: string | null;
  order_id: string | null;
  voids: string | null;
  expires_at: string | null;
  lots: string;
  prev_hash: string;
  hash: string;
  created_at: string;
}

/**
 * The ledger as routes see it. Writes go to the tenant's sequencer; reads go straight to the
 * regional store, which only ever holds committed state: a balance is one snapshot row, whatever
 * the length of the customer's history.
 */
export class LedgerService {
  constructor(
    private readonly db: D1Database,
    private readonly env: OriginEnv,
  ) {}

  write(tenantId: string, write: LedgerWrite): Promise<WriteOutcome> {
    return sequencerFor(this.env, tenantId).write(tenantId, write);
  }

  expire(tenantId: string, nowMs: number): Promise<number> {
    return sequencerFor(this.env, tenantId).expire(tenantId, nowMs);
  }

  /** A customer of this tenant; another tenant's or a missing one is not found, alike. */
  async customerStatus(tenantId: string, customerId: string): Promise<"active" | "erased"> {
    const row = await this.db
      .prepare("select status from customers where tenant_id = ? and id = ?")
      .bind(tenantId, customerId)
      .first<{ status: "active" | "erased" }>();
    if (!row) throw new DomainError("not_found", "No such resource");
    return row.status;
  }

  async balance(tenantId: string, customerId: string): Promise<BalanceView> {
    const row = await this.db
      .prepare(
        "select available, lifetime_accrued, lifetime_redeemed, lifetime_expired, sequence, hash from ledger_balances where tenant_id = ? and customer_id = ?",
      )
      .bind(tenantId, customerId)
      .first<Record<string, number> & { hash: string }>();
    return {
      customer_id: customerId,
      available: row?.available ?? 0,
      lifetime_accrued: row?.lifetime_accrued ?? 0,
      lifetime_redeemed: row?.lifetime_redeemed ?? 0,
      lifetime_expired: row?.lifetime_expired ?? 0,
      as_of: row ? { sequence: row.sequence!, hash: row.hash } : GENESIS_POSITION,
    };
  }

  /** Newest first; `startingAfter` must be an entry of this customer, else it is not found. */
  async entries(
    tenantId: string,
    customerId: string,
    limit: number,
    startingAfter: string | undefined,
  ): Promise<{ data: EntryView[]; has_more: boolean }> {
    let before = Number.MAX_SAFE_INTEGER;
    if (startingAfter !== undefined) {
      const anchor = await this.db
        .prepare(
          "select sequence from ledger_entries where tenant_id = ? and customer_id = ? and id = ?",
        )
        .bind(tenantId, customerId, startingAfter)
        .first<{ sequence: number }>();
      if (!anchor) throw new DomainError("not_found", "No such resource");
      before = anchor.sequence;
    }

    const { results } = await this.db
      .prepare(
        "select * from ledger_entries where tenant_id = ? and customer_id = ? and sequence < ? order by sequence desc limit ?",
      )
      .bind(tenantId, customerId, before, limit + 1)
      .all<EntryRow>();
    const page = results.slice(0, limit).map(entryViewOf);
    return { data: page, has_more: results.length > limit };
  }

  head(tenantId: string): Promise<ChainPosition> {
    return readChainHead(this.db, tenantId);
  }

  /**
   * Recomputes the tenant's chain from its first entry, a page at a time. Beyond the links
   * themselves, no balance snapshot may name a position past the chain's end: that catches
   * entries removed from the tail, which no link can show.
   */
  async verify(tenantId: string): Promise<Verification> {
    const pages = new PagePipeline((index) =>
      this.db
        .prepare(
          `select ${LINK_COLUMNS} from ledger_entries where tenant_id = ? and sequence > ? and sequence <= ? order by sequence`,
        )
        .bind(tenantId, index * VERIFY_PAGE_SIZE, (index + 1) * VERIFY_PAGE_SIZE)
        .raw<LinkRow>(),
    );

    let position = GENESIS_POSITION;
    try {
      for (let page = 0; page < MAX_VERIFY_PAGES; page++) {
        const rows = await pages.next(page);
        if (rows.length === 0) break;

        const verdict = await verifyLinks(position, rows.map(linkOf));
        if (!verdict.ok) return refuted(position, verdict.firstBadSequence);
        position = verdict.head;
        if (rows.length < VERIFY_PAGE_SIZE) break;
      }
    } finally {
      await pages.close();
    }

    return (await this.endsAt(tenantId, position))
      ? { ok: true, entries: position.sequence, head: position }
      : refuted(position, position.sequence + 1);
  }

  /**
   * The chain must end where the verified links end: no entry may lie beyond a gap, and no balance
   * snapshot may name a later position. That catches entries removed from the tail or the middle,
   * which no remaining link can show.
   */
  private async endsAt(tenantId: string, position: ChainPosition): Promise<boolean> {
    const [beyond, snapshot] = await this.db.batch<{ found: number | null }>([
      this.db
        .prepare("select max(sequence) as found from ledger_entries where tenant_id = ?")
        .bind(tenantId),
      this.db
        .prepare("select max(sequence) as found from ledger_balances where tenant_id = ?")
        .bind(tenantId),
    ]);
    const lastEntry = beyond?.results[0]?.found ?? 0;
    const lastSnapshot = snapshot?.results[0]?.found ?? 0;
    return lastEntry === position.sequence && lastSnapshot <= position.sequence;
  }
}

/** Pages of the chain requested ahead of the one being hashed, so reading and hashing overlap. */
class PagePipeline<Row> {
  private readonly inFlight = new Map<number, Promise<Row[]>>();

  constructor(private readonly read: (index: number) => Promise<Row[]>) {}

  next(index: number): Promise<Row[]> {
    for (let ahead = index; ahead < index + VERIFY_PAGES_IN_FLIGHT; ahead++) {
      if (!this.inFlight.has(ahead)) this.inFlight.set(ahead, this.read(ahead));
    }
    const page = this.inFlight.get(index)!;
    this.inFlight.delete(index);
    return page;
  }

  /** Pages read past the end are dropped; their failures no longer matter. */
  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight.values());
    this.inFlight.clear();
  }
}

/**
 * Verification reads rows as arrays in this column order. Sequences have no gaps, so page n is
 * the range (n × size, (n + 1) × size] and pages can be requested before the previous one has
 * arrived: against a remote database, reading and hashing then overlap.
 */
const LINK_COLUMNS =
  "tenant_id, sequence, id, type, customer_id, points, balance_after, reason, order_id, voids, expires_at, lots, prev_hash, hash, created_at";

type LinkRow = [
  tenantId: string,
  sequence: number,
  id: string,
  type: EntryType,
  customerId: string,
  points: number,
  balanceAfter: number,
  reason: string | null,
  orderId: string | null,
  voids: string | null,
  expiresAt: string | null,
  lotsJson: string,
  prevHash: string,
  hash: string,
  createdAt: string,
];

function refuted(position: ChainPosition, firstBadSequence: number): Verification {
  return {
    ok: false,
    entries: position.sequence,
    head: position,
    first_bad_sequence: firstBadSequence,
  };
}

function contentOf(row: EntryRow): EntryContent {
  return {
    tenantId: row.tenant_id,
    sequence: row.sequence,
    id: row.id,
    type: row.type,
    customerId: row.customer_id,
    points: row.points,
    balanceAfter: row.balance_after,
    reason: row.reason,
    orderId: row.order_id,
    voids: row.voids,
    expiresAt: row.expires_at,
    lots: parseLots(row.lots),
    createdAt: row.created_at,
  };
}

/**
 * Stored lots are our own JSON; text that does not parse was altered outside the product, and
 * stands in as a value no honest entry holds, so that its hash fails instead of the request.
 */
function parseLots(text: string): LotMovement[] {
  try {
    return JSON.parse(text) as LotMovement[];
  } catch {
    return [["unreadable", 0]];
  }
}

function linkOf(row: LinkRow): StoredLink {
  const [tenantId, sequence, id, type, customerId, points, balanceAfter, reason, orderId] = row;
  const [, , , , , , , , , voids, expiresAt, lotsJson, prevHash, hash, createdAt] = row;
  return {
    tenantId,
    sequence,
    id,
    type,
    customerId,
    points,
    balanceAfter,
    reason,
    orderId,
    voids,
    expiresAt,
    lotsJson,
    prevHash,
    hash,
    createdAt,
  };
}

function entryViewOf(row: EntryRow): EntryView {
  return toEntryView(contentOf(row), row.prev_hash, row.hash);
}

import { invariant } from "../../shared/assert";
import type { LotMovement } from "../db/schema";
import { type EntryType, GENESIS_POSITION } from "./chain";
import { GroupIdempotency } from "./idempotency";
import { type Balance, compareLots, emptyBalance, LedgerRefused, type Lot } from "./model";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Open lots are read in pages of this many, in the order redemptions consume them. */
export const LOT_PAGE_SIZE = 256;
/** A customer's open lots are read at most this many pages deep within one commit group. */
export const MAX_LOT_PAGES = 4_000;
/** An order rarely has more than a few accruals; more than this is refused as a data error. */
export const MAX_LOTS_PER_ORDER = 100;

interface LotRow {
  id: string;
  customer_id: string;
  order_id: string | null;
  points: number;
  remaining: number;
  refunded: number;
  expires_at: string | null;
  voided: number;
  created_sequence: number;
}

interface BalanceRow {
  available: number;
  lifetime_accrued: number;
  lifetime_redeemed: number;
  lifetime_expired: number;
  sequence: number;
  hash: string;
}

export interface VoidTarget {
  readonly id: string;
  readonly type: EntryType;
  readonly customerId: string;
  readonly lots: LotMovement[];
}

interface OpenLotCursor {
  pages: number;
  exhausted: boolean;
  /** The last lot read so far, in consumption order. */
  frontier: Lot | null;
}

const LOT_ORDER = "(expires_at is null), expires_at, created_sequence";

/**
 * The state one commit group works on: balances and lots read from the regional store on first
 * use, then changed in memory as the group's commands are planned. Nothing is kept across groups,
 * so a group always starts from what is committed, and a failed batch leaves nothing stale behind.
 */
export class WorkingSet {
  readonly balances = new Map<string, Balance>();
  readonly lots = new Map<string, Lot>();
  readonly changedLots = new Set<string>();
  readonly newLots = new Set<string>();
  readonly voidedInGroup = new Set<string>();
  private readonly openLotCursors = new Map<string, OpenLotCursor>();
  private readonly customerStatuses = new Map<string, "active" | "erased" | null>();
  private expiryDays: number | null | undefined;
  readonly idempotency: GroupIdempotency;

  constructor(
    private readonly db: D1Database,
    private readonly tenantId: string,
  ) {
    this.idempotency = new GroupIdempotency(db, tenantId);
  }

  /**
   * Reads what a group's writes will need in one round trip: the named customers' statuses and
   * balance snapshots, the tenant's expiry setting and the group's idempotency records. A group
   * names at most MAX_GROUP_WRITES customers and keys, within D1's bound on parameters.
   */
  async prefetch(customerIds: readonly string[], keys: readonly string[]): Promise<void> {
    const unique = [...new Set(customerIds)];
    const marks = unique.map(() => "?").join(", ");
    const [customers, balances, settings, records] = await this.db.batch<Record<string, unknown>>([
      this.db
        .prepare(`select id, status from customers where tenant_id = ? and id in (${marks})`)
        .bind(this.tenantId, ...unique),
      this.db
        .prepare(
          `select customer_id, available, lifetime_accrued, lifetime_redeemed, lifetime_expired, sequence, hash from ledger_balances where tenant_id = ? and customer_id in (${marks})`,
        )
        .bind(this.tenantId, ...unique),
      this.db
        .prepare("select points_expiry_days from tenant_settings where tenant_id = ?")
        .bind(this.tenantId),
      this.idempotency.loadStatement(keys),
    ]);

    for (const id of unique) this.customerStatuses.set(id, null);
    for (const row of customers!.results as { id: string; status: "active" | "erased" }[]) {
      this.customerStatuses.set(row.id, row.status);
    }
    for (const id of unique) this.balances.set(id, emptyBalance(GENESIS_POSITION));
    for (const row of balances!.results as unknown as (BalanceRow & { customer_id: string })[]) {
      this.balances.set(row.customer_id, balanceFromRow(row));
    }
    const setting = settings!.results[0] as { points_expiry_days: number | null } | undefined;
    this.expiryDays = setting?.points_expiry_days ?? null;
    this.idempotency.absorb(records!.results as never);
  }

  /**
   * A customer of this tenant, once per group: another tenant's or a missing customer is not
   * found, alike; an erased one keeps its entries but takes no new points.
   */
  async requireCustomer(customerId: string, activeOnly: boolean): Promise<void> {
    let status = this.customerStatuses.get(customerId);
    if (status === undefined) {
      const row = await this.db
        .prepare("select status from customers where tenant_id = ? and id = ?")
        .bind(this.tenantId, customerId)
        .first<{ status: "active" | "erased" }>();
      status = row?.status ?? null;
      this.customerStatuses.set(customerId, status);
    }
    if (status === null) throw new LedgerRefused("not_found", "No such resource");
    if (activeOnly && status === "erased") {
      throw new LedgerRefused("customer_erased", "The customer was erased");
    }
  }

  /** The expiry an accrual without `expires_at` gets from the tenant's settings, read once. */
  async defaultExpiry(nowMs: number): Promise<string | null> {
    if (this.expiryDays === undefined) {
      const row = await this.db
        .prepare("select points_expiry_days from tenant_settings where tenant_id = ?")
        .bind(this.tenantId)
        .first<{ points_expiry_days: number | null }>();
      this.expiryDays = row?.points_expiry_days ?? null;
    }
    if (this.expiryDays === null) return null;
    return new Date(nowMs + this.expiryDays * DAY_MS).toISOString();
  }

  async balance(customerId: string): Promise<Balance> {
    const known = this.balances.get(customerId);
    if (known) return known;

    const row = await this.db
      .prepare(
        "select available, lifetime_accrued, lifetime_redeemed, lifetime_expired, sequence, hash from ledger_balances where tenant_id = ? and customer_id = ?",
      )
      .bind(this.tenantId, customerId)
      .first<BalanceRow>();
    const balance = row ? balanceFromRow(row) : emptyBalance(GENESIS_POSITION);
    this.balances.set(customerId, balance);
    return balance;
  }

  addLot(lot: Lot): void {
    this.lots.set(lot.id, lot);
    this.newLots.add(lot.id);
  }

  markChanged(lot: Lot): void {
    this.changedLots.add(lot.id);
  }

  /**
   * Takes `points` from the customer's open lots, soonest-expiring first and lots without expiry
   * last. Pages are read in that same order until the lots up to the last one read cover the
   * points, so no unread lot could have come first. The caller has checked the balance, which
   * always equals the sum of open lots, so running short means the stored state is inconsistent.
   */
  async consume(customerId: string, points: number): Promise<LotMovement[]> {
    const cursor = this.cursorOf(customerId);
    for (let page = 0; page < MAX_LOT_PAGES && !cursor.exhausted; page++) {
      if (sumOf(this.eligibleLots(customerId, cursor)) >= points) break;
      await this.loadOpenLotPage(customerId, cursor);
    }

    const movements: LotMovement[] = [];
    let left = points;
    for (const lot of this.eligibleLots(customerId, cursor)) {
      if (left === 0) break;
      const take = Math.min(lot.remaining, left);
      lot.remaining -= take;
      left -= take;
      this.markChanged(lot);
      movements.push([lot.id, -take]);
    }
    invariant(left === 0, "open lots do not cover a balance that was checked");
    return movements;
  }

  async lot(lotId: string): Promise<Lot | null> {
    const known = this.lots.get(lotId);
    if (known) return known;

    const row = await this.db
      .prepare("select * from ledger_lots where tenant_id = ? and id = ?")
      .bind(this.tenantId, lotId)
      .first<LotRow>();
    return row ? this.remember(row) : null;
  }

  async orderLots(customerId: string, orderId: string): Promise<Lot[]> {
    const { results } = await this.db
      .prepare(
        `select * from ledger_lots where tenant_id = ? and customer_id = ? and order_id = ? order by created_sequence limit ${MAX_LOTS_PER_ORDER}`,
      )
      .bind(this.tenantId, customerId, orderId)
      .all<LotRow>();
    const stored = results.map((row) => this.lots.get(row.id) ?? this.remember(row));
    const added = [...this.newLots]
      .map((id) => this.lots.get(id)!)
      .filter((lot) => lot.customerId === customerId && lot.orderId === orderId);
    return [...stored, ...added.filter((lot) => !stored.includes(lot))];
  }

  /** The entry a void names, if it belongs to this tenant, and whether it was voided already. */
  async voidTarget(entryId: string): Promise<{ target: VoidTarget; voided: boolean } | null> {
    const [entry, voiding] = await this.db.batch<Record<string, unknown>>([
      this.db
        .prepare(
          "select id, type, customer_id, lots from ledger_entries where tenant_id = ? and id = ?",
        )
        .bind(this.tenantId, entryId),
      this.db.prepare("select 1 from ledger_entries where voids = ?").bind(entryId),
    ]);
    const row = entry?.results[0] as
      | { id: string; type: EntryType; customer_id: string; lots: string }
      | undefined;
    if (!row) return null;

    const voided = (voiding?.results.length ?? 0) > 0 || this.voidedInGroup.has(entryId);
    const target = {
      id: row.id,
      type: row.type,
      customerId: row.customer_id,
      lots: JSON.parse(row.lots) as LotMovement[],
    };
    return { target, voided };
  }

  /** Lots of the tenant that have expired by `nowIso` and still hold points. */
  async expiredLots(nowIso: string, limit: number): Promise<Lot[]> {
    const { results } = await this.db
      .prepare(
        "select * from ledger_lots where tenant_id = ? and expires_at <= ? and remaining > 0 and voided = 0 order by expires_at, created_sequence limit ?",
      )
      .bind(this.tenantId, nowIso, limit)
      .all<LotRow>();
    return results.map((row) => this.lots.get(row.id) ?? this.remember(row));
  }

  /** Open lots known so far that no unread lot could precede. */
  private eligibleLots(customerId: string, cursor: OpenLotCursor): Lot[] {
    return [...this.lots.values()]
      .filter((lot) => lot.customerId === customerId && lot.remaining > 0 && !lot.voided)
      .filter(
        (lot) =>
          cursor.exhausted || (cursor.frontier !== null && compareLots(lot, cursor.frontier) <= 0),
      )
      .sort(compareLots);
  }

  private cursorOf(customerId: string): OpenLotCursor {
    let cursor = this.openLotCursors.get(customerId);
    if (!cursor) {
      cursor = { pages: 0, exhausted: false, frontier: null };
      this.openLotCursors.set(customerId, cursor);
    }
    return cursor;
  }

  private async loadOpenLotPage(customerId: string, cursor: OpenLotCursor): Promise<void> {
    const { results } = await this.db
      .prepare(
        `select * from ledger_lots where tenant_id = ? and customer_id = ? and remaining > 0 and voided = 0 order by ${LOT_ORDER} limit ? offset ?`,
      )
      .bind(this.tenantId, customerId, LOT_PAGE_SIZE, cursor.pages * LOT_PAGE_SIZE)
      .all<LotRow>();
    cursor.pages += 1;
    cursor.exhausted = results.length < LOT_PAGE_SIZE;

    const loaded = results.map((row) => this.lots.get(row.id) ?? this.remember(row));
    cursor.frontier = loaded.at(-1) ?? cursor.frontier;
  }

  private remember(row: LotRow): Lot {
    const lot: Lot = {
      id: row.id,
      customerId: row.customer_id,
      orderId: row.order_id,
      points: row.points,
      remaining: row.remaining,
      refunded: row.refunded,
      expiresAt: row.expires_at,
      voided: row.voided === 1,
      createdSequence: row.created_sequence,
    };
    this.lots.set(lot.id, lot);
    return lot;
  }
}

function balanceFromRow(row: BalanceRow): Balance {
  return {
    available: row.available,
    lifetimeAccrued: row.lifetime_accrued,
    lifetimeRedeemed: row.lifetime_redeemed,
    lifetimeExpired: row.lifetime_expired,
    asOf: { sequence: row.sequence, hash: row.hash },
  };
}

function sumOf(lots: readonly Lot[]): number {
  return lots.reduce((total, lot) => total + lot.remaining, 0);
}

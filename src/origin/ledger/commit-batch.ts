import { randomBase32 } from "../../shared/encoding";
import {
  assertPublishable,
  type EventPayload,
  makeEventId,
  type OutboxEvent,
} from "../events/publisher";
import { type ChainPosition, type EntryContent, entryHash } from "./chain";
import type { EntryDraft, EntryView } from "./model";
import type { WorkingSet } from "./working-set";

export type CommittedEntry = {
  readonly ok: true;
  readonly entry: EntryView;
  readonly body: string;
};

const EVENT_TYPE = "ledger.entry.created" as const;

/**
 * The statements of one commit group, in chain order. Appending an entry hashes it onto the
 * group's head and adds its insert and its outbox event; the writer adds idempotency records.
 */
export class CommitBatch {
  readonly statements: D1PreparedStatement[] = [];
  readonly events: OutboxEvent[] = [];
  entries = 0;

  constructor(
    private readonly db: D1Database,
    private readonly tenantId: string,
    public head: ChainPosition,
  ) {}

  async append(
    id: string,
    draft: EntryDraft,
    balanceAfter: number,
    nowMs: number,
  ): Promise<CommittedEntry> {
    const content: EntryContent = {
      tenantId: this.tenantId,
      sequence: this.head.sequence + 1,
      id,
      type: draft.type,
      customerId: draft.customerId,
      points: draft.points,
      balanceAfter,
      reason: draft.reason,
      orderId: draft.orderId,
      voids: draft.voids,
      expiresAt: draft.expiresAt,
      lots: draft.lots,
      createdAt: new Date(nowMs).toISOString(),
    };
    const prevHash = this.head.hash;
    const hash = await entryHash(prevHash, content);

    const event = entryEvent(content, prevHash, hash);
    assertPublishable(EVENT_TYPE, event);
    this.statements.push(insertEntry(this.db, content, prevHash, hash));
    this.statements.push(
      this.db
        .prepare(
          "insert into event_outbox (id, tenant_id, type, payload, created_at) values (?, ?, ?, ?, ?)",
        )
        .bind(event.event_id, this.tenantId, EVENT_TYPE, JSON.stringify(event), content.createdAt),
    );
    this.events.push({
      id: String(event.event_id),
      tenantId: this.tenantId,
      type: EVENT_TYPE,
      payload: event,
    });
    this.head = { sequence: content.sequence, hash };
    this.entries += 1;

    const entry = toEntryView(content, prevHash, hash);
    return { ok: true, entry, body: JSON.stringify(entry) };
  }

  /** The lot and balance rows the group changed, written after the entries that changed them. */
  stateStatements(set: WorkingSet, customers: ReadonlySet<string>): D1PreparedStatement[] {
    const statements: D1PreparedStatement[] = [];
    for (const lotId of new Set([...set.newLots, ...set.changedLots])) {
      const lot = set.lots.get(lotId)!;
      statements.push(
        set.newLots.has(lotId)
          ? this.db
              .prepare(
                "insert into ledger_lots (id, tenant_id, customer_id, order_id, points, remaining, refunded, expires_at, voided, created_sequence) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
              )
              .bind(
                lot.id,
                this.tenantId,
                lot.customerId,
                lot.orderId,
                lot.points,
                lot.remaining,
                lot.refunded,
                lot.expiresAt,
                lot.voided ? 1 : 0,
                lot.createdSequence,
              )
          : this.db
              .prepare(
                "update ledger_lots set remaining = ?, refunded = ?, voided = ? where tenant_id = ? and id = ?",
              )
              .bind(lot.remaining, lot.refunded, lot.voided ? 1 : 0, this.tenantId, lot.id),
      );
    }
    for (const customerId of customers) {
      const balance = set.balances.get(customerId)!;
      statements.push(
        this.db
          .prepare(
            "insert into ledger_balances (tenant_id, customer_id, available, lifetime_accrued, lifetime_redeemed, lifetime_expired, sequence, hash) values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (tenant_id, customer_id) do update set available = excluded.available, lifetime_accrued = excluded.lifetime_accrued, lifetime_redeemed = excluded.lifetime_redeemed, lifetime_expired = excluded.lifetime_expired, sequence = excluded.sequence, hash = excluded.hash",
          )
          .bind(
            this.tenantId,
            customerId,
            balance.available,
            balance.lifetimeAccrued,
            balance.lifetimeRedeemed,
            balance.lifetimeExpired,
            balance.asOf.sequence,
            balance.asOf.hash,
          ),
      );
    }
    return statements;
  }
}

function insertEntry(
  db: D1Database,
  content: EntryContent,
  prevHash: string,
  hash: string,
): D1PreparedStatement {
  return db
    .prepare(
      "insert into ledger_entries (tenant_id, sequence, id, type, customer_id, points, balance_after, reason, order_id, voids, expires_at, lots, prev_hash, hash, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(
      content.tenantId,
      content.sequence,
      content.id,
      content.type,
      content.customerId,
      content.points,
      content.balanceAfter,
      content.reason,
      content.orderId,
      content.voids,
      content.expiresAt,
      JSON.stringify(content.lots),
      prevHash,
      hash,
      content.createdAt,
    );
}

export function toEntryView(content: EntryContent, prevHash: string, hash: string): EntryView {
  return {
    id: content.id,
    type: content.type,
    customer_id: content.customerId,
    points: content.points,
    balance_after: content.balanceAfter,
    reason: content.reason,
    order_id: content.orderId,
    voids: content.voids,
    expires_at: content.expiresAt,
    lots: content.lots.map(([lotId, points]) => ({ lot_id: lotId, points })),
    sequence: content.sequence,
    prev_hash: prevHash,
    hash,
    created_at: content.createdAt,
  };
}

/** The event announcing an entry: identifiers, counts, hashes and times only (events/registry). */
function entryEvent(content: EntryContent, prevHash: string, hash: string): EventPayload {
  return {
    event_id: makeEventId(randomBase32(26)),
    event_type: EVENT_TYPE,
    tenant_id: content.tenantId,
    entry_id: content.id,
    customer_id: content.customerId,
    entry_type: content.type,
    points: content.points,
    balance_after: content.balanceAfter,
    voids: content.voids,
    expires_at: content.expiresAt,
    sequence: content.sequence,
    prev_hash: prevHash,
    hash,
    created_at: content.createdAt,
  };
}

import { IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_RETENTION_MS } from "../idempotency/store";

/** The Idempotency-Key of a ledger write and the fingerprint of the request that carried it. */
export interface IdempotencyClaim {
  readonly key: string;
  readonly fingerprint: string;
}

export type IdempotencyVerdict =
  | { readonly kind: "execute"; readonly takeover: boolean }
  | { readonly kind: "replay"; readonly status: number; readonly body: string }
  | {
      readonly kind: "refuse";
      readonly code: "idempotency_key_reused" | "idempotency_key_in_progress";
    };

interface RecordRow {
  idempotency_key: string;
  fingerprint: string;
  state: "pending" | "completed";
  response_status: number | null;
  response_body: string | null;
  created_at: string;
  lease_expires_at: string;
}

/**
 * API.md's idempotency rules, kept by the sequencer for ledger writes (see
 * idempotency/sequenced.ts). A group reads the records of all its keys at once; each write then
 * replays a completed record, is refused for a key reused with another request or still pending,
 * or executes and has its response stored in the same batch as its entry. A stored record always
 * holds the final response: there is no pending state to lapse, so a lost answer is replayed,
 * never re-executed.
 */
export class GroupIdempotency {
  private readonly records = new Map<string, RecordRow>();
  private readonly claimed = new Set<string>();

  constructor(
    private readonly db: D1Database,
    private readonly tenantId: string,
  ) {}

  loadStatement(keys: readonly string[]): D1PreparedStatement {
    const marks = keys.map(() => "?").join(", ");
    return this.db
      .prepare(
        `select idempotency_key, fingerprint, state, response_status, response_body, created_at, lease_expires_at from idempotency_keys where tenant_id = ? and idempotency_key in (${marks})`,
      )
      .bind(this.tenantId, ...keys);
  }

  absorb(rows: readonly RecordRow[]): void {
    for (const row of rows) this.records.set(row.idempotency_key, row);
  }

  /** Decides one write; a key seen earlier in the same group is still in progress. */
  verdict(claim: IdempotencyClaim, nowMs: number): IdempotencyVerdict {
    if (this.claimed.has(claim.key)) return { kind: "refuse", code: "idempotency_key_in_progress" };

    const row = this.records.get(claim.key);
    const lapsed =
      row !== undefined &&
      (row.created_at < isoAt(nowMs - IDEMPOTENCY_RETENTION_MS) ||
        (row.state === "pending" && row.lease_expires_at < isoAt(nowMs)));
    if (row && !lapsed) {
      if (row.fingerprint !== claim.fingerprint) {
        return { kind: "refuse", code: "idempotency_key_reused" };
      }
      if (row.state === "pending") return { kind: "refuse", code: "idempotency_key_in_progress" };
      return { kind: "replay", status: row.response_status ?? 500, body: row.response_body ?? "" };
    }

    this.claimed.add(claim.key);
    return { kind: "execute", takeover: row !== undefined };
  }

  /**
   * The statements that store a write's response. Taking over a lapsed record deletes it only if
   * it is still lapsed, then inserts: should anyone have claimed the key in between, the insert
   * collides, the whole batch fails and the sequencer plans the group again.
   */
  store(
    claim: IdempotencyClaim,
    takeover: boolean,
    response: { status: number; body: string },
    nowMs: number,
  ): D1PreparedStatement[] {
    const now = isoAt(nowMs);
    const insert = this.db
      .prepare(
        "insert into idempotency_keys (tenant_id, idempotency_key, fingerprint, state, response_status, response_body, created_at, lease_expires_at) values (?, ?, ?, 'completed', ?, ?, ?, ?)",
      )
      .bind(
        this.tenantId,
        claim.key,
        claim.fingerprint,
        response.status,
        response.body,
        now,
        isoAt(nowMs + IDEMPOTENCY_LEASE_MS),
      );
    if (!takeover) return [insert];

    const release = this.db
      .prepare(
        "delete from idempotency_keys where tenant_id = ? and idempotency_key = ? and (created_at < ? or (state = 'pending' and lease_expires_at < ?))",
      )
      .bind(this.tenantId, claim.key, isoAt(nowMs - IDEMPOTENCY_RETENTION_MS), now);
    return [release, insert];
  }
}

function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

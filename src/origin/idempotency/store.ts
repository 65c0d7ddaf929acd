import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { idempotencyKeys } from "../db/schema";

/** API.md keeps keys at least 24 hours; they are purged after twice that. */
export const IDEMPOTENCY_RETENTION_MS = 48 * 60 * 60 * 1000;
/** A request that has not finished within its lease is taken to have died; its key can be reused. */
export const IDEMPOTENCY_LEASE_MS = 60_000;
/** Purges run in bounded batches so that one run never holds the database for long. */
export const IDEMPOTENCY_PURGE_BATCH = 500;

export type ClaimResult =
  | { readonly kind: "claimed" }
  | { readonly kind: "replay"; readonly status: number; readonly body: string }
  | { readonly kind: "mismatch" }
  | { readonly kind: "in_progress" };

export interface StoredResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * Idempotency records of one region. Claiming is one atomic statement: an insert that, on a
 * conflict, takes over only a lapsed lease or an expired record. So two concurrent requests with
 * one key can never both be claimed, and exactly one of them executes.
 */
export class IdempotencyStore {
  constructor(private readonly db: Database) {}

  async claim(
    tenantId: string,
    key: string,
    fingerprint: string,
    nowMs: number,
  ): Promise<ClaimResult> {
    const now = new Date(nowMs).toISOString();
    const lease = new Date(nowMs + IDEMPOTENCY_LEASE_MS).toISOString();
    const retainedSince = new Date(nowMs - IDEMPOTENCY_RETENTION_MS).toISOString();

    const claimed = await this.db
      .insert(idempotencyKeys)
      .values({
        tenantId,
        idempotencyKey: key,
        fingerprint,
        state: "pending",
        createdAt: now,
        leaseExpiresAt: lease,
      })
      .onConflictDoUpdate({
        target: [idempotencyKeys.tenantId, idempotencyKeys.idempotencyKey],
        set: {
          fingerprint,
          state: "pending",
          responseStatus: null,
          responseBody: null,
          createdAt: now,
          leaseExpiresAt: lease,
        },
        setWhere: sql`(${idempotencyKeys.state} = 'pending' and ${idempotencyKeys.leaseExpiresAt} < ${now})
          or ${idempotencyKeys.createdAt} < ${retainedSince}`,
      })
      .returning({ key: idempotencyKeys.idempotencyKey });
    if (claimed.length === 1) return { kind: "claimed" };

    return this.existing(tenantId, key, fingerprint);
  }

  async complete(tenantId: string, key: string, response: StoredResponse): Promise<void> {
    await this.db
      .update(idempotencyKeys)
      .set({ state: "completed", responseStatus: response.status, responseBody: response.body })
      .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.idempotencyKey, key)));
  }

  /** Gives the key back after a failure that changed nothing, so the client's retry can run. */
  async release(tenantId: string, key: string): Promise<void> {
    await this.db
      .delete(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.tenantId, tenantId),
          eq(idempotencyKeys.idempotencyKey, key),
          eq(idempotencyKeys.state, "pending"),
        ),
      );
  }

  async purgeExpired(nowMs: number): Promise<number> {
    const retainedSince = new Date(nowMs - IDEMPOTENCY_RETENTION_MS).toISOString();
    const expired = this.db
      .select({ tenantId: idempotencyKeys.tenantId, key: idempotencyKeys.idempotencyKey })
      .from(idempotencyKeys)
      .where(lt(idempotencyKeys.createdAt, retainedSince))
      .limit(IDEMPOTENCY_PURGE_BATCH);
    const deleted = await this.db
      .delete(idempotencyKeys)
      .where(sql`(${idempotencyKeys.tenantId}, ${idempotencyKeys.idempotencyKey}) in ${expired}`)
      .returning({ key: idempotencyKeys.idempotencyKey });
    return deleted.length;
  }

  private async existing(tenantId: string, key: string, fingerprint: string): Promise<ClaimResult> {
    const [row] = await this.db
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.tenantId, tenantId), eq(idempotencyKeys.idempotencyKey, key)));

    // The row existed a moment ago; if it has been released since, the client simply retries.
    if (!row) return { kind: "in_progress" };
    if (row.fingerprint !== fingerprint) return { kind: "mismatch" };
    if (row.state === "pending") return { kind: "in_progress" };
    return { kind: "replay", status: row.responseStatus ?? 500, body: row.responseBody ?? "" };
  }
}

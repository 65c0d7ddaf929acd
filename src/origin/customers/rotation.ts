import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { base64UrlToBytes, bytesToBase64Url } from "../../shared/encoding";
import type { Logger } from "../../shared/logger";
import type { Database } from "../db/client";
import { customerKeyStates, customers } from "../db/schema";
import type { KeyCustody } from "./key-custody";

/** Data keys rewrapped per database batch, and batches per run; the rest waits for the next run. */
export const REWRAP_BATCH_SIZE = 50;
export const MAX_REWRAP_BATCHES_PER_RUN = 200;

export type RotationStatus = "completed" | "in_progress" | "busy" | "no_keys";

export interface RotationOutcome {
  readonly status: RotationStatus;
  readonly rewrapped: number;
  /** Erasures that this rotation made final, that is, hold against backups from now on. */
  readonly finalised: number;
}

type KeyState = typeof customerKeyStates.$inferSelect;

/**
 * Rotates a tenant's KEK so that erasures hold against backups (DESIGN.md, Personal data): copies
 * of an erased customer's wrapped data key survive in backups and free pages, and become unreadable
 * only once the KEK that wrapped them is gone. A rotation switches the tenant to a new KEK, rewraps
 * every surviving data key under it, destroys the old KEK, and then stamps `final_at` on the
 * erasures whose data key was last wrapped under the destroyed KEK. Each step is safe to repeat, so an interrupted rotation simply
 * continues on the next run.
 */
export class KeyRotation {
  constructor(
    private readonly db: Database,
    private readonly keys: KeyCustody,
    private readonly logger: Logger,
  ) {}

  async rotateTenant(tenantId: string, nowMs: number): Promise<RotationOutcome> {
    let state = await this.readState(tenantId);
    if (!state) return { status: "no_keys", rewrapped: 0, finalised: 0 };

    if (state.retiringKekId === null) {
      if (!(await this.switchToNewKek(state, nowMs))) {
        return { status: "busy", rewrapped: 0, finalised: 0 };
      }
      state = (await this.readState(tenantId))!;
    }
    return this.finish(state, nowMs);
  }

  /** Tenants whose erasures await a rotation, or whose rotation was interrupted. */
  async tenantsDue(limit: number): Promise<string[]> {
    const rows = await this.db.all<{ tenant_id: string }>(sql`
      select tenant_id from customer_key_states where retiring_kek_id is not null
      union
      select distinct tenant_id from customers
        where status = 'erased' and erasure_final_at is null
      limit ${limit}`);
    return rows.map((row) => row.tenant_id);
  }

  private async switchToNewKek(state: KeyState, nowMs: number): Promise<boolean> {
    const provider = this.keys.provider;
    const next = await this.keys.call(() => provider.rotate(state.tenantId, state.currentKekId));

    const switched = await this.db
      .update(customerKeyStates)
      .set({
        currentKekId: next,
        retiringKekId: state.currentKekId,
        rotatedAt: new Date(nowMs).toISOString(),
      })
      .where(
        and(
          eq(customerKeyStates.tenantId, state.tenantId),
          eq(customerKeyStates.currentKekId, state.currentKekId),
          isNull(customerKeyStates.retiringKekId),
        ),
      )
      .returning({ tenantId: customerKeyStates.tenantId });
    if (switched.length === 1) return true;

    // Another rotation switched first; the key made here was never used.
    await this.keys.call(() => provider.destroy(next)).catch(() => undefined);
    return false;
  }

  private async finish(state: KeyState, nowMs: number): Promise<RotationOutcome> {
    const retiring = state.retiringKekId!;
    let rewrapped = 0;
    for (let batch = 0; batch < MAX_REWRAP_BATCHES_PER_RUN; batch++) {
      const count = await this.rewrapBatch(state.tenantId, retiring, state.currentKekId);
      if (count === 0) return this.destroyRetired(state, retiring, rewrapped, nowMs);
      rewrapped += count;
    }
    this.logger.log("info", "kek_rotation_continues", {
      tenant_id: state.tenantId,
      count: rewrapped,
    });
    return { status: "in_progress", rewrapped, finalised: 0 };
  }

  private async rewrapBatch(tenantId: string, fromKekId: string, toKekId: string): Promise<number> {
    const rows = await this.db
      .select({ id: customers.id, wrapped: customers.wrappedDataKey })
      .from(customers)
      .where(
        and(
          eq(customers.tenantId, tenantId),
          eq(customers.kekId, fromKekId),
          isNotNull(customers.wrappedDataKey),
        ),
      )
      .limit(REWRAP_BATCH_SIZE);
    if (rows.length === 0) return 0;

    const provider = this.keys.provider;
    const updates = [];
    for (const row of rows) {
      const wrapped = base64UrlToBytes(row.wrapped!);
      const dataKey = await this.keys.call(() => provider.unwrap({ kekId: fromKekId, wrapped }));
      try {
        const rewrapped = await this.keys.call(() => provider.wrap(toKekId, dataKey));
        updates.push(
          this.db
            .update(customers)
            .set({ wrappedDataKey: bytesToBase64Url(rewrapped.wrapped), kekId: toKekId })
            // An erasure that landed meanwhile must not get a data key back.
            .where(
              and(
                eq(customers.id, row.id),
                eq(customers.kekId, fromKekId),
                eq(customers.status, "active"),
              ),
            ),
        );
      } finally {
        dataKey.fill(0);
      }
    }
    await this.db.batch(updates as [(typeof updates)[number], ...typeof updates]);
    return rows.length;
  }

  private async destroyRetired(
    state: KeyState,
    retiring: string,
    rewrapped: number,
    nowMs: number,
  ): Promise<RotationOutcome> {
    await this.keys.call(() => this.keys.provider.destroy(retiring));
    await this.db
      .update(customerKeyStates)
      .set({ retiringKekId: null })
      .where(
        and(
          eq(customerKeyStates.tenantId, state.tenantId),
          eq(customerKeyStates.retiringKekId, retiring),
        ),
      );

    // An erased row keeps the id of the KEK its data key was last wrapped under. Every older KEK
    // was destroyed by an earlier rotation, so with this one gone no copy can be unwrapped.
    const finalised = await this.db
      .update(customers)
      .set({ erasureFinalAt: new Date(nowMs).toISOString() })
      .where(
        and(
          eq(customers.tenantId, state.tenantId),
          eq(customers.status, "erased"),
          isNull(customers.erasureFinalAt),
          eq(customers.kekId, retiring),
        ),
      )
      .returning({ id: customers.id });

    this.logger.log("info", "kek_rotated", { tenant_id: state.tenantId, count: rewrapped });
    return { status: "completed", rewrapped, finalised: finalised.length };
  }

  async lastRotatedMs(tenantId: string): Promise<number | null> {
    const state = await this.readState(tenantId);
    return state ? Date.parse(state.rotatedAt) : null;
  }

  private async readState(tenantId: string): Promise<KeyState | null> {
    const [row] = await this.db
      .select()
      .from(customerKeyStates)
      .where(eq(customerKeyStates.tenantId, tenantId));
    return row ?? null;
  }
}

import { eq } from "drizzle-orm";
import { base64UrlToBytes, bytesToBase64Url } from "../../shared/encoding";
import type { Logger } from "../../shared/logger";
import type { Database } from "../db/client";
import { customerKeyStates } from "../db/schema";
import { KEY_SERVICE_TIMEOUT_MS, type KekProvider, withKeyService } from "../keys/kek-provider";
import type { DataKeyCache } from "./data-key-cache";

export interface StoredDataKey {
  readonly customerId: string;
  readonly kekId: string;
  /** base64url of the wrapped data key. */
  readonly wrappedDataKey: string;
}

/**
 * Everything the customer service asks of keys: the tenant's current KEK, wrapping new data keys
 * and unwrapping stored ones (through the cache). Every key-service call runs under a deadline and
 * fails closed as 503 `key_service_unavailable`.
 */
export class KeyCustody {
  constructor(
    private readonly db: Database,
    readonly provider: KekProvider,
    private readonly cache: DataKeyCache,
    private readonly logger: Logger,
    private readonly timeoutMs: number = KEY_SERVICE_TIMEOUT_MS,
  ) {}

  /** The tenant's current KEK, created with the tenant's first customer. */
  async currentKek(tenantId: string, nowMs: number): Promise<string> {
    const existing = await this.readCurrent(tenantId);
    if (existing) return existing;

    const created = await this.call(() => this.provider.create(tenantId));
    const inserted = await this.db
      .insert(customerKeyStates)
      .values({ tenantId, currentKekId: created, rotatedAt: new Date(nowMs).toISOString() })
      .onConflictDoNothing()
      .returning({ kekId: customerKeyStates.currentKekId });
    if (inserted.length === 1) return created;

    // Another request created the tenant's first KEK at the same moment; theirs is kept.
    await this.call(() => this.provider.destroy(created)).catch(() => undefined);
    const winner = await this.readCurrent(tenantId);
    if (!winner) throw new Error("the tenant's key state vanished while it was being created");
    return winner;
  }

  async wrap(kekId: string, dataKey: Uint8Array): Promise<string> {
    const wrapped = await this.call(() => this.provider.wrap(kekId, dataKey));
    return bytesToBase64Url(wrapped.wrapped);
  }

  /** The caller owns the returned buffer and wipes it when done. */
  async unwrap(stored: StoredDataKey): Promise<Uint8Array> {
    const cached = this.cache.get(stored.customerId);
    if (cached) return cached;

    const wrapped = base64UrlToBytes(stored.wrappedDataKey);
    const dataKey = await this.call(() => this.provider.unwrap({ kekId: stored.kekId, wrapped }));
    this.cache.set(stored.customerId, dataKey);
    return dataKey;
  }

  remember(customerId: string, dataKey: Uint8Array): void {
    this.cache.set(customerId, dataKey);
  }

  forget(customerId: string): void {
    this.cache.evict(customerId);
  }

  call<Result>(operation: () => Promise<Result>): Promise<Result> {
    return withKeyService(operation, this.timeoutMs, (error) => {
      this.logger.log("error", "key_service_failed", {
        code: "key_service_unavailable",
        error_name: error instanceof Error ? error.name : "unknown",
      });
    });
  }

  private async readCurrent(tenantId: string): Promise<string | null> {
    const [row] = await this.db
      .select({ kekId: customerKeyStates.currentKekId })
      .from(customerKeyStates)
      .where(eq(customerKeyStates.tenantId, tenantId));
    return row?.kekId ?? null;
  }
}

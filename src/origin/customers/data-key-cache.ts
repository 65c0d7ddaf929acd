import { invariant } from "../../shared/assert";

interface CachedDataKey {
  readonly key: Uint8Array;
  readonly expiresAtMs: number;
}

/**
 * Unwrapped data keys kept in this isolate so that reading a customer does not always ask the key
 * service. Bounded in entries and lifetime; an evicted key's buffer is zeroed. Erasure evicts at
 * once, but only in the isolate that served it: another isolate keeps its copy until its lifetime
 * ends, which is why the lifetime is short.
 */
export class DataKeyCache {
  private readonly entries = new Map<string, CachedDataKey>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    invariant(maxEntries > 0 && ttlMs > 0, "the data key cache needs room and a lifetime");
  }

  /** Returns a copy, which the caller wipes when done; the cached buffer stays intact. */
  get(customerId: string): Uint8Array | null {
    const entry = this.entries.get(customerId);
    if (!entry) return null;
    if (entry.expiresAtMs <= this.nowMs()) {
      this.evict(customerId);
      return null;
    }
    this.entries.delete(customerId);
    this.entries.set(customerId, entry);
    return entry.key.slice();
  }

  /** Keeps a copy of `key`; the caller still owns and wipes its own buffer. */
  set(customerId: string, key: Uint8Array): void {
    this.evict(customerId);
    this.entries.set(customerId, { key: key.slice(), expiresAtMs: this.nowMs() + this.ttlMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.evict(oldest);
    }
  }

  evict(customerId: string): void {
    const entry = this.entries.get(customerId);
    if (!entry) return;
    entry.key.fill(0);
    this.entries.delete(customerId);
  }

  get size(): number {
    return this.entries.size;
  }
}

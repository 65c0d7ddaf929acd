import { invariant } from "../../shared/assert";
import { timingSafeEqual } from "../../shared/encoding";

/**
 * Verdicts of successful Argon2id verifications, so that a key pays Argon2id once per lifetime of
 * its entry and not once per request. Bounded in entries (oldest evicted first) and in lifetime,
 * and the lifetime bounds how long a revoked key keeps working at other edges. A hit needs the
 * exact secret: the entry keeps a SHA-256 digest of it, compared in constant time.
 */
export interface CachedPrincipal {
  readonly credentialId: string;
  readonly kind: "api_key" | "widget_token";
  readonly tenantId: string;
  readonly scopes: readonly string[];
  readonly customerId: string | null;
}

interface Entry {
  readonly principal: CachedPrincipal;
  readonly secretDigest: Uint8Array;
  readonly expiresAtMs: number;
}

export class VerificationCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly maxEntries: number,
    readonly ttlMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    invariant(
      maxEntries > 0 && Number.isInteger(maxEntries),
      "maxEntries must be a positive integer",
    );
    invariant(ttlMs > 0 && ttlMs <= 60_000, "ttlMs must be within (0, 60 s] to bound revocation");
  }

  get size(): number {
    return this.entries.size;
  }

  async get(credentialId: string, secret: string): Promise<CachedPrincipal | null> {
    const entry = this.entries.get(credentialId);
    if (!entry) return null;
    if (entry.expiresAtMs <= this.nowMs()) {
      this.entries.delete(credentialId);
      return null;
    }

    const digest = await digestOf(secret);
    return timingSafeEqual(digest, entry.secretDigest) ? entry.principal : null;
  }

  async set(principal: CachedPrincipal, secret: string, notAfterMs?: number): Promise<void> {
    const expiresAtMs = Math.min(this.nowMs() + this.ttlMs, notAfterMs ?? Number.POSITIVE_INFINITY);
    const secretDigest = await digestOf(secret);

    this.entries.delete(principal.credentialId);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(principal.credentialId, { principal, secretDigest, expiresAtMs });
  }

  evict(credentialId: string): void {
    this.entries.delete(credentialId);
  }
}

async function digestOf(secret: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret)));
}

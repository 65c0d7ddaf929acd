import { invariant } from "../../shared/assert";
import { parseId } from "../../shared/ids";
import { PLATFORM_PRINCIPAL } from "../../shared/principals";
import { DomainError } from "../../shared/problems";
import type { OriginClient } from "../transport/origin-client";

/** What the edge knows about a widget token without its secret: whose it is, where it may run. */
export interface WidgetAccess {
  readonly tenantId: string;
  readonly allowedOrigins: readonly string[];
}

interface AccessRecord {
  readonly tenant_id: string;
  readonly allowed_origins: string[];
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
}

interface Entry {
  readonly access: WidgetAccess | null;
  readonly expiresAtMs: number;
}

export interface WidgetAccessDirectoryOptions {
  readonly origins: OriginClient;
  readonly maxEntries: number;
  /** Bounds how long a change of allowed origins, or a revocation, takes to reach this edge. */
  readonly ttlMs: number;
  readonly nowMs?: () => number;
}

/**
 * Looks up, by a widget token's public id (`wtk_<region>_…`), the tenant's allowed origins for
 * CORS. The region comes from the id, as everywhere; answers are cached, misses included, so a
 * preflight costs no origin call while the entry lives and never any Argon2id work.
 */
export class WidgetAccessDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly nowMs: () => number;

  constructor(private readonly options: WidgetAccessDirectoryOptions) {
    invariant(options.maxEntries > 0, "maxEntries must be positive");
    invariant(options.ttlMs > 0 && options.ttlMs <= 60_000, "ttlMs must be within (0, 60 s]");
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** Null for anything that is not a live widget token. */
  async lookup(tokenId: string, requestId: string): Promise<WidgetAccess | null> {
    const parsed = parseId(tokenId, "wtk");
    if (!parsed) return null;

    const cached = this.entries.get(tokenId);
    if (cached && cached.expiresAtMs > this.nowMs()) return cached.access;

    const record = await this.fetch(parsed.region, tokenId, requestId);
    const access = this.liveAccess(record);
    this.remember(tokenId, access, record?.expires_at ?? null);
    return access;
  }

  /**
   * Drops what this edge holds for a tenant, after it changed its settings here, so that a
   * removed origin stops at once at this edge; other edges follow within the entry lifetime.
   */
  forgetTenant(tenantId: string): void {
    for (const [tokenId, entry] of this.entries) {
      if (entry.access?.tenantId === tenantId) this.entries.delete(tokenId);
    }
  }

  private async fetch(
    region: NonNullable<ReturnType<typeof parseId>>["region"],
    tokenId: string,
    requestId: string,
  ): Promise<AccessRecord | null> {
    const response = await this.options.origins.send(
      {
        region,
        tenantId: null,
        principal: PLATFORM_PRINCIPAL,
        scopes: ["platform:credentials"],
        requestId,
      },
      { method: "GET", path: `/internal/widget-access/${tokenId}` },
    );
    if (response.status === 404) return null;
    // A region that cannot answer is not cached as a miss: the next request asks again.
    if (!response.ok) throw new DomainError("origin_unavailable", "The region did not answer");
    return (await response.json()) as AccessRecord;
  }

  private liveAccess(record: AccessRecord | null): WidgetAccess | null {
    if (!record || record.revoked_at !== null) return null;
    if (record.expires_at !== null && Date.parse(record.expires_at) <= this.nowMs()) return null;
    return { tenantId: record.tenant_id, allowedOrigins: record.allowed_origins };
  }

  private remember(tokenId: string, access: WidgetAccess | null, expiresAt: string | null): void {
    const tokenEndMs = expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(expiresAt);
    const expiresAtMs = Math.min(this.nowMs() + this.options.ttlMs, tokenEndMs);

    this.entries.delete(tokenId);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(tokenId, { access, expiresAtMs });
  }
}

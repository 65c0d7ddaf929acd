import { eq } from "drizzle-orm";
import { type CredentialRecord, makeCredential } from "../../shared/credentials";
import { makeId } from "../../shared/ids";
import type { Region } from "../../shared/regions";
import { SCOPES } from "../../shared/scopes";
import { hashSecret } from "../../shared/secret-hash";
import type { Database } from "../db/client";
import { credentials, tenantSettings, tenants } from "../db/schema";

export interface ProvisionedTenant {
  readonly tenant_id: string;
  readonly region: Region;
  readonly key_id: string;
  /** Shown once; only its Argon2id hash is stored. */
  readonly api_key: string;
}

/**
 * How long an isolate trusts that a tenant it has seen still exists. Tenants are never deleted;
 * when termination arrives, this bounds how long a terminated tenant's requests still pass here.
 */
export const KNOWN_TENANTS_TTL_MS = 60_000;
export const KNOWN_TENANTS_MAX_ENTRIES = 10_000;

export class TenantService {
  private readonly knownTenants = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly region: Region,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * Every API request asks this, so a tenant found in the store is remembered for a while in this
   * isolate (bounded in entries and lifetime); a tenant not found is always asked again.
   */
  async exists(tenantId: string): Promise<boolean> {
    const knownUntilMs = this.knownTenants.get(tenantId);
    if (knownUntilMs !== undefined && knownUntilMs > this.nowMs()) return true;

    const [row] = await this.db
      .select({ id: tenants.id })
      .from(tenants)
      .where(eq(tenants.id, tenantId));
    const found = row !== undefined && row.id === tenantId;

    if (found) this.remember(tenantId);
    return found;
  }

  private remember(tenantId: string): void {
    this.knownTenants.delete(tenantId);
    if (this.knownTenants.size >= KNOWN_TENANTS_MAX_ENTRIES) {
      const oldest = this.knownTenants.keys().next().value;
      if (oldest !== undefined) this.knownTenants.delete(oldest);
    }
    this.knownTenants.set(tenantId, this.nowMs() + KNOWN_TENANTS_TTL_MS);
  }

  /**
   * Creates a tenant with default settings and one API key holding every scope, in one batch.
   * Tenant administration proper belongs to the control plane; this serves local demo tenants and
   * the tests.
   */
  async provision(name: string, nowMs: number): Promise<ProvisionedTenant> {
    const tenantId = makeId("ten", this.region);
    const credential = makeCredential("apiKey", this.region);
    const createdAt = new Date(nowMs).toISOString();

    await this.db.batch([
      this.db.insert(tenants).values({ id: tenantId, region: this.region, name, createdAt }),
      this.db.insert(tenantSettings).values({ tenantId, updatedAt: createdAt }),
      this.db.insert(credentials).values({
        id: credential.id,
        tenantId,
        kind: "api_key",
        name: "Provisioned key",
        scopes: [...SCOPES],
        secretHash: hashSecret(credential.secret),
        createdAt,
      }),
    ]);

    return {
      tenant_id: tenantId,
      region: this.region,
      key_id: credential.id,
      api_key: credential.plaintext,
    };
  }

  async credential(id: string): Promise<CredentialRecord | null> {
    const [row] = await this.db.select().from(credentials).where(eq(credentials.id, id));
    if (!row) return null;
    return {
      id: row.id,
      tenant_id: row.tenantId,
      kind: row.kind,
      scopes: row.scopes,
      secret_hash: row.secretHash,
      customer_id: row.customerId,
      expires_at: row.expiresAt,
      revoked_at: row.revokedAt,
    };
  }
}

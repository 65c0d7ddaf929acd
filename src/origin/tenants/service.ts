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

export class TenantService {
  constructor(
    private readonly db: Database,
    private readonly region: Region,
  ) {}

  async exists(tenantId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ id: tenants.id })
      .from(tenants)
      .where(eq(tenants.id, tenantId));
    return row !== undefined && row.id === tenantId;
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

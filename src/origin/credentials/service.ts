import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { makeCredential } from "../../shared/credentials";
import { DomainError } from "../../shared/problems";
import type { Region } from "../../shared/regions";
import type { Scope } from "../../shared/scopes";
import { hashSecret } from "../../shared/secret-hash";
import type { Database } from "../db/client";
import { credentials, customers } from "../db/schema";

export interface ApiKeySummary {
  readonly id: string;
  readonly name: string;
  readonly scopes: Scope[];
  readonly created_at: string;
  readonly revoked_at: string | null;
}

export interface CreatedApiKey {
  readonly id: string;
  readonly name: string;
  readonly scopes: Scope[];
  /** Shown once; only its Argon2id hash is stored. */
  readonly key: string;
  readonly created_at: string;
}

export interface CreatedWidgetToken {
  readonly token: string;
  readonly token_id: string;
  readonly customer_id: string;
  readonly expires_at: string;
}

export interface Page<Item> {
  readonly data: Item[];
  readonly has_more: boolean;
}

type CredentialRow = typeof credentials.$inferSelect;

/**
 * A tenant's API keys and widget tokens in this region. Secrets are generated here, hashed with
 * Argon2id, and returned exactly once; what is stored cannot be turned back into a credential.
 */
export class CredentialService {
  constructor(
    private readonly db: Database,
    private readonly region: Region,
  ) {}

  /**
   * A key may hand out only what it holds: otherwise a key with nothing but `keys:write` could
   * mint itself every other scope.
   */
  async createApiKey(
    tenantId: string,
    callerScopes: readonly string[],
    request: { name: string; scopes: Scope[] },
    nowMs: number,
  ): Promise<CreatedApiKey> {
    const missing = request.scopes.find((scope) => !callerScopes.includes(scope));
    if (missing !== undefined) {
      throw new DomainError("insufficient_scope", `The calling key does not hold ${missing}`, {
        required_scope: missing,
      });
    }
    const credential = makeCredential("apiKey", this.region);
    const createdAt = new Date(nowMs).toISOString();

    await this.db.insert(credentials).values({
      id: credential.id,
      tenantId,
      kind: "api_key",
      name: request.name,
      scopes: request.scopes,
      secretHash: hashSecret(credential.secret),
      createdAt,
    });

    return {
      id: credential.id,
      name: request.name,
      scopes: request.scopes,
      key: credential.plaintext,
      created_at: createdAt,
    };
  }

  /** Newest first, ties broken by id, so that a cursor never skips or repeats a key. */
  async listApiKeys(
    tenantId: string,
    limit: number,
    startingAfter: string | undefined,
  ): Promise<Page<ApiKeySummary>> {
    const cursor = startingAfter ? await this.apiKeyRow(tenantId, startingAfter) : undefined;
    if (startingAfter && !cursor) throw new DomainError("not_found", "No such API key");

    const rows = await this.db
      .select()
      .from(credentials)
      .where(
        and(
          eq(credentials.tenantId, tenantId),
          eq(credentials.kind, "api_key"),
          cursor
            ? or(
                lt(credentials.createdAt, cursor.createdAt),
                and(eq(credentials.createdAt, cursor.createdAt), lt(credentials.id, cursor.id)),
              )
            : undefined,
        ),
      )
      .orderBy(desc(credentials.createdAt), desc(credentials.id))
      .limit(limit + 1);

    return { data: rows.slice(0, limit).map(toSummary), has_more: rows.length > limit };
  }

  /** Revoking twice answers the first revocation: the time a key stopped working never moves. */
  async revokeApiKey(
    tenantId: string,
    keyId: string,
    nowMs: number,
  ): Promise<{ id: string; revoked_at: string }> {
    const revokedAt = new Date(nowMs).toISOString();
    await this.db
      .update(credentials)
      .set({ revokedAt })
      .where(
        and(
          eq(credentials.id, keyId),
          eq(credentials.tenantId, tenantId),
          eq(credentials.kind, "api_key"),
          isNull(credentials.revokedAt),
        ),
      );

    const row = await this.apiKeyRow(tenantId, keyId);
    if (!row?.revokedAt) throw new DomainError("not_found", "No such API key");
    return { id: row.id, revoked_at: row.revokedAt };
  }

  /** A token is only ever made for an active customer of this tenant in this region. */
  async createWidgetToken(
    tenantId: string,
    customerId: string,
    ttlSeconds: number,
    nowMs: number,
  ): Promise<CreatedWidgetToken> {
    const status = await this.customerStatus(tenantId, customerId);
    if (status === null) throw new DomainError("not_found", "No such customer");
    if (status === "erased") throw new DomainError("customer_erased");
    const credential = makeCredential("widgetToken", this.region);
    const createdAt = new Date(nowMs).toISOString();
    const expiresAt = new Date(nowMs + ttlSeconds * 1000).toISOString();

    await this.db.insert(credentials).values({
      id: credential.id,
      tenantId,
      kind: "widget_token",
      name: "Widget token",
      scopes: [],
      secretHash: hashSecret(credential.secret),
      customerId,
      createdAt,
      expiresAt,
    });

    return {
      token: credential.plaintext,
      token_id: credential.id,
      customer_id: customerId,
      expires_at: expiresAt,
    };
  }

  /**
   * Null when the customer is not this tenant's. A widget token of an erased customer stops
   * working: the edge's credential lookup asks this on every cold verification.
   */
  async customerStatus(tenantId: string, customerId: string): Promise<"active" | "erased" | null> {
    const [row] = await this.db
      .select({ status: customers.status })
      .from(customers)
      .where(and(eq(customers.id, customerId), eq(customers.tenantId, tenantId)));
    return row?.status ?? null;
  }

  private async apiKeyRow(tenantId: string, keyId: string): Promise<CredentialRow | undefined> {
    const [row] = await this.db
      .select()
      .from(credentials)
      .where(
        and(
          eq(credentials.id, keyId),
          eq(credentials.tenantId, tenantId),
          eq(credentials.kind, "api_key"),
        ),
      );
    return row;
  }
}

function toSummary(row: CredentialRow): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes as Scope[],
    created_at: row.createdAt,
    revoked_at: row.revokedAt,
  };
}

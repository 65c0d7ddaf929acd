import {
  type CredentialRecord,
  type ParsedCredential,
  parseCredential,
} from "../../shared/credentials";
import { bytesToHex } from "../../shared/encoding";
import { PLATFORM_PRINCIPAL } from "../../shared/principals";
import { DomainError } from "../../shared/problems";
import { verifySecret } from "../../shared/secret-hash";
import type { OriginClient } from "../transport/origin-client";
import type { CachedPrincipal, VerificationCache } from "./verification-cache";

/** Where a Workers rate limit refuses, the client is told to come back after the binding's period. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

export interface Principal extends CachedPrincipal {
  readonly region: ParsedCredential["region"];
  /** True when this request paid for an Argon2id verification (a cache miss). */
  readonly coldVerification: boolean;
}

export interface AuthenticatorOptions {
  readonly cache: VerificationCache;
  readonly origins: OriginClient;
  readonly verificationLimiter: RateLimit;
  readonly nowMs?: () => number;
}

/**
 * Authenticates bearer credentials at the edge, cheapest check first: the format and checksum
 * (no I/O), the verdict cache, then a rate-limited cold path that fetches the credential record
 * from its region and verifies the secret with Argon2id. Every refusal is the same fixed 401.
 */
export class Authenticator {
  private readonly nowMs: () => number;
  /**
   * Cold verifications under way, by credential id and secret digest. Requests that arrive with
   * the same credential while its Argon2id runs wait for that one instead of starting their own,
   * so a burst on a cold key costs one verification and one count on the verification limit.
   * Entries leave when their verification ends, so the map never outgrows the requests in flight.
   */
  private readonly inFlight = new Map<string, Promise<CachedPrincipal>>();

  constructor(private readonly options: AuthenticatorOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  async authenticate(authorization: string | undefined, requestId: string): Promise<Principal> {
    const parsed = parseBearer(authorization);

    const cached = await this.options.cache.get(parsed.id, parsed.secret);
    if (cached) return { ...cached, region: parsed.region, coldVerification: false };

    const flightKey = `${parsed.id}:${bytesToHex(await sha256(parsed.secret))}`;
    const pending = this.inFlight.get(flightKey);
    if (pending) return { ...(await pending), region: parsed.region, coldVerification: false };

    const verification = this.verifyCold(parsed, requestId);
    this.inFlight.set(flightKey, verification);
    try {
      return { ...(await verification), region: parsed.region, coldVerification: true };
    } finally {
      this.inFlight.delete(flightKey);
    }
  }

  private async verifyCold(parsed: ParsedCredential, requestId: string): Promise<CachedPrincipal> {
    const { success } = await this.options.verificationLimiter.limit({ key: parsed.id });
    if (!success) throw rateLimited();

    const record = await this.fetchRecord(parsed, requestId);
    const principal = this.verify(parsed, record);

    const notAfterMs = record.expires_at ? Date.parse(record.expires_at) : undefined;
    await this.options.cache.set(principal, parsed.secret, notAfterMs);
    return principal;
  }

  /** Revocation at this edge takes effect at once; other edges drop it when the entry expires. */
  evict(credentialId: string): void {
    this.options.cache.evict(credentialId);
  }

  private async fetchRecord(
    parsed: ParsedCredential,
    requestId: string,
  ): Promise<CredentialRecord> {
    const response = await this.options.origins.send(
      {
        region: parsed.region,
        tenantId: null,
        principal: PLATFORM_PRINCIPAL,
        scopes: ["platform:credentials"],
        requestId,
      },
      { method: "GET", path: `/internal/credentials/${parsed.id}` },
    );
    if (response.status === 404) throw unauthorized();
    if (!response.ok)
      throw new DomainError("origin_unavailable", "The region could not verify the key");

    return (await response.json()) as CredentialRecord;
  }

  private verify(parsed: ParsedCredential, record: CredentialRecord): CachedPrincipal {
    const expectedKind = parsed.kind === "apiKey" ? "api_key" : "widget_token";
    if (record.id !== parsed.id || record.kind !== expectedKind) throw unauthorized();
    if (record.revoked_at !== null) throw unauthorized();
    if (record.expires_at !== null && Date.parse(record.expires_at) <= this.nowMs()) {
      throw unauthorized();
    }
    if (!verifySecret(parsed.secret, record.secret_hash)) throw unauthorized();

    return {
      credentialId: record.id,
      kind: record.kind,
      tenantId: record.tenant_id,
      scopes: record.scopes,
      customerId: record.customer_id,
    };
  }
}

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

function parseBearer(authorization: string | undefined): ParsedCredential {
  const match = /^Bearer ([!-~]{1,256})$/.exec(authorization ?? "");
  const parsed = match ? parseCredential(match[1]!) : null;
  if (!parsed) throw unauthorized();
  return parsed;
}

export function unauthorized(): DomainError {
  return new DomainError(
    "unauthorized",
    "A valid credential is required",
    {},
    {
      "www-authenticate": 'Bearer realm="loyaltyos"',
    },
  );
}

export function rateLimited(): DomainError {
  return new DomainError(
    "rate_limited",
    "Too many requests for this credential",
    {},
    {
      "retry-after": String(RATE_LIMIT_PERIOD_SECONDS),
    },
  );
}

import { describe, expect, it } from "vitest";
import { Authenticator } from "../../src/edge/auth/authenticator";
import { VerificationCache } from "../../src/edge/auth/verification-cache";
import { VERIFICATION_CACHE_MAX_ENTRIES, VERIFICATION_CACHE_TTL_MS } from "../../src/edge/services";
import type { OriginClient } from "../../src/edge/transport/origin-client";
import { makeCredential } from "../../src/shared/credentials";
import { DomainError } from "../../src/shared/problems";
import { hashSecret } from "../../src/shared/secret-hash";

/** API.md: a revoked key stops working within 60 seconds everywhere. */
const REVOCATION_BOUND_MS = 60_000;

/**
 * Another edge than the one that revoked: it never hears of the revocation and holds the key's
 * verdict until the entry's lifetime ends. Its clock and its region are stand-ins; the cache, the
 * authenticator and the Argon2id verification are the real ones.
 */
function otherEdge(record: Record<string, unknown>, clock: { nowMs: number }) {
  const origins = {
    send: async () => new Response(JSON.stringify(record), { status: 200 }),
  } as unknown as OriginClient;
  const cache = new VerificationCache(
    VERIFICATION_CACHE_MAX_ENTRIES,
    VERIFICATION_CACHE_TTL_MS,
    () => clock.nowMs,
  );
  return new Authenticator({
    cache,
    origins,
    verificationLimiter: { limit: async () => ({ success: true }) },
    nowMs: () => clock.nowMs,
  });
}

describe("revocation everywhere", () => {
  it("keeps the verification cache lifetime within the 60-second revocation bound", () => {
    expect(VERIFICATION_CACHE_TTL_MS).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
    expect(() => new VerificationCache(10, REVOCATION_BOUND_MS + 1)).toThrow();
  });

  it("stops a revoked key at an edge that cached it once the cache lifetime has passed", async () => {
    const credential = makeCredential("apiKey", "eu");
    const record = {
      id: credential.id,
      tenant_id: "ten_eu_00000000000000000000000000",
      kind: "api_key",
      scopes: ["ledger:read"],
      secret_hash: hashSecret(credential.secret),
      customer_id: null,
      expires_at: null,
      revoked_at: null as string | null,
    };
    const clock = { nowMs: Date.now() };
    const edge = otherEdge(record, clock);
    const bearer = `Bearer ${credential.plaintext}`;
    await edge.authenticate(bearer, "req_test");

    record.revoked_at = new Date(clock.nowMs).toISOString();
    clock.nowMs += VERIFICATION_CACHE_TTL_MS - 1_000;
    const stillCached = await edge.authenticate(bearer, "req_test");
    clock.nowMs += 1_001;
    const refused = await edge.authenticate(bearer, "req_test").catch((error: unknown) => error);

    expect(stillCached.coldVerification).toBe(false);
    expect(refused).toBeInstanceOf(DomainError);
    expect((refused as DomainError).code).toBe("unauthorized");
  });
});

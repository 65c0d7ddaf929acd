import { describe, expect, it } from "vitest";
import { Authenticator } from "../../src/edge/auth/authenticator";
import { VerificationCache } from "../../src/edge/auth/verification-cache";
import type { OriginClient } from "../../src/edge/transport/origin-client";
import { crc32 } from "../../src/shared/crc32";
import { makeCredential } from "../../src/shared/credentials";
import { uint32ToBase62 } from "../../src/shared/encoding";
import { DomainError } from "../../src/shared/problems";
import { hashSecret } from "../../src/shared/secret-hash";

const credential = makeCredential("apiKey", "eu");
const storedHash = hashSecret(credential.secret);

/** An origin double that answers one credential record and counts the lookups it serves. */
function fakeOrigin(overrides: Record<string, unknown> = {}) {
  const calls: string[] = [];
  const origins = {
    async send(_claims: unknown, request: { path: string }) {
      calls.push(request.path);
      if (!request.path.endsWith(credential.id)) return new Response("{}", { status: 404 });
      const record = {
        id: credential.id,
        tenant_id: "ten_eu_0123456789abcdefghjkmnpqrs",
        kind: "api_key",
        scopes: ["ledger:read"],
        secret_hash: storedHash,
        customer_id: null,
        expires_at: null,
        revoked_at: null,
        ...overrides,
      };
      return Response.json(record);
    },
  } as unknown as OriginClient;
  return { origins, calls };
}

function limiter(allowed: number) {
  let used = 0;
  return { limit: async () => ({ success: ++used <= allowed }) } as unknown as RateLimit;
}

function authenticator(origins: OriginClient, allowedColdVerifications = 100) {
  return new Authenticator({
    cache: new VerificationCache(100, 30_000),
    origins,
    verificationLimiter: limiter(allowedColdVerifications),
  });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return (error as DomainError).code;
}

describe("authenticator: happy path", () => {
  it("verifies a key once with Argon2id, then serves it from the cache", async () => {
    const { origins, calls } = fakeOrigin();
    const auth = authenticator(origins);

    const first = await auth.authenticate(`Bearer ${credential.plaintext}`, "req_1");
    const second = await auth.authenticate(`Bearer ${credential.plaintext}`, "req_2");

    expect(first).toMatchObject({
      credentialId: credential.id,
      region: "eu",
      coldVerification: true,
    });
    expect(second).toMatchObject({ credentialId: credential.id, coldVerification: false });
    expect(calls).toHaveLength(1);
  });
});

describe("authenticator: security", () => {
  it("refuses a forged or mistyped key without any origin call", async () => {
    const { origins, calls } = fakeOrigin();
    const auth = authenticator(origins);
    const forged = `${credential.plaintext.slice(0, -1)}${credential.plaintext.endsWith("A") ? "B" : "A"}`;

    for (const header of [`Bearer ${forged}`, "Bearer lk_eu_nonsense", "Basic abc", undefined]) {
      expect(await codeOf(auth.authenticate(header, "req"))).toBe("unauthorized");
    }
    expect(calls).toHaveLength(0);
  });

  it("refuses the right id with a wrong secret, and caches nothing for it", async () => {
    const { origins, calls } = fakeOrigin();
    const auth = authenticator(origins);
    const impostor = makeCredential("apiKey", "eu");
    const sameIdOtherSecret = rebuild(credential.keyId, impostor.secret);

    expect(await codeOf(auth.authenticate(`Bearer ${sameIdOtherSecret}`, "req"))).toBe(
      "unauthorized",
    );
    expect(await codeOf(auth.authenticate(`Bearer ${sameIdOtherSecret}`, "req"))).toBe(
      "unauthorized",
    );
    expect(calls).toHaveLength(2);
  });

  it("refuses revoked and expired keys", async () => {
    for (const overrides of [
      { revoked_at: "2026-01-01T00:00:00.000Z" },
      { expires_at: "2020-01-01T00:00:00.000Z" },
      { kind: "widget_token" },
    ]) {
      const auth = authenticator(fakeOrigin(overrides).origins);

      expect(await codeOf(auth.authenticate(`Bearer ${credential.plaintext}`, "req"))).toBe(
        "unauthorized",
      );
    }
  });

  it("rate-limits cold verifications per key id, so Argon2id cannot be burned on demand", async () => {
    const { origins, calls } = fakeOrigin();
    const auth = authenticator(origins, 2);
    const wrong = rebuild(credential.keyId, makeCredential("apiKey", "eu").secret);

    await codeOf(auth.authenticate(`Bearer ${wrong}`, "req"));
    await codeOf(auth.authenticate(`Bearer ${wrong}`, "req"));
    expect(await codeOf(auth.authenticate(`Bearer ${wrong}`, "req"))).toBe("rate_limited");
    expect(calls).toHaveLength(2);
  });

  it("stops serving a key from the cache once it is evicted", async () => {
    const { origins, calls } = fakeOrigin();
    const auth = authenticator(origins);
    await auth.authenticate(`Bearer ${credential.plaintext}`, "req");

    auth.evict(credential.id);
    await auth.authenticate(`Bearer ${credential.plaintext}`, "req");

    expect(calls).toHaveLength(2);
  });
});

/**
 * A well-formed key with a valid checksum for the given id and secret: what an attacker who knows
 * a key id can always build, since the checksum is public.
 */
function rebuild(keyId: string, secret: string): string {
  const body = `lk_eu_${keyId}_${secret}`;
  return `${body}${uint32ToBase62(crc32(new TextEncoder().encode(body)), 6)}`;
}

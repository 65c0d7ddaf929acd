import { describe, expect, it } from "vitest";
import { type CachedPrincipal, VerificationCache } from "../../src/edge/auth/verification-cache";

function principal(credentialId: string): CachedPrincipal {
  return { credentialId, kind: "api_key", tenantId: "ten_eu_x", scopes: [], customerId: null };
}

function clock(startMs = 1_000_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => (nowMs += ms) };
}

describe("verification cache: happy path", () => {
  it("answers a hit for the exact secret it was given", async () => {
    const cache = new VerificationCache(10, 30_000);
    await cache.set(principal("key_a"), "secret-a");

    expect(await cache.get("key_a", "secret-a")).toEqual(principal("key_a"));
  });

  it("answers a miss for an id it has never seen", async () => {
    const cache = new VerificationCache(10, 30_000);

    expect(await cache.get("key_unknown", "secret")).toBeNull();
  });
});

describe("verification cache: security", () => {
  it("never answers a hit for another secret under a cached id", async () => {
    const cache = new VerificationCache(10, 30_000);
    await cache.set(principal("key_a"), "secret-a");

    expect(await cache.get("key_a", "secret-b")).toBeNull();
    expect(await cache.get("key_a", "")).toBeNull();
  });

  it("forgets a verdict once its lifetime has passed", async () => {
    const time = clock();
    const cache = new VerificationCache(10, 30_000, time.now);
    await cache.set(principal("key_a"), "secret-a");

    time.advance(29_999);
    expect(await cache.get("key_a", "secret-a")).not.toBeNull();
    time.advance(1);
    expect(await cache.get("key_a", "secret-a")).toBeNull();
  });

  it("never keeps a verdict past the credential's own expiry", async () => {
    const time = clock();
    const cache = new VerificationCache(10, 30_000, time.now);
    await cache.set(principal("key_a"), "secret-a", time.now() + 5_000);

    time.advance(5_000);
    expect(await cache.get("key_a", "secret-a")).toBeNull();
  });

  it("holds no more entries than its bound, evicting the oldest first", async () => {
    const cache = new VerificationCache(3, 30_000);
    for (const id of ["key_1", "key_2", "key_3", "key_4"]) await cache.set(principal(id), id);

    expect(cache.size).toBe(3);
    expect(await cache.get("key_1", "key_1")).toBeNull();
    expect(await cache.get("key_4", "key_4")).not.toBeNull();
  });

  it("drops an entry at once when evicted (revocation at this edge)", async () => {
    const cache = new VerificationCache(10, 30_000);
    await cache.set(principal("key_a"), "secret-a");

    cache.evict("key_a");

    expect(await cache.get("key_a", "secret-a")).toBeNull();
  });

  it("refuses a lifetime beyond the 60 s revocation bound at construction", () => {
    expect(() => new VerificationCache(10, 61_000)).toThrow();
    expect(() => new VerificationCache(0, 1_000)).toThrow();
  });
});

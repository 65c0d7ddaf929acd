import { invariant } from "../../shared/assert";
import { normaliseEmail } from "../../shared/email";
import { bytesToHex, hexToBytes } from "../../shared/encoding";

/** The platform secret is 32 random bytes, given as 64 hex characters. */
export const EMAIL_HASH_SECRET_BYTES = 32;
/** RFC 5869 section 2.3: HMAC-SHA256 keys as long as the hash output. */
const TENANT_EMAIL_KEY_BYTES = 32;
/**
 * The info string binds a derived key to its purpose and tenant (RFC 5869 section 3.2), so the key
 * of one tenant says nothing about another's and the secret can serve other purposes later.
 */
const EMAIL_KEY_INFO_PREFIX = "loyaltyos email hash v1 tenant=";

/** RFC 5869 HKDF-SHA256 with WebCrypto: extract with `salt`, expand with `info` to `length`. */
export async function hkdfSha256(
  inputKeyMaterial: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  lengthBytes: number,
): Promise<Uint8Array> {
  invariant(lengthBytes > 0 && lengthBytes <= 255 * 32, "HKDF output length out of range");

  const material = await crypto.subtle.importKey("raw", inputKeyMaterial, "HKDF", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt, info },
    material,
    lengthBytes * 8,
  );
  return new Uint8Array(bits);
}

export async function importHmacSha256Key(key: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

export async function hmacSha256(key: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
}

/**
 * Computes `email_hash` at the edge: HMAC-SHA256 of the normalised email under the tenant's email
 * key, which HKDF derives from the platform secret with the tenant id in `info`. Derived keys are
 * kept per tenant in this isolate, at most `maxTenants` of them, the oldest dropped first.
 */
export class EmailHasher {
  private readonly secret: Uint8Array;
  private readonly keys = new Map<string, Promise<CryptoKey>>();

  constructor(
    secretHex: string,
    private readonly maxTenants: number,
  ) {
    invariant(/^[0-9a-f]{64}$/.test(secretHex), "EMAIL_HASH_SECRET must be 64 lowercase hex");
    invariant(maxTenants > 0, "the tenant key cache needs room for one key");
    this.secret = hexToBytes(secretHex);
  }

  async hash(tenantId: string, email: string): Promise<string> {
    const key = await this.tenantKey(tenantId);
    const message = new TextEncoder().encode(normaliseEmail(email));
    return bytesToHex(await hmacSha256(key, message));
  }

  private tenantKey(tenantId: string): Promise<CryptoKey> {
    const cached = this.keys.get(tenantId);
    if (cached) {
      // Re-inserting marks the key as recently used, so eviction drops the least recent.
      this.keys.delete(tenantId);
      this.keys.set(tenantId, cached);
      return cached;
    }

    const derived = this.derive(tenantId);
    derived.catch(() => this.keys.delete(tenantId));
    this.keys.set(tenantId, derived);
    if (this.keys.size > this.maxTenants) {
      const oldest = this.keys.keys().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
    return derived;
  }

  private async derive(tenantId: string): Promise<CryptoKey> {
    const info = new TextEncoder().encode(`${EMAIL_KEY_INFO_PREFIX}${tenantId}`);
    const raw = await hkdfSha256(this.secret, new Uint8Array(0), info, TENANT_EMAIL_KEY_BYTES);
    try {
      return await importHmacSha256Key(raw);
    } finally {
      raw.fill(0);
    }
  }
}

import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { invariant } from "../../shared/assert";
import { bytesToHex, hexToBytes, randomBase32 } from "../../shared/encoding";
import type { KekProvider, WrappedKey } from "./kek-provider";
import { keyEncryptionKeys } from "./schema";

/** AES-256 key wrap (RFC 3394) under a 256-bit KEK. */
const KEK_BYTES = 32;
/** Imported KEKs kept per isolate, and for how long. */
const MAX_IMPORTED_KEKS = 100;
const IMPORTED_KEK_TTL_MS = 60_000;

export function makeKekId(): string {
  return `kek_${randomBase32(26)}`;
}

/**
 * The embedded default: KEKs are random AES-256 keys in the region's key store database, and data
 * keys are wrapped with AES key wrap (RFC 3394) through WebCrypto's AES-KW. Destroying a KEK
 * deletes its row. Whoever can read the key store file can unwrap every DEK, so this gives no
 * separation from the database; it is meant for development and tests.
 */
export class LocalKekProvider implements KekProvider {
  readonly name = "local";
  private readonly db;
  /** Imported KEKs, non-extractable, so that wrapping does not read the key store every time. */
  private readonly imported = new Map<string, { key: Promise<CryptoKey>; expiresAtMs: number }>();

  constructor(
    keyStore: D1Database,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.db = drizzle(keyStore);
  }

  async create(tenantId: string): Promise<string> {
    const id = makeKekId();
    const material = crypto.getRandomValues(new Uint8Array(KEK_BYTES));
    await this.db.insert(keyEncryptionKeys).values({
      id,
      tenantId,
      material: bytesToHex(material),
      createdAt: new Date(this.nowMs()).toISOString(),
    });
    material.fill(0);
    return id;
  }

  async wrap(kekId: string, dataKey: Uint8Array): Promise<WrappedKey> {
    const kek = await this.importKek(kekId);
    return { kekId, wrapped: await aesKeyWrap(kek, dataKey) };
  }

  async unwrap(key: WrappedKey): Promise<Uint8Array> {
    const kek = await this.importKek(key.kekId);
    return aesKeyUnwrap(kek, key.wrapped);
  }

  async rotate(tenantId: string, kekId: string): Promise<string> {
    const [row] = await this.db
      .select({ tenantId: keyEncryptionKeys.tenantId })
      .from(keyEncryptionKeys)
      .where(eq(keyEncryptionKeys.id, kekId));
    invariant(row?.tenantId === tenantId, "rotating a KEK of another tenant");
    return this.create(tenantId);
  }

  /**
   * Overwrites the key material in place before deleting the row, so the page SQLite keeps does
   * not hold it in its free space. Earlier copies of the page (the write-ahead log before a
   * checkpoint, backups) can still hold it: this store cannot promise destruction.
   */
  async destroy(kekId: string): Promise<void> {
    this.imported.delete(kekId);
    await this.db.batch([
      this.db
        .update(keyEncryptionKeys)
        .set({ material: "0".repeat(KEK_BYTES * 2) })
        .where(eq(keyEncryptionKeys.id, kekId)),
      this.db.delete(keyEncryptionKeys).where(eq(keyEncryptionKeys.id, kekId)),
    ]);
  }

  /**
   * Another isolate may hold a destroyed KEK in memory until its entry's lifetime ends; memory is
   * not a backup, and the lifetime bounds how long a rotation takes to be felt everywhere.
   */
  private importKek(kekId: string): Promise<CryptoKey> {
    const cached = this.imported.get(kekId);
    if (cached && cached.expiresAtMs > this.nowMs()) return cached.key;

    const key = this.readKek(kekId);
    key.catch(() => this.imported.delete(kekId));
    this.imported.set(kekId, { key, expiresAtMs: this.nowMs() + IMPORTED_KEK_TTL_MS });
    while (this.imported.size > MAX_IMPORTED_KEKS) {
      const oldest = this.imported.keys().next().value;
      if (oldest === undefined) break;
      this.imported.delete(oldest);
    }
    return key;
  }

  private async readKek(kekId: string): Promise<CryptoKey> {
    const [row] = await this.db
      .select({ material: keyEncryptionKeys.material })
      .from(keyEncryptionKeys)
      .where(eq(keyEncryptionKeys.id, kekId));
    if (!row) throw new Error("the KEK does not exist or was destroyed");

    const material = hexToBytes(row.material);
    try {
      return await importAesKwKey(material);
    } finally {
      material.fill(0);
    }
  }
}

export function importAesKwKey(material: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", material, { name: "AES-KW" }, false, [
    "wrapKey",
    "unwrapKey",
  ]);
}

/**
 * WebCrypto wraps only CryptoKeys. An extractable HMAC key carries the data key because HMAC
 * accepts raw keys of any length, which the RFC 3394 vectors (128 to 256 bits of key data) need.
 */
const CARRIER = { name: "HMAC", hash: "SHA-256" } as const;

/** RFC 3394 section 2.2.1 through WebCrypto. */
export async function aesKeyWrap(kek: CryptoKey, dataKey: Uint8Array): Promise<Uint8Array> {
  invariant(dataKey.length % 8 === 0 && dataKey.length >= 16, "AES-KW wraps 64-bit blocks");
  const key = await crypto.subtle.importKey("raw", dataKey, CARRIER, true, ["sign"]);
  return new Uint8Array(await crypto.subtle.wrapKey("raw", key, kek, { name: "AES-KW" }));
}

/** RFC 3394 section 2.2.2; the integrity check (2.2.3) makes a wrong KEK throw. */
export async function aesKeyUnwrap(kek: CryptoKey, wrapped: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.unwrapKey(
    "raw",
    wrapped,
    kek,
    { name: "AES-KW" },
    CARRIER,
    true,
    ["sign"],
  );
  return new Uint8Array((await crypto.subtle.exportKey("raw", key)) as ArrayBuffer);
}

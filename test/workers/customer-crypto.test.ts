import { aeskw } from "@noble/ciphers/aes.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { describe, expect, it } from "vitest";
import {
  EmailHasher,
  hkdfSha256,
  hmacSha256,
  importHmacSha256Key,
} from "../../src/edge/customers/email-hash";
import { nobleAesGcm, webCryptoAesGcm } from "../../src/origin/customers/aes-gcm";
import { DataKeyCache } from "../../src/origin/customers/data-key-cache";
import { openField, type SealContext, sealField } from "../../src/origin/customers/sealing";
import { aesKeyUnwrap, aesKeyWrap, importAesKwKey } from "../../src/origin/keys/local-provider";
import { isPlausibleEmail, normaliseEmail } from "../../src/shared/email";
import {
  base64UrlToBytes,
  bytesToBase64Url,
  bytesToHex,
  hexToBytes,
} from "../../src/shared/encoding";

const hex = (value: string) => hexToBytes(value.toLowerCase());
const text = (value: string) => new TextEncoder().encode(value);
const repeat = (byte: number, length: number) => new Uint8Array(length).fill(byte);
const counting = (from: number, length: number) =>
  Uint8Array.from({ length }, (_, index) => from + index);

describe("HMAC-SHA256 (RFC 4231 section 4 test vectors)", () => {
  const vectors: [string, Uint8Array, Uint8Array, string][] = [
    [
      "1",
      repeat(0x0b, 20),
      text("Hi There"),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    ],
    [
      "2",
      text("Jefe"),
      text("what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ],
    [
      "3",
      repeat(0xaa, 20),
      repeat(0xdd, 50),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
    ],
    [
      "4",
      counting(1, 25),
      repeat(0xcd, 50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    ],
    [
      "6",
      repeat(0xaa, 131),
      text("Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ],
    [
      "7",
      repeat(0xaa, 131),
      text(
        "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
      ),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ],
  ];

  for (const [name, key, data, expected] of vectors) {
    it(`produces test case ${name}`, async () => {
      const mac = await hmacSha256(await importHmacSha256Key(key), data);
      expect(bytesToHex(mac)).toBe(expected);
    });
  }

  it("produces test case 5, truncated to 128 bits", async () => {
    const mac = await hmacSha256(
      await importHmacSha256Key(repeat(0x0c, 20)),
      text("Test With Truncation"),
    );
    expect(bytesToHex(mac.subarray(0, 16))).toBe("a3b6167473100ee06e0c796c2955552b");
  });
});

describe("HKDF-SHA256 (RFC 5869 appendix A test vectors)", () => {
  it("produces test case 1", async () => {
    const okm = await hkdfSha256(repeat(0x0b, 22), counting(0x00, 13), counting(0xf0, 10), 42);
    expect(bytesToHex(okm)).toBe(
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
  });

  it("produces test case 2, with long inputs", async () => {
    const okm = await hkdfSha256(counting(0x00, 80), counting(0x60, 80), counting(0xb0, 80), 82);
    expect(bytesToHex(okm)).toBe(
      "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
    );
  });

  it("produces test case 3, with empty salt and info", async () => {
    const okm = await hkdfSha256(repeat(0x0b, 22), new Uint8Array(0), new Uint8Array(0), 42);
    expect(bytesToHex(okm)).toBe(
      "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    );
  });
});

describe("email hash at the edge", () => {
  const secret = "11".repeat(32);

  it("equals HMAC-SHA256 under the HKDF-derived tenant key, computed independently", async () => {
    const hasher = new EmailHasher(secret, 10);
    const tenantId = "ten_eu_0123456789abcdefghjkmnpqrs";

    const hash = await hasher.hash(tenantId, "  Ada@Example.COM ");

    const info = text(`loyaltyos email hash v1 tenant=${tenantId}`);
    const key = hkdf(sha256, hex(secret), new Uint8Array(0), info, 32);
    expect(hash).toBe(bytesToHex(hmac(sha256, key, text("ada@example.com"))));
  });

  it("differs between tenants and is stable within one", async () => {
    const hasher = new EmailHasher(secret, 1);

    const first = await hasher.hash("ten_eu_aaaaaaaaaaaaaaaaaaaaaaaaaa", "ada@example.com");
    const second = await hasher.hash("ten_eu_bbbbbbbbbbbbbbbbbbbbbbbbbb", "ada@example.com");
    const firstAgain = await hasher.hash("ten_eu_aaaaaaaaaaaaaaaaaaaaaaaaaa", "ADA@example.com");

    expect(first).not.toBe(second);
    expect(firstAgain).toBe(first);
  });

  it("refuses a platform secret that is not 32 bytes of hex", () => {
    expect(() => new EmailHasher("too-short", 10)).toThrow();
  });

  it("normalises by trimming, NFKC and lowercasing", () => {
    expect(normaliseEmail("  ＡＤＡ@Example.com\t")).toBe("ada@example.com");
    expect(normaliseEmail("zoe\u0308@example.com")).toBe("zoë@example.com");
  });

  it("accepts internationalised addresses and refuses what is not an address", () => {
    expect(isPlausibleEmail("josé@bücher.example")).toBe(true);
    expect(isPlausibleEmail("a b@example.com")).toBe(false);
    expect(isPlausibleEmail("@example.com")).toBe(false);
    expect(isPlausibleEmail("ada@example.")).toBe(false);
    expect(isPlausibleEmail(`${"a".repeat(65)}@example.com`)).toBe(false);
  });
});

describe("AES key wrap (RFC 3394 section 4 test vectors)", () => {
  const keyData128 = "00112233445566778899AABBCCDDEEFF";
  const keyData192 = `${keyData128}0001020304050607`;
  const keyData256 = `${keyData128}000102030405060708090A0B0C0D0E0F`;
  const kek = (bytes: number) => counting(0, bytes);
  const vectors: [string, Uint8Array, string, string][] = [
    ["4.1", kek(16), keyData128, "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"],
    ["4.2", kek(24), keyData128, "96778B25AE6CA435F92B5B97C050AED2468AB8A17AD84E5D"],
    ["4.3", kek(32), keyData128, "64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7"],
    [
      "4.4",
      kek(24),
      keyData192,
      "031D33264E15D33268F24EC260743EDCE1C6C7DDEE725A936BA814915C6762D2",
    ],
    [
      "4.5",
      kek(32),
      keyData192,
      "A8F9BC1612C68B3FF6E6F4FBE30E71E4769C8B80A32CB8958CD5D17D6B254DA1",
    ],
    [
      "4.6",
      kek(32),
      keyData256,
      "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21",
    ],
  ];

  for (const [section, kekBytes, keyData, wrapped] of vectors) {
    it(`wraps and unwraps section ${section} with WebCrypto and with @noble/ciphers`, async () => {
      const webKek = await importAesKwKey(kekBytes);

      const webWrapped = await aesKeyWrap(webKek, hex(keyData));
      const nobleWrapped = aeskw(kekBytes).encrypt(hex(keyData));

      expect(bytesToHex(webWrapped)).toBe(wrapped.toLowerCase());
      expect(bytesToHex(nobleWrapped)).toBe(wrapped.toLowerCase());
      expect(bytesToHex(await aesKeyUnwrap(webKek, hex(wrapped)))).toBe(keyData.toLowerCase());
      expect(bytesToHex(aeskw(kekBytes).decrypt(hex(wrapped)))).toBe(keyData.toLowerCase());
    });
  }

  it("refuses to unwrap under another KEK (the integrity check of section 2.2.3)", async () => {
    const wrapped = hex("64E8C3F9CE0F5BA263E9777905818A2A93C8191E7D6E8AE7");
    const otherKek = await importAesKwKey(repeat(0x42, 32));

    await expect(aesKeyUnwrap(otherKek, wrapped)).rejects.toThrow();
  });
});

describe("AES-256-GCM", () => {
  // The GCM specification's test cases 13 and 14 (McGrew and Viega): all-zero key and nonce.
  it("matches the published vectors with both implementations", async () => {
    const key = new Uint8Array(32);
    const nonce = new Uint8Array(12);
    for (const cipher of [webCryptoAesGcm, nobleAesGcm]) {
      const empty = await cipher.seal(key, nonce, new Uint8Array(0), new Uint8Array(0));
      const block = await cipher.seal(key, nonce, new Uint8Array(16), new Uint8Array(0));

      expect(bytesToHex(empty)).toBe("530f8afbc74536b9a963b4f1c4cb738b");
      expect(bytesToHex(block)).toBe(
        "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919",
      );
    }
  });

  const context: SealContext = {
    tenantId: "ten_eu_aaaaaaaaaaaaaaaaaaaaaaaaaa",
    customerId: "cus_eu_bbbbbbbbbbbbbbbbbbbbbbbbbb",
    field: "email",
  };
  const dataKey = () => crypto.getRandomValues(new Uint8Array(32));

  it("opens with @noble/ciphers what WebCrypto sealed, and the other way round", async () => {
    const key = dataKey();

    const fromWeb = await sealField(webCryptoAesGcm, key, context, "ada@example.com");
    const fromNoble = await sealField(nobleAesGcm, key, context, "Ada Lovelace");

    expect(await openField(nobleAesGcm, key, context, fromWeb)).toBe("ada@example.com");
    expect(await openField(webCryptoAesGcm, key, context, fromNoble)).toBe("Ada Lovelace");
  });

  it("writes format version 1 and a fresh nonce every time", async () => {
    const key = dataKey();

    const first = base64UrlToBytes(await sealField(webCryptoAesGcm, key, context, "same"));
    const second = base64UrlToBytes(await sealField(webCryptoAesGcm, key, context, "same"));

    expect(first[0]).toBe(1);
    expect(first.length).toBe(1 + 12 + 4 + 16);
    expect(bytesToHex(first.subarray(1, 13))).not.toBe(bytesToHex(second.subarray(1, 13)));
  });

  it("refuses to open a value moved to another field, customer or tenant", async () => {
    const key = dataKey();
    const sealed = await sealField(webCryptoAesGcm, key, context, "ada@example.com");

    for (const moved of [
      { ...context, field: "name" as const },
      { ...context, customerId: "cus_eu_cccccccccccccccccccccccccc" },
      { ...context, tenantId: "ten_eu_dddddddddddddddddddddddddd" },
    ]) {
      await expect(openField(webCryptoAesGcm, key, moved, sealed)).rejects.toThrow();
      await expect(openField(nobleAesGcm, key, moved, sealed)).rejects.toThrow();
    }
  });

  it("refuses an altered ciphertext, another key and an unknown format version", async () => {
    const key = dataKey();
    const sealed = base64UrlToBytes(await sealField(webCryptoAesGcm, key, context, "ada"));
    const altered = sealed.slice();
    altered[altered.length - 1]! ^= 1;
    const versioned = sealed.slice();
    versioned[0] = 2;

    const open = (bytes: Uint8Array, withKey = key) =>
      openField(webCryptoAesGcm, withKey, context, bytesToBase64Url(bytes));
    await expect(open(altered)).rejects.toThrow();
    await expect(open(sealed, dataKey())).rejects.toThrow();
    await expect(open(versioned)).rejects.toThrow(/version/);
  });
});

describe("data key cache", () => {
  it("keeps at most its bound of entries, dropping the least recently used", () => {
    const cache = new DataKeyCache(2, 60_000);

    cache.set("a", repeat(1, 32));
    cache.set("b", repeat(2, 32));
    cache.get("a");
    cache.set("c", repeat(3, 32));

    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeNull();
    expect(cache.get("a")).toEqual(repeat(1, 32));
  });

  it("forgets a key once its lifetime has passed", () => {
    let now = 1_000;
    const cache = new DataKeyCache(10, 500, () => now);
    cache.set("a", repeat(1, 32));

    now += 499;
    expect(cache.get("a")).not.toBeNull();
    now += 1;
    expect(cache.get("a")).toBeNull();
  });

  it("zeroes a key's buffer when it is evicted and hands out copies only", () => {
    const cache = new DataKeyCache(10, 60_000);
    const key = repeat(7, 32);
    cache.set("a", key);
    const copy = cache.get("a")!;
    copy.fill(0);
    const cached = (cache as unknown as { entries: Map<string, { key: Uint8Array }> }).entries.get(
      "a",
    )!.key;

    expect(cache.get("a")).toEqual(repeat(7, 32));
    cache.evict("a");
    expect(cached).toEqual(new Uint8Array(32));
    expect(cache.get("a")).toBeNull();
  });
});

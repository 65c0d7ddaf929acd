const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE32_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * Random characters from an alphabet whose size divides 256 evenly or by rejection sampling, so
 * that every character is equally likely. The bound on attempts keeps the loop finite.
 */
function randomString(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  const maxRounds = 16;
  let out = "";
  for (let round = 0; round < maxRounds && out.length < length; round++) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const byte of bytes) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  if (out.length !== length) throw new Error("random source returned too many rejected bytes");
  return out;
}

export function randomBase62(length: number): string {
  return randomString(BASE62_ALPHABET, length);
}

/** Lowercase Crockford base32, used where identifiers must be case-insensitive. */
export function randomBase32(length: number): string {
  return randomString(BASE32_ALPHABET, length);
}

export function isBase62(value: string): boolean {
  return /^[0-9A-Za-z]*$/.test(value);
}

export function isBase32(value: string): boolean {
  return /^[0-9abcdefghjkmnpqrstvwxyz]*$/.test(value);
}

/** Fixed-width base62 of an unsigned 32-bit number (six characters cover 2^32). */
export function uint32ToBase62(value: number, width: number): string {
  let remaining = value >>> 0;
  let out = "";
  for (let index = 0; index < width; index++) {
    out = BASE62_ALPHABET[remaining % 62] + out;
    remaining = Math.floor(remaining / 62);
  }
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) throw new Error("not a hex string");
  const out = new Uint8Array(hex.length / 2);
  for (let index = 0; index < out.length; index++) {
    out[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  return out;
}

export function bytesToBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function base64UrlToBytes(text: string): Uint8Array {
  const padded = text.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(padded + "=".repeat((4 - (padded.length % 4)) % 4));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

/** Compares two byte strings in time that depends only on their length. */
export function timingSafeEqual(left: Uint8Array, right: Uint8Array): boolean {
  if (left.length !== right.length) return false;
  let difference = 0;
  for (let index = 0; index < left.length; index++) difference |= left[index]! ^ right[index]!;
  return difference === 0;
}

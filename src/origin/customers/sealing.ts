import { invariant } from "../../shared/assert";
import { base64UrlToBytes, bytesToBase64Url } from "../../shared/encoding";
import { type AeadCipher, GCM_NONCE_BYTES, GCM_TAG_BYTES } from "./aes-gcm";

/**
 * The sealed format of a personal-data field, version 1:
 *
 *   version (1 byte, 0x01) || nonce (12 bytes) || ciphertext || GCM tag (16 bytes)
 *
 * stored as unpadded base64url. The nonce is fresh and random for every seal: with at most a few
 * seals per data key, random 96-bit nonces stay far below the 2^32 bound of SP 800-38D 8.3.
 */
export const SEALED_FORMAT_VERSION = 1;

export type PiiField = "email" | "name" | "external_id";

export interface SealContext {
  readonly tenantId: string;
  readonly customerId: string;
  readonly field: PiiField;
}

/**
 * The associated data binds a ciphertext to its format version, tenant, customer and field, so a
 * sealed value copied to another row or column fails to open instead of revealing itself there.
 * Identifiers never contain a NUL byte, which makes the NUL-separated encoding unambiguous.
 */
export function associatedData(version: number, context: SealContext): Uint8Array {
  const text = [
    "loyaltyos-pii",
    `v${version}`,
    context.tenantId,
    context.customerId,
    context.field,
  ].join("\0");
  return new TextEncoder().encode(text);
}

export async function sealField(
  cipher: AeadCipher,
  dataKey: Uint8Array,
  context: SealContext,
  plaintext: string,
): Promise<string> {
  const nonce = crypto.getRandomValues(new Uint8Array(GCM_NONCE_BYTES));
  const aad = associatedData(SEALED_FORMAT_VERSION, context);

  const ciphertext = await cipher.seal(dataKey, nonce, new TextEncoder().encode(plaintext), aad);

  const out = new Uint8Array(1 + GCM_NONCE_BYTES + ciphertext.length);
  out[0] = SEALED_FORMAT_VERSION;
  out.set(nonce, 1);
  out.set(ciphertext, 1 + GCM_NONCE_BYTES);
  return bytesToBase64Url(out);
}

export async function openField(
  cipher: AeadCipher,
  dataKey: Uint8Array,
  context: SealContext,
  sealed: string,
): Promise<string> {
  const bytes = base64UrlToBytes(sealed);
  invariant(bytes.length >= 1 + GCM_NONCE_BYTES + GCM_TAG_BYTES, "sealed value is truncated");
  const version = bytes[0]!;
  invariant(version === SEALED_FORMAT_VERSION, `unknown sealed format version ${version}`);

  const nonce = bytes.subarray(1, 1 + GCM_NONCE_BYTES);
  const ciphertext = bytes.subarray(1 + GCM_NONCE_BYTES);
  const plaintext = await cipher.open(dataKey, nonce, ciphertext, associatedData(version, context));

  return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(plaintext);
}
